package dev.slipway.model.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A spec tree as JSON, for JSON Schema validation (Score files, the schemas {@code slipway
 * schema} writes), and the way back from a JSON pointer to the line and column it was written
 * at. Values keep the type YAML resolved: an unquoted {@code 8080} is a number, {@code "8080"} a
 * string, so a schema sees what the loaders see.
 */
public final class JsonView {
  private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);

  private JsonView() {}

  public static JsonNode of(SpecNode n) {
    if (n instanceof MapNode m) {
      ObjectNode o = F.objectNode();
      m.entries().forEach((k, v) -> o.set(k, of(v)));
      return o;
    }
    if (n instanceof ListNode l) {
      ArrayNode a = F.arrayNode();
      l.items().forEach(i -> a.add(of(i)));
      return a;
    }
    if (n instanceof Scalar s) {
      return switch (s.kind()) {
        case STRING -> F.textNode(s.value());
        case BOOL -> F.booleanNode(s.value().matches("(?i)true|yes|on|y"));
        case INT -> integer(s.value());
        case FLOAT -> decimal(s.value());
      };
    }
    return F.nullNode();
  }

  private static JsonNode integer(String v) {
    String t = v.replace("_", "");
    try {
      int radix = t.startsWith("0x") || t.startsWith("0X") ? 16 : t.startsWith("0o") ? 8 : 10;
      BigInteger b = new BigInteger(radix == 10 ? t : t.substring(2), radix);
      return b.bitLength() < 63 ? F.numberNode(b.longValue()) : F.numberNode(b);
    } catch (NumberFormatException e) {
      return F.textNode(v);
    }
  }

  private static JsonNode decimal(String v) {
    String t = v.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    if (t.endsWith(".inf") || t.equals(".nan")) {
      // YAML's infinities and NaN: JSON numbers in Jackson's tree (no spec field takes them; a schema reports them as such).
      return F.numberNode(t.equals(".nan") ? Double.NaN : t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }
    try {
      return F.numberNode(new BigDecimal(t));
    } catch (NumberFormatException e) {
      return F.textNode(v);
    }
  }

  /**
   * Where the value a JSON pointer names was written: the key of a map entry (so "unknown field"
   * and "wrong type" point at the line a user reads), the item of a list, or the deepest node
   * the pointer reaches when it runs past the tree.
   */
  public static Position locate(SpecNode root, String pointer) {
    SpecNode n = root;
    Position best = root.position();
    for (String raw : pointer.split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      String part = raw.replace("~1", "/").replace("~0", "~");
      SpecNode next = null;
      if (n instanceof MapNode m) {
        next = m.get(part);
        if (next != null) {
          best = m.keyPosition(part);
        }
      } else if (n instanceof ListNode l && !part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
        int i = Integer.parseInt(part);
        next = i < l.items().size() ? l.items().get(i) : null;
        if (next != null) {
          best = next.position();
        }
      }
      if (next == null) {
        break;
      }
      n = next;
    }
    return best;
  }

  /** {@code /containers/web/image} as a field path: {@code containers.web.image}; list items as {@code [0]}. */
  public static String path(String pointer) {
    StringBuilder sb = new StringBuilder();
    for (String raw : pointer.split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      String part = raw.replace("~1", "/").replace("~0", "~");
      if (part.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(part).append(']');
      } else {
        sb.append(sb.length() == 0 ? "" : ".").append(part);
      }
    }
    return sb.toString();
  }
}
