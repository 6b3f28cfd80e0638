package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kyverno's {@code validate.pattern} language: maps and lists matched structurally, anchors
 * ({@code (k)} conditional, {@code <(k)} global, {@code =(k)} equality, {@code X(k)} negation,
 * {@code ^(k)} existence), and scalar patterns with wildcards ({@code *}, {@code ?}), negation
 * ({@code !}), alternatives ({@code |}), comparisons ({@code > < >= <=}) and ranges
 * ({@code a-b}, {@code a!-b}) on numbers, quantities and durations.
 */
final class PatternMatcher {
  private static final Pattern ANCHOR = Pattern.compile("^([=X^<+]?)\\((.+)\\)$");
  private static final Pattern RANGE = Pattern.compile("^(-?[0-9.]+[A-Za-z]*)(!?-)(-?[0-9.]+[A-Za-z]*)$");

  enum Kind {
    PASS,
    FAIL,
    /** A conditional anchor was not satisfied: the map it guards is not checked. */
    SKIP,
    /** A global anchor was not satisfied: the whole rule does not apply. */
    GLOBAL_SKIP
  }

  record Outcome(Kind kind, String path, String message) {
    static final Outcome PASS = new Outcome(Kind.PASS, "", "");

    boolean passed() {
      return kind == Kind.PASS;
    }
  }

  private PatternMatcher() {}

  static Outcome match(JsonNode resource, JsonNode pattern, String path) {
    if (pattern == null || pattern.isMissingNode()) {
      return Outcome.PASS;
    }
    if (pattern.isObject()) {
      return matchMap(resource, pattern, path);
    }
    if (pattern.isArray()) {
      return matchList(resource, pattern, path);
    }
    if (resource != null && resource.isArray()) {
      // A scalar pattern against a list holds for every element.
      for (int i = 0; i < resource.size(); i++) {
        if (!matchScalar(resource.get(i), pattern)) {
          return fail(path + "/" + i, "value " + describe(resource.get(i)) + " does not match pattern '" + pattern.asText() + "'");
        }
      }
      return Outcome.PASS;
    }
    return matchScalar(resource, pattern) ? Outcome.PASS
        : fail(path, "value " + describe(resource) + " does not match pattern '" + pattern.asText() + "'");
  }

  private static Outcome fail(String path, String message) {
    return new Outcome(Kind.FAIL, path, message);
  }

  private record Key(String anchor, String name, JsonNode pattern) {}

