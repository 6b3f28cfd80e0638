package dev.slipway.model.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.SpecFixture;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.YamlLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schemas `slipway schema` writes say what the loaders accept: no less, and refusing what they refuse. */
class SpecSchemasTest {
  static final Path FIXTURES = Path.of("src/test/resources/schema");
  static final List<ComponentTypeSchema> TYPES = ComponentTypeSchema.builtIn();
  static final JsonSchema PLATFORM = compile(SpecSchemas.platform(TYPES));
  static final JsonSchema APP = compile(SpecSchemas.application(TYPES, List.of()));
  static final JsonSchema SCORE = score();

  @TempDir
  Path dir;

  static JsonSchema score() {
    try (var in = SpecSchemasTest.class.getResourceAsStream(dev.slipway.model.score.ScoreSchema.RESOURCE)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static JsonSchema compile(JsonNode schema) {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
  }

  static Set<ValidationMessage> validate(JsonSchema schema, String yaml) {
    Diagnostics d = new Diagnostics();
    var docs = YamlLoader.forSpecs().load(yaml, "x", Layer.APP, d);
    assertThat(d.list()).isEmpty();
    return schema.validate(JsonView.of(docs.get(0).root()));
  }

  static List<Path> exampleFiles(String name) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> w = Files.walk(Path.of("..", "examples"))) {
      w.filter(p -> p.getFileName().toString().equals(name)).filter(p -> !p.toString().contains("/out/")).sorted().forEach(out::add);
    }
    out.add(FIXTURES.resolve(name));
    return out;
  }

  /**
   * The types of the platform a spec file belongs to (its own componentTypes/ joined to the
   * built-in ones), as `slipway schema PLATFORM_DIR` writes them; built-in types alone for files
   * outside a platform (the fixtures).
   */
  static List<ComponentTypeSchema> typesOf(Path specFile) {
    Path root = specFile.getFileName().toString().equals("slipway.yaml") ? specFile.getParent()
        : specFile.getParent().getParent().getParent();
    if (root == null || !Files.isRegularFile(root.resolve("slipway.yaml")) || root.startsWith(FIXTURES)) {
      return TYPES;
    }
    Workspace ws = Workspace.load(root);
    assertThat(ws.platform()).as(root.toString()).isNotNull();
    return ComponentTypeSchema.of(ws.platform());
  }

  @Test
  void acceptsEveryPlatformAndApplicationInTheRepository() throws IOException {
    List<Path> platforms = exampleFiles("slipway.yaml");
    List<Path> apps = exampleFiles("app.yaml");
    // The escape-hatch platforms of the CLI tests: hatches on built-in and on platform-typed components.
    for (String platform : List.of("escape-hatches", "typed-hatches")) {
      try (Stream<Path> w = Files.walk(Path.of("..", "slipway-cli", "src", "test", "resources", platform))) {
        w.filter(x -> x.getFileName().toString().equals("app.yaml")).sorted().forEach(apps::add);
      }
    }
    assertThat(platforms).hasSizeGreaterThanOrEqualTo(3);
    assertThat(apps).hasSizeGreaterThanOrEqualTo(5);
    int withPlatformTypes = 0;
    for (Path p : platforms) {
      assertThat(validate(compile(SpecSchemas.platform(typesOf(p))), Files.readString(p))).as(p.toString()).isEmpty();
    }
    for (Path p : apps) {
      List<ComponentTypeSchema> types = typesOf(p);
      withPlatformTypes += types.size() > TYPES.size() ? 1 : 0;
      JsonSchema app = compile(SpecSchemas.application(types, List.of()));
      if (Files.exists(p.resolveSibling("score.yaml"))) {
        // An overlay of a Score file may leave out metadata and components (docs/editors.md says so).
        assertThat(validate(app, Files.readString(p))).as(p.toString()).extracting(ValidationMessage::getMessage)
            .allSatisfy(m -> assertThat(m).contains("required property"));
        continue;
      }
      assertThat(validate(app, Files.readString(p))).as(p.toString()).isEmpty();
    }
    assertThat(withPlatformTypes).as("applications of platforms with their own types (examples/kro-platform)").isGreaterThanOrEqualTo(3);
    for (Path p : exampleFiles("score.yaml")) {
      if (Files.exists(p)) {
        assertThat(validate(SCORE, Files.readString(p))).as(p.toString()).isEmpty();
      }
    }
  }

