package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Small helpers for building ordered JSON trees. */
final class Json {
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Json() {}

  static ObjectNode obj() {
    return F.objectNode();
  }

  static ArrayNode arr() {
    return F.arrayNode();
  }

  static ObjectNode obj(String k, String v) {
    return obj().put(k, v);
  }

  static ObjectNode map(Map<String, String> m) {
    ObjectNode o = obj();
    m.forEach(o::put);
    return o;
  }

  static ArrayNode strings(Iterable<String> values) {
    ArrayNode a = arr();
    values.forEach(a::add);
    return a;
  }
}
