package dev.slipway.model.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds what a JSON Schema allows at a field path such as {@code spec.environments[0].addons}. */
final class SchemaWalk {
  private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

  private SchemaWalk() {}

  /** The property names the schema describes for the object at {@code path} (across anyOf/oneOf/allOf branches). */
  static Set<String> properties(JsonNode root, String path) {
    List<JsonNode> at = expand(root, List.of(root));
    Matcher m = SEGMENT.matcher(path);
    while (m.find()) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : at) {
        if (m.group(2) != null) {
          if (n.has("items")) {
            next.add(n.get("items"));
          }
        } else if (n.has("properties") && n.get("properties").has(m.group(1))) {
          next.add(n.get("properties").get(m.group(1)));
        } else if (n.has("additionalProperties") && n.get("additionalProperties").isObject()) {
          next.add(n.get("additionalProperties"));
        }
      }
      at = expand(root, next);
    }
    Set<String> out = new TreeSet<>();
    for (JsonNode n : at) {
      if (n.has("properties")) {
        n.get("properties").fieldNames().forEachRemaining(out::add);
      }
    }
    return out;
  }

  private static List<JsonNode> expand(JsonNode root, List<JsonNode> nodes) {
    List<JsonNode> out = new ArrayList<>();
    List<JsonNode> todo = new ArrayList<>(nodes);
    while (!todo.isEmpty()) {
      JsonNode n = todo.remove(0);
      if (n.has("$ref")) {
        JsonNode target = root;
        for (String part : n.get("$ref").asText().substring(2).split("/")) {
          target = target.get(part);
        }
        todo.add(target);
      }
      for (String k : List.of("anyOf", "oneOf", "allOf")) {
        if (n.has(k)) {
          n.get(k).forEach(todo::add);
        }
      }
      out.add(n);
    }
    return out;
  }
}
