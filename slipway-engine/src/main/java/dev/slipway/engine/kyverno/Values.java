package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.yaml.Quantities;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Value helpers shared by patterns and conditions: numbers, quantities, durations, wildcards. */
final class Values {
  private static final Pattern DURATION = Pattern.compile("^(-?)((\\d+(\\.\\d+)?)(ns|us|µs|ms|s|m|h))+$");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Values() {}

  static BigDecimal number(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (v.isTextual()) {
      try {
        return new BigDecimal(v.asText().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** A number, a Kubernetes quantity (in base units) or a duration (in seconds); null otherwise. */
  static BigDecimal magnitude(JsonNode v) {
    if (v == null || v.isNull() || v.isContainerNode() || v.isBoolean()) {
      return null;
    }
    return v.isNumber() ? v.decimalValue() : magnitude(v.asText());
  }

  static BigDecimal magnitude(String s) {
    String t = s.trim();
    if (t.isEmpty()) {
      return null;
    }
    if (Quantities.isValid(t)) {
      try {
        return Quantities.amount(t);
      } catch (RuntimeException e) {
        return null;
      }
    }
    BigDecimal d = duration(t);
    return d;
  }

  static BigDecimal duration(String s) {
    if (!DURATION.matcher(s).matches()) {
      return null;
    }
    BigDecimal total = BigDecimal.ZERO;
    Matcher m = DURATION_PART.matcher(s);
    while (m.find()) {
      BigDecimal n = new BigDecimal(m.group(1));
      BigDecimal unit = switch (m.group(2)) {
        case "ns" -> new BigDecimal("1e-9");
        case "us", "µs" -> new BigDecimal("1e-6");
        case "ms" -> new BigDecimal("1e-3");
        case "s" -> BigDecimal.ONE;
        case "m" -> BigDecimal.valueOf(60);
        default -> BigDecimal.valueOf(3600);
      };
      total = total.add(n.multiply(unit));
    }
    return s.startsWith("-") ? total.negate() : total;
  }

  /** Shell-style wildcard match: {@code *} any run, {@code ?} one character. */
  static boolean wildcard(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
