package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.slipway.engine.kyverno.Variables.VariableException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kyverno's conditions ({@code preconditions}, {@code deny.conditions}): {@code any}/{@code all}
 * blocks of {@code key operator value}, with variables substituted first.
 */
final class Conditions {
  static final Set<String> OPERATORS = Set.of("Equals", "Equal", "NotEquals", "NotEqual", "In", "NotIn", "AnyIn", "AllIn",
      "AnyNotIn", "AllNotIn", "GreaterThan", "GreaterThanOrEquals", "LessThan", "LessThanOrEquals", "DurationGreaterThan",
      "DurationGreaterThanOrEquals", "DurationLessThan", "DurationLessThanOrEquals");

  /** A policy problem found while evaluating (unknown operator, bad expression). */
  static final class PolicyError extends Exception {
    private static final long serialVersionUID = 1L;

    PolicyError(String message) {
      super(message);
    }
  }

  private Conditions() {}

  /** Evaluates a conditions block: a list (all must hold) or {any: [...], all: [...]}. */
  static boolean evaluate(JsonNode block, JsonNode context) throws PolicyError {
    if (block == null || block.isNull()) {
      return true;
    }
    if (block.isArray()) {
      return all(block, context);
    }
    boolean ok = true;
    if (block.has("any") && block.get("any").size() > 0) {
      boolean any = false;
      for (JsonNode c : block.get("any")) {
        any |= condition(c, context);
      }
      ok = any;
    }
    if (block.has("all")) {
      ok &= all(block.get("all"), context);
    }
    return ok;
  }

  private static boolean all(JsonNode list, JsonNode context) throws PolicyError {
    for (JsonNode c : list) {
      if (!condition(c, context)) {
        return false;
      }
    }
    return true;
  }

  static boolean condition(JsonNode c, JsonNode context) throws PolicyError {
    String op = c.path("operator").asText();
    if (!OPERATORS.contains(op)) {
      throw new PolicyError("unknown operator '" + op + "' (operators: " + String.join(", ", new java.util.TreeSet<>(OPERATORS)) + ")");
    }
    JsonNode key;
    JsonNode value;
    try {
      key = Variables.substitute(c.get("key"), context);
      value = Variables.substitute(c.get("value"), context);
    } catch (VariableException e) {
      throw new PolicyError(e.getMessage());
    }
    JsonNode k = key == null ? JsonNodeFactory.instance.nullNode() : key;
    JsonNode v = value == null ? JsonNodeFactory.instance.nullNode() : value;
    return switch (op) {
      case "Equals", "Equal" -> equal(k, v);
      case "NotEquals", "NotEqual" -> !equal(k, v);
      case "In", "AllIn" -> list(k).stream().allMatch(x -> in(x, v));
      case "NotIn" -> !list(k).stream().allMatch(x -> in(x, v));
      case "AnyIn" -> list(k).stream().anyMatch(x -> in(x, v));
      case "AnyNotIn" -> list(k).stream().anyMatch(x -> !in(x, v));
      case "AllNotIn" -> list(k).stream().allMatch(x -> !in(x, v));
      default -> compare(op, k, v);
    };
  }

  private static List<JsonNode> list(JsonNode n) {
    List<JsonNode> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(out::add);
    } else {
      out.add(n);
    }
    return out;
  }

  private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile("^(-?\\d+(?:\\.\\d+)?)(!?-)(-?\\d+(?:\\.\\d+)?)$");

  /**
   * Whether {@code key} is among {@code values} (a list, or one value). Wildcards in the values
   * apply, and a value such as {@code 5000-6000} is a numeric range ({@code 5000!-6000} its complement).
   */
  private static boolean in(JsonNode key, JsonNode values) {
    for (JsonNode v : list(values)) {
      if (equal(key, v)) {
        return true;
      }
      // A wildcard may also be on the key side: key "prod-*" is in ["prod-eu"].
      if (key.isTextual() && v.isTextual() && (key.asText().indexOf('*') >= 0 || key.asText().indexOf('?') >= 0)
          && Values.wildcard(key.asText(), v.asText())) {
        return true;
      }
      if (v.isTextual()) {
        java.util.regex.Matcher r = RANGE.matcher(v.asText().trim());
        BigDecimal k = Values.number(key);
        if (r.matches() && k != null) {
          boolean inside = k.compareTo(new BigDecimal(r.group(1))) >= 0 && k.compareTo(new BigDecimal(r.group(3))) <= 0;
          if (r.group(2).equals("-") == inside) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static boolean equal(JsonNode key, JsonNode value) {
    if (key.isTextual() && value.isTextual()) {
      String v = value.asText();
      return v.indexOf('*') >= 0 || v.indexOf('?') >= 0 ? Values.wildcard(v, key.asText()) : v.equals(key.asText());
    }
    if (key.isNumber() || value.isNumber()) {
      BigDecimal a = Values.magnitude(key);
      BigDecimal b = Values.magnitude(value);
      if (a != null && b != null) {
        return a.compareTo(b) == 0;
      }
    }
    if (key.isBoolean() && value.isTextual() || key.isTextual() && value.isBoolean()) {
      return key.asText().equals(value.asText());
    }
    return key.equals(value);
  }

  private static boolean compare(String op, JsonNode key, JsonNode value) {
    boolean duration = op.startsWith("Duration");
    BigDecimal a = duration ? Values.duration(key.asText()) : Values.magnitude(key);
    BigDecimal b = duration ? Values.duration(value.asText()) : Values.magnitude(value);
    if (a == null || b == null) {
      return false;
    }
    int c = a.compareTo(b);
    String base = duration ? op.substring("Duration".length()) : op;
    return switch (base) {
      case "GreaterThan" -> c > 0;
      case "GreaterThanOrEquals" -> c >= 0;
      case "LessThan" -> c < 0;
      default -> c <= 0;
    };
  }
}
