package dev.slipway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field of an object named as people write it: {@code spec.template.spec.containers[0].image},
 * {@code metadata.labels["app.kubernetes.io/name"]}. Missing objects on the way are made; list
 * items must exist.
 */
final class FieldPath {
  private FieldPath() {}

  /** Segments: a String is an object key, an Integer a list index. */
  static List<Object> parse(String path) {
    List<Object> out = new ArrayList<>();
    int i = 0;
    StringBuilder key = new StringBuilder();
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        flush(key, out, path);
        i++;
      } else if (c == '[') {
        flush(key, out, path);
        int end = path.indexOf(']', i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed [ in field path " + path);
        }
        String inner = path.substring(i + 1, end).trim();
        if (inner.length() >= 2 && (inner.startsWith("\"") && inner.endsWith("\"") || inner.startsWith("'") && inner.endsWith("'"))) {
          out.add(inner.substring(1, inner.length() - 1));
        } else {
          try {
            out.add(Integer.parseInt(inner));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("[" + inner + "] in field path " + path + " is neither an index nor a quoted key");
          }
        }
        i = end + 1;
      } else {
        key.append(c);
        i++;
      }
    }
    flush(key, out, path);
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty field path");
    }
    return out;
  }

  private static void flush(StringBuilder key, List<Object> out, String path) {
    if (key.length() > 0) {
      out.add(key.toString());
      key.setLength(0);
    }
  }

  /** Sets (or, with a null value, removes) the field; returns what was there, or null. */
  static JsonNode set(ObjectNode root, String path, JsonNode value) {
    List<Object> segments = parse(path);
    JsonNode at = root;
    for (int i = 0; i < segments.size() - 1; i++) {
      Object s = segments.get(i);
      JsonNode next = s instanceof Integer n ? at.path(n) : at.path((String) s);
      if (next.isMissingNode() || next.isNull()) {
        if (s instanceof Integer || !(at instanceof ObjectNode)) {
          throw new IllegalArgumentException("no " + describe(segments, i) + " in the object");
        }
        next = ((ObjectNode) at).putObject((String) s);
      }
      at = next;
    }
    Object last = segments.get(segments.size() - 1);
    if (last instanceof Integer n) {
      if (!(at instanceof ArrayNode list) || n < 0 || n >= list.size()) {
        throw new IllegalArgumentException("no " + describe(segments, segments.size() - 1) + " in the object");
      }
      JsonNode before = list.get(n);
      if (value == null) {
        list.remove(n);
      } else {
        list.set(n, value);
      }
      return before;
    }
    if (!(at instanceof ObjectNode holder)) {
      throw new IllegalArgumentException(describe(segments, segments.size() - 2) + " is not an object");
    }
    JsonNode before = holder.get((String) last);
    if (value == null) {
      holder.remove((String) last);
    } else {
      holder.set((String) last, value);
    }
    return before;
  }

  private static String describe(List<Object> segments, int upTo) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= upTo && i < segments.size(); i++) {
      Object s = segments.get(i);
      if (s instanceof Integer n) {
        sb.append('[').append(n).append(']');
      } else {
        sb.append(sb.length() == 0 ? "" : ".").append(s);
      }
    }
    return sb.toString();
  }
}
