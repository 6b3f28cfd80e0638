package dev.slipway.engine.validate;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.slipway.model.yaml.Quantities;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A structural schema derived from fabric8's typed model classes, read through Jackson's own
 * bean introspection (the same view Jackson deserializes with). Checks what a JSON schema would:
 * field types, unknown fields (strict mode), quantities, int-or-string; reports every problem
 * with its JSON pointer instead of stopping at the first like a deserializer does.
 */
public final class TypedSchema {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<Class<?>, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();
  private static final int MAX_PROBLEMS = 50;

  private TypedSchema() {}

  public static void check(JsonNode node, Class<?> type, boolean strict, List<Problem> out) {
    walk(node, MAPPER.constructType(type), Ptr.ROOT, strict, out);
  }

  private static void walk(JsonNode node, JavaType type, Ptr ptr, boolean strict, List<Problem> out) {
    if (node == null || node.isNull() || node.isMissingNode() || out.size() >= MAX_PROBLEMS) {
      return;
    }
    Class<?> raw = type.getRawClass();
    if (raw == Quantity.class) {
      if (!(node.isTextual() || node.isNumber()) || !Quantities.isValid(node.asText())) {
        out.add(new Problem(ptr.toString(), "'" + node.asText() + "' is not a valid quantity"));
      }
      return;
    }
    if (raw == IntOrString.class) {
      if (!node.isTextual() && !node.isIntegralNumber()) {
        out.add(new Problem(ptr.toString(), "expected an integer or a string, got " + describe(node)));
      }
      return;
    }
    if (raw == String.class) {
      expect(node.isTextual(), node, "a string", ptr, out);
      return;
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class
        || raw == Short.class || raw == short.class) {
      expect(node.isIntegralNumber(), node, "an integer", ptr, out);
      return;
    }
    if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
      expect(node.isNumber(), node, "a number", ptr, out);
      return;
    }
    if (raw == Boolean.class || raw == boolean.class) {
      expect(node.isBoolean(), node, "a boolean", ptr, out);
      return;
    }
    if (type.isMapLikeType()) {
      if (!expect(node.isObject(), node, "an object", ptr, out)) {
        return;
      }
      JavaType values = type.getContentType();
      node.fields().forEachRemaining(e -> walk(e.getValue(), values, new Ptr(ptr, e.getKey(), -1), strict, out));
      return;
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      if (!expect(node.isArray(), node, "an array", ptr, out)) {
        return;
      }
      JavaType items = type.getContentType();
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), items, new Ptr(ptr, null, i), strict, out);
      }
      return;
    }
    if (!isModelBean(raw)) {
      return;
    }
    if (!expect(node.isObject(), node, "an object", ptr, out)) {
      return;
    }
    Map<String, JavaType> props = properties(raw);
    node.fields().forEachRemaining(e -> {
      JavaType t = props.get(e.getKey());
      Ptr p = new Ptr(ptr, e.getKey(), -1);
      if (t != null) {
        walk(e.getValue(), t, p, strict, out);
      } else if (strict && out.size() < MAX_PROBLEMS) {
        out.add(new Problem(p.toString(), "unknown field '" + e.getKey() + "'"));
      }
    });
  }

  /** A fabric8 data class Jackson binds field by field (not an interface, not custom-deserialized). */
  private static boolean isModelBean(Class<?> raw) {
    return MODEL_BEAN.get(raw);
  }

  private static final ClassValue<Boolean> MODEL_BEAN = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> raw) {
      return modelBean(raw);
    }
  };

  private static boolean modelBean(Class<?> raw) {
    if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || raw.isEnum() || !raw.getName().startsWith("io.fabric8.")) {
      return false;
    }
    JsonDeserialize d = raw.getAnnotation(JsonDeserialize.class);
    return d == null || d.using() == JsonDeserializer.None.class;
  }

  private static Map<String, JavaType> properties(Class<?> raw) {
    return PROPERTIES.computeIfAbsent(raw, c -> {
      BeanDescription bd = MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(c));
      Map<String, JavaType> m = new HashMap<>();
      for (BeanPropertyDefinition def : bd.findProperties()) {
        if (def.hasSetter() || def.hasField() || def.hasConstructorParameter()) {
          m.put(def.getName(), def.getPrimaryType());
        }
      }
      return m;
    });
  }

  private static boolean expect(boolean ok, JsonNode node, String what, Ptr ptr, List<Problem> out) {
    if (!ok) {
      out.add(new Problem(ptr.toString(), "expected " + what + ", got " + describe(node)));
    }
    return ok;
  }

  static String describe(JsonNode n) {
    if (n.isTextual()) {
      String t = n.asText();
      return "string \"" + (t.length() > 40 ? t.substring(0, 37) + "..." : t) + "\"";
    }
    if (n.isIntegralNumber()) {
      return "integer " + n.asText();
    }
    if (n.isNumber()) {
      return "number " + n.asText();
    }
    if (n.isBoolean()) {
      return "boolean " + n.asText();
    }
    return n.isArray() ? "an array" : n.isObject() ? "an object" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** A JSON pointer, built only when a problem is reported: most of the walk finds none. */
  private record Ptr(Ptr parent, String key, int index) {
    static final Ptr ROOT = new Ptr(null, null, -1);

    @Override
    public String toString() {
      if (parent == null) {
        return "";
      }
      return parent + "/" + (key != null ? escape(key) : Integer.toString(index));
    }
  }

  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