  private static Outcome matchMap(JsonNode resource, JsonNode pattern, String path) {
    if (resource == null || !resource.isObject()) {
      return fail(path, "expected a map, found " + describe(resource));
    }
    List<Key> keys = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : pattern.properties()) {
      Matcher m = ANCHOR.matcher(e.getKey());
      keys.add(m.matches() ? new Key(m.group(1).isEmpty() ? "()" : m.group(1), m.group(2), e.getValue())
          : new Key("", e.getKey(), e.getValue()));
    }
    // Global and conditional anchors decide whether the rest of the map is checked at all.
    for (Key k : keys) {
      if (k.anchor.equals("<") || k.anchor.equals("()")) {
        JsonNode v = resource.get(k.name);
        Outcome o = v == null ? fail(path + "/" + k.name, "missing") : match(v, k.pattern, path + "/" + k.name);
        if (o.kind == Kind.GLOBAL_SKIP) {
          return o;
        }
        if (o.kind != Kind.PASS) {
          return new Outcome(k.anchor.equals("<") ? Kind.GLOBAL_SKIP : Kind.SKIP, path + "/" + k.name,
              "anchor (" + k.name + ") not satisfied");
        }
      }
    }
    // As Kyverno does, fields whose patterns hold anchors are checked first, so that a global
    // anchor deep in a list decides whether the rule applies before a sibling field can fail it.
    List<Key> ordered = new ArrayList<>(keys);
    ordered.sort(java.util.Comparator.comparing(k -> hasAnchor(k.pattern) ? 0 : 1));
    List<Key> expanded = new ArrayList<>();
    for (Key k : ordered) {
      if (k.name.indexOf('*') >= 0 || k.name.indexOf('?') >= 0) {
        // A wildcard key applies to every field whose name matches it.
        boolean any = false;
        for (Iterator<String> it = resource.fieldNames(); it.hasNext(); ) {
          String field = it.next();
          if (Values.wildcard(k.name, field)) {
            expanded.add(new Key(k.anchor, field, k.pattern));
            any = true;
          }
        }
        if (!any && k.anchor.isEmpty() && !optional(k.pattern)) {
          return fail(path + "/" + k.name, "no field matches '" + k.name + "'");
        }
      } else {
        expanded.add(k);
      }
    }
    for (Key k : expanded) {
      String p = path + "/" + k.name;
      JsonNode v = resource.get(k.name);
      switch (k.anchor) {
        case "<", "()", "+" -> {
          // handled above, or a mutate-only anchor
        }
        case "X" -> {
          if (v != null) {
            return fail(p, "field '" + k.name + "' is not allowed");
          }
        }
        case "=" -> {
          if (v != null) {
            Outcome o = match(v, k.pattern, p);
            if (o.kind != Kind.PASS) {
              return o;
            }
          }
        }
        case "^" -> {
          Outcome o = exists(v, k.pattern, p);
          if (o.kind != Kind.PASS) {
            return o;
          }
        }
        default -> {
          if (v == null) {
            if (optional(k.pattern) || k.pattern.isNull()) {
              continue;
            }
            return fail(p, "field '" + k.name + "' is required");
          }
          Outcome o = match(v, k.pattern, p);
          if (o.kind != Kind.PASS) {
            return o;
          }
        }
      }
    }
    return Outcome.PASS;
  }

  private static boolean hasAnchor(JsonNode pattern) {
    if (pattern.isArray()) {
      for (JsonNode p : pattern) {
        if (hasAnchor(p)) {
          return true;
        }
      }
    } else if (pattern.isObject()) {
      for (Map.Entry<String, JsonNode> e : pattern.properties()) {
        if (ANCHOR.matcher(e.getKey()).matches() || hasAnchor(e.getValue())) {
          return true;
        }
      }
    }
    return false;
  }

  /** A missing field passes when everything its pattern asks is itself optional. */
  private static boolean optional(JsonNode pattern) {
    if (pattern.isObject()) {
      for (Iterator<String> it = pattern.fieldNames(); it.hasNext(); ) {
        Matcher m = ANCHOR.matcher(it.next());
        if (!m.matches() || m.group(1).equals("^")) {
          return false;
        }
      }
      return true;
    }
    if (pattern.isArray()) {
      for (JsonNode p : pattern) {
        if (!optional(p)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static Outcome exists(JsonNode v, JsonNode pattern, String path) {
    if (v == null || !v.isArray()) {
      return fail(path, "expected a list with at least one element matching");
    }
    JsonNode element = pattern.isArray() && pattern.size() > 0 ? pattern.get(0) : pattern;
    for (JsonNode e : v) {
      if (match(e, element, path).kind == Kind.PASS) {
        return Outcome.PASS;
      }
    }
    return fail(path, "no element matches");
  }

  private static Outcome matchList(JsonNode resource, JsonNode pattern, String path) {
    if (resource == null || !resource.isArray()) {
      return fail(path, "expected a list, found " + describe(resource));
    }
    if (pattern.size() == 0) {
      return Outcome.PASS;
    }
    if (pattern.size() == 1 || pattern.get(0).isContainerNode()) {
      JsonNode element = pattern.get(0);
      // Elements whose conditional or global anchors do not hold are skipped; when every
      // element is skipped, so is the list as a whole (and a global anchor skips the rule).
      int applied = 0;
      Outcome skipped = null;
      for (int i = 0; i < resource.size(); i++) {
        Outcome o = match(resource.get(i), element, path + "/" + i);
        if (o.kind == Kind.FAIL) {
          return o;
        }
        if (o.kind == Kind.PASS) {
          applied++;
        } else if (skipped == null || o.kind == Kind.GLOBAL_SKIP) {
          skipped = o;
        }
      }
      return applied == 0 && skipped != null ? skipped : Outcome.PASS;
    }
    for (int i = 0; i < pattern.size(); i++) {
      if (i >= resource.size()) {
        return fail(path + "/" + i, "missing element");
      }
      Outcome o = match(resource.get(i), pattern.get(i), path + "/" + i);
      if (o.kind != Kind.PASS) {
        return o;
      }
    }
    return Outcome.PASS;
  }

  /** A scalar pattern against a value (null when the value is absent). */
  static boolean matchScalar(JsonNode value, JsonNode pattern) {
    if (pattern.isNull()) {
      return value == null || value.isNull();
    }
    if (pattern.isBoolean()) {
      return value != null && (value.isBoolean() && value.asBoolean() == pattern.asBoolean()
          || value.isTextual() && value.asText().equals(pattern.asText()));
    }
    if (pattern.isNumber()) {
      BigDecimal p = pattern.decimalValue();
      BigDecimal v = Values.number(value);
      return v != null && v.compareTo(p) == 0;
    }
    String text = pattern.asText();
    // "|" separates alternatives, "&" conditions that must all hold: ">1 & <10 | 0".
    for (String alternative : text.split("\\|")) {
      boolean all = true;
      for (String condition : alternative.split("&")) {
        all &= matchString(value, condition.trim());
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchString(JsonNode value, String p) {
    if (p.startsWith(">=") || p.startsWith("<=")) {
      return compare(value, p.substring(2), p.charAt(0) == '>' ? 1 : -1, true);
    }
    if (p.startsWith(">") || p.startsWith("<")) {
      return compare(value, p.substring(1), p.charAt(0) == '>' ? 1 : -1, false);
    }
    Matcher r = RANGE.matcher(p);
    if (r.matches()) {
      BigDecimal lo = Values.magnitude(r.group(1));
      BigDecimal hi = Values.magnitude(r.group(3));
      BigDecimal v = Values.magnitude(value);
      if (lo != null && hi != null) {
        boolean in = v != null && v.compareTo(lo) >= 0 && v.compareTo(hi) <= 0;
        return r.group(2).equals("-") ? in : v != null && !in;
      }
    }
    if (p.startsWith("!")) {
      return !matchString(value, p.substring(1));
    }
    if (value == null || value.isNull()) {
      return p.equals("*") || p.isEmpty();
    }
    if (value.isContainerNode()) {
      return p.equals("*");
    }
    String v = value.asText();
    if (p.indexOf('*') >= 0 || p.indexOf('?') >= 0) {
      return Values.wildcard(p, v);
    }
    if (v.equals(p)) {
      return true;
    }
    // Quantities and numbers compare by amount: "1Gi" equals "1024Mi", "2" equals 2.
    BigDecimal a = Values.magnitude(p);
    BigDecimal b = Values.magnitude(value);
    return a != null && b != null && a.compareTo(b) == 0;
  }

  private static boolean compare(JsonNode value, String operand, int direction, boolean orEqual) {
    BigDecimal v = Values.magnitude(value);
    BigDecimal o = Values.magnitude(operand.trim());
    if (v == null || o == null) {
      return false;
    }
    int c = v.compareTo(o);
    return c == direction || orEqual && c == 0;
  }

  static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "nothing";
    }
    String s = v.isTextual() ? "'" + v.asText() + "'" : v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