  @Test
  void theFullFixturesAreValidForTheLoadersToo() throws IOException {
    SpecFixture.write(dir, Files.readString(FIXTURES.resolve("slipway.yaml")), Files.readString(FIXTURES.resolve("app.yaml")));
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
  }

  @Test
  void refusesWhatTheLoadersRefuse() {
    assertThat(validate(APP, SpecFixture.app("""
        web: {type: web, image: "nginx:1", replicas: three}
        jobs: {type: job, image: "busybox:1"}
        queue: {type: worker, image: "busybox:1", ingress: {path: /}}
        db: {type: postgres, imagee: x}
        """))).extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("$.spec.components.web.replicas", "integer"))
        .anySatisfy(m -> assertThat(m).contains("$.spec.components.jobs", "schedule"))
        .anySatisfy(m -> assertThat(m).contains("$.spec.components.queue.ingress"))
        .anySatisfy(m -> assertThat(m).contains("imagee"));
    assertThat(validate(PLATFORM, SpecFixture.PLATFORM.replace("engine: keda", "engine: kedaa"))).extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("$.spec.addons.autoscaling.engine"));
  }

  @Test
  void limitsEnvironmentOverridesToThePlatformsEnvironmentsWhenGivenThem() {
    JsonSchema withEnvs = compile(SpecSchemas.application(TYPES, List.of("dev", "prod")));
    String app = SpecFixture.app("web: {type: web, image: \"nginx:1\"}") + "  environments:\n    stagin: {}\n";
    assertThat(validate(withEnvs, app)).isNotEmpty();
    assertThat(validate(APP, app)).isEmpty();
  }

  @Test
  void describesEveryFieldTheLoadersRead() throws IOException {
    Path acme = Path.of("..", "examples", "acme");
    List<Map<String, TreeSet<String>>> runs = List.of(
        KnownFields.of(Files.createDirectories(dir.resolve("full")), Files.readString(FIXTURES.resolve("slipway.yaml")),
            Map.of("full", Files.readString(FIXTURES.resolve("app.yaml")))),
        KnownFields.of(Files.createDirectories(dir.resolve("acme")), Files.readString(acme.resolve("slipway.yaml")),
            Map.of("a", Files.readString(acme.resolve("apps/proyecto06/app.yaml")),
                "b", Files.readString(acme.resolve("apps/flask-otel-app/app.yaml")))));
    int checked = 0;
    for (Map<String, TreeSet<String>> run : runs) {
      for (var e : run.entrySet()) {
        String file = e.getKey().substring(0, e.getKey().indexOf('#'));
        String path = e.getKey().substring(e.getKey().indexOf('#') + 1);
        // An environment's defaults in slipway.yaml are read as part of each component: their path is the component's.
        boolean platform = file.equals("slipway.yaml") && !path.startsWith("spec.components.");
        JsonNode root = platform ? SpecSchemas.platform(TYPES) : SpecSchemas.application(TYPES, List.of());
        Set<String> described = SchemaWalk.properties(root, path);
        assertThat(described).as("fields of %s in %s", path.isEmpty() ? "the top" : path, file).containsAll(e.getValue());
        checked += e.getValue().size();
      }
    }
    assertThat(checked).as("fields the loaders reported").isGreaterThan(150);
    // The walk must see every map of the full fixtures: a section the loaders never reached checks nothing.
    assertThat(runs.get(0).keySet()).contains("slipway.yaml#spec.health", "slipway.yaml#spec.environments[0].nodePools[0].limits",
        "apps/full/app.yaml#spec.components.web.strategy.steps[1].pause", "apps/full/app.yaml#spec.components.nightly.schedule",
        "apps/full/app.yaml#spec.components.web.serviceAccount.rules[0]", "apps/full/app.yaml#spec.waivers[0]");
  }
}
