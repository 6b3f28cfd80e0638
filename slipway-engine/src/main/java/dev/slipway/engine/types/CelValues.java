package dev.slipway.engine.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CEL's runtime values as the plain values a Kubernetes object is made of. */
final class CelValues {
  private CelValues() {}

  static Object plain(Object v) {
    if (v == null || v.getClass().getSimpleName().equals("NullValue")) {
      return null;
    }
    if (v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof Number n) {
      return n instanceof Integer || n.getClass().getSimpleName().equals("UnsignedLong") ? (Object) n.longValue() : (Object) n.doubleValue();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(plain(x)));
      return out;
    }
    return v.toString();
  }

  /** A value inside an interpolated string. */
  static String text(Object v) {
    Object p = plain(v);
    return p == null ? "" : p.toString();
  }
}
