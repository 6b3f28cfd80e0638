package dev.slipway.engine.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Conversions between position-carrying YAML trees and Jackson trees. */
public final class Trees {
  private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);

  private Trees() {}

  /** The JSON value YAML resolved: unquoted numbers and booleans become JSON numbers and booleans. */
  public static JsonNode toJson(SpecNode n) {
    if (n instanceof MapNode m) {
      ObjectNode o = F.objectNode();
      m.entries().forEach((k, v) -> o.set(k, toJson(v)));
      return o;
    }
    if (n instanceof ListNode l) {
      ArrayNode a = F.arrayNode();
      l.items().forEach(i -> a.add(toJson(i)));
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
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return F.numberNode(new BigInteger(t.substring(2), 16));
      }
      if (t.startsWith("0o")) {
        return F.numberNode(new BigInteger(t.substring(2), 8));
      }
      BigInteger b = new BigInteger(t);
      return b.bitLength() < 63 ? F.numberNode(b.longValue()) : F.numberNode(b);
    } catch (NumberFormatException e) {
      return F.textNode(v);
    }
  }

  private static JsonNode decimal(String v) {
    String t = v.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    if (t.endsWith(".inf") || t.equals(".nan")) {
      return F.numberNode(t.equals(".nan") ? Double.NaN : t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }
    try {
      return F.numberNode(new BigDecimal(t));
    } catch (NumberFormatException e) {
      return F.textNode(v);
    }
  }

  /** The position of the deepest node a JSON pointer reaches in a YAML tree. */
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
      } else if (n instanceof ListNode l && part.chars().allMatch(Character::isDigit)) {
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
}
