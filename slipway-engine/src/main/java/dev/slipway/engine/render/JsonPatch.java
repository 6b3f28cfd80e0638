package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386) over Jackson trees, with JSON Pointers
 * (RFC 6901). Small and strict, because a patch that does nothing is worse than one that fails:
 * a path that does not exist (other than the last part of an {@code add}), an array index out of
 * range and a failing {@code test} are errors naming the operation. Nothing is changed in place:
 * a patch that fails half way leaves the input as it was.
 */
public final class JsonPatch {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JsonPatch() {}

  /** One operation: {@code op} is add, remove, replace, move, copy or test. */
  public record Operation(String op, String path, String from, JsonNode value) {}

  /** Why an operation failed; {@code index} is its position in the patch. */
  public static final class PatchException extends Exception {
    private final int index;

    PatchException(int index, String message) {
      super(message);
      this.index = index;
    }

    public int index() {
      return index;
    }
  }

  /** The document with every operation applied in order; the input is not changed. */
  public static JsonNode apply(JsonNode document, List<Operation> ops) throws PatchException {
    JsonNode doc = document.deepCopy();
    for (int i = 0; i < ops.size(); i++) {
      try {
        doc = applyOne(doc, ops.get(i));
      } catch (IllegalArgumentException e) {
        throw new PatchException(i, e.getMessage());
      }
    }
    return doc;
  }

  private static JsonNode applyOne(JsonNode doc, Operation o) {
    return switch (o.op()) {
      case "add" -> add(doc, o.path(), o.value().deepCopy());
      case "remove" -> remove(doc, o.path());
      case "replace" -> replace(doc, o.path(), o.value().deepCopy());
      case "move" -> {
        if (o.path().startsWith(o.from() + "/")) {
          throw new IllegalArgumentException("cannot move " + o.from() + " into its own child " + o.path());
        }
        JsonNode value = get(doc, o.from());
        yield add(remove(doc, o.from()), o.path(), value);
      }
      case "copy" -> add(doc, o.path(), get(doc, o.from()).deepCopy());
      case "test" -> {
        JsonNode actual = get(doc, o.path());
        if (!equal(actual, o.value())) {
          throw new IllegalArgumentException("test failed: " + o.path() + " is " + shorten(actual) + ", not " + shorten(o.value()));
        }
        yield doc;
      }
      default -> throw new IllegalArgumentException("unknown operation '" + o.op() + "'");
    };
  }

  /** The parts of a JSON pointer, unescaped ({@code ~1} is '/', {@code ~0} is '~'). */
  public static List<String> parts(String pointer) {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (!pointer.startsWith("/")) {
      throw new IllegalArgumentException("'" + pointer + "' is not a JSON pointer: it must be empty or start with '/'");
    }
    List<String> out = new ArrayList<>();
    for (String raw : pointer.substring(1).split("/", -1)) {
      if (raw.matches(".*~([^01]|$).*")) {
        throw new IllegalArgumentException("'" + pointer + "' is not a JSON pointer: '~' must be written '~0' and '/' '~1'");
      }
      out.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  /** The value at {@code pointer}; an error when it does not exist. */
  public static JsonNode get(JsonNode doc, String pointer) {
    JsonNode n = doc;
    String at = "";
    for (String part : parts(pointer)) {
      at += "/" + escape(part);
      if (n instanceof ObjectNode o) {
        if (!o.has(part)) {
          throw new IllegalArgumentException("path " + at + " does not exist");
        }
        n = o.get(part);
      } else if (n instanceof ArrayNode a) {
        n = a.get(index(a, part, at, false));
      } else {
        throw new IllegalArgumentException("path " + at + " does not exist (its parent is not an object or array)");
      }
    }
    return n;
  }

  private static JsonNode add(JsonNode doc, String pointer, JsonNode value) {
    List<String> parts = parts(pointer);
    if (parts.isEmpty()) {
      return value;
    }
    JsonNode parent = get(doc, parentOf(pointer));
    String last = parts.get(parts.size() - 1);
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) {
        a.add(value);
      } else {
        a.insert(index(a, last, pointer, true), value);
      }
    } else {
      throw new IllegalArgumentException("path " + parentOf(pointer) + " is not an object or array: cannot add " + pointer);
    }
    return doc;
  }

  /** Remove then add, as RFC 6902 defines it, but keeping an object member where it was. */
  private static JsonNode replace(JsonNode doc, String pointer, JsonNode value) {
    List<String> parts = parts(pointer);
    if (parts.isEmpty()) {
      return value;
    }
    get(doc, pointer);
    JsonNode parent = get(doc, parentOf(pointer));
    if (parent instanceof ObjectNode o) {
      o.set(parts.get(parts.size() - 1), value);
      return doc;
    }
    return add(remove(doc, pointer), pointer, value);
  }

  private static JsonNode remove(JsonNode doc, String pointer) {
    List<String> parts = parts(pointer);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("cannot remove the whole object");
    }
    JsonNode parent = get(doc, parentOf(pointer));
    String last = parts.get(parts.size() - 1);
    if (parent instanceof ObjectNode o) {
      if (!o.has(last)) {
        throw new IllegalArgumentException("path " + pointer + " does not exist");
      }
      o.remove(last);
    } else if (parent instanceof ArrayNode a) {
      a.remove(index(a, last, pointer, false));
    } else {
      throw new IllegalArgumentException("path " + pointer + " does not exist (its parent is not an object or array)");
    }
    return doc;
  }

  private static int index(ArrayNode a, String part, String at, boolean forAdd) {
    if (!part.matches("0|[1-9][0-9]{0,8}")) {
      throw new IllegalArgumentException("path " + at + ": '" + part + "' is not an array index"
          + (forAdd ? " (use '-' to append)" : ""));
    }
    int i = Integer.parseInt(part);
    if (i > a.size() || (!forAdd && i == a.size())) {
      throw new IllegalArgumentException("path " + at + ": index " + i + " is out of range (the array has " + a.size() + " items)");
    }
    return i;
  }

  private static String parentOf(String pointer) {
    return pointer.substring(0, pointer.lastIndexOf('/'));
  }

  static String escape(String part) {
    return part.replace("~", "~0").replace("/", "~1");
  }

  /** RFC 6902 equality: numbers by value ({@code 1} equals {@code 1.0}), objects regardless of key order. */
  static boolean equal(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!b.has(e.getKey()) || !equal(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static String shorten(JsonNode n) {
    String s = n.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /**
   * RFC 7386: members of an object patch merge into the target recursively, a {@code null}
   * member removes, and anything that is not an object replaces the target.
   */
  public static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : F.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }
}
