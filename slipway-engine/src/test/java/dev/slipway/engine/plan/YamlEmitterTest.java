package dev.slipway.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.load.Workspace;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The emitter's contract: what it writes, SnakeYAML (YAML 1.1, as kubectl reads) reads back unchanged. */
class YamlEmitterTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Numbers compare by value: YAML does not keep Java's int/long distinction. */
  static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  static JsonNode readBack(String yaml) {
    Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return JSON.valueToTree(loaded);
  }

  static void assertRoundTrips(JsonNode node) {
    String yaml = YamlEmitter.write(node);
    assertThat(readBack(yaml).equals(BY_VALUE, node)).as("%s%nemitted:%n%s", node, yaml).isTrue();
  }

  @Test
  void readsBackEveryRenderedObjectUnchanged() {
    for (Path platform : List.of(Path.of("..", "examples", "acme"), Path.of("src", "test", "resources", "golden", "types"))) {
      Plan plan = new Planner().plan(Workspace.load(platform), Planner.Scope.ALL);
      for (var e : plan.environments()) {
        e.clusterObjects().forEach(o -> assertRoundTrips(o.body()));
        for (var a : e.applications()) {
          for (RenderedObject o : a.bundle().objects()) {
            assertRoundTrips(o.body());
          }
        }
      }
    }
  }

  @Test
  void quotesStringsThatWouldReadAsSomethingElse() {
    List<String> tricky = List.of("yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "", " ", "1", "1.0",
        "-1", "+1", "0x1F", "0o17", "012", "1_000", "1e3", ".5", ".inf", "-.inf", ".nan", "1:20", "2024-01-01",
        "2024-01-01T10:00:00Z", "-", "- a", "? x", ": x", "a: b", "a:", "#x", "a #b", "@x", "`x", "*x", "&x", "!x", "%x", "|",
        ">", "'", "\"", "[a]", "{a}", "<<", "a, b", "lead space", " lead", "trail ", "tab\there", "back\\slash",
        "multi\nline", "multi\nline\n", "multi\n\n", "  indented\nfirst", "line\n  \nblank-ish", "crlf\r\nline",
        "unicode ñ ✓ 😀", "nel\u0085x", "ctrl\u0001x", "{\"json\": [1, 2]}\n", "http://x.example/a?b=c", "nginx:1.27",
        "arn:aws:iam::123:role/x", "25%", "128Mi", "5m", "1e3", "1E5", "2e-3", "0b101", "0X1f", "12h", "3.14Gi",
        "1.5", "-U", "-1", "-.5", "-x-y", "1_000", "190:20:30", "2001-12-14", "6.8523015e+5", "=", "a=b", "/health", "_x", "key: value # comment");
    for (String s : tricky) {
      ObjectNode o = JSON.createObjectNode();
      o.put("value", s);
      o.put(s.isEmpty() ? "empty-key" : s, "as key");
      ArrayNode a = o.putArray("list");
      a.add(s);
      a.addObject().put("nested", s);
      assertRoundTrips(o);
    }
  }

  @Test
  void writesEmptyCollectionsNullsNumbersAndNestedLists() {
    ObjectNode o = JSON.createObjectNode();
    o.putObject("emptyMap");
    o.putArray("emptyList");
    o.putNull("nothing");
    o.put("int", 42).put("neg", -7).put("big", 12345678901234L).put("dec", 0.25).put("flag", false);
    ArrayNode outer = o.putArray("matrix");
    outer.addArray().add(1).add(2);
    outer.addArray();
    outer.addObject();
    outer.addObject().put("a", 1).putObject("b").put("c", "d");
    assertRoundTrips(o);
    assertThat(YamlEmitter.write(o)).contains("emptyMap: {}\n", "emptyList: []\n", "nothing: null\n", "  - - 1\n    - 2\n");
  }

  @Test
  void writesMultiLineStringsAsLiteralBlocks() {
    ObjectNode o = JSON.createObjectNode();
    o.putObject("data").put("settings.json", "{\n  \"theme\": \"dark\"\n}\n");
    assertThat(YamlEmitter.write(o)).isEqualTo("data:\n  settings.json: |\n    {\n      \"theme\": \"dark\"\n    }\n");
  }
}
