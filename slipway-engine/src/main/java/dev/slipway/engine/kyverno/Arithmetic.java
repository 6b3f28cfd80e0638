package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.slipway.model.yaml.Quantities;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kyverno's arithmetic functions ({@code add}, {@code subtract}, {@code multiply}, {@code divide},
 * {@code modulo}, {@code round}, {@code sum}) over its three operand types. A JSON number is a
 * number; a string is a Kubernetes quantity if it parses as one (so {@code "10"} and {@code "1m"}
 * are quantities, {@code "1m"} being a thousandth), else a Go duration ({@code "90s"},
 * {@code "1h30m"}); anything else is an error. Types mix only as Kyverno's documentation lists:
 * quantity and duration can be scaled by a number, a quantity divided by a quantity (or a duration
 * by a duration) is a number, everything else mixed is an error.
 */
final class Arithmetic {
  private static final Pattern GO_DURATION = Pattern.compile("([+-]?)((?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|μs|ms|s|m|h))+");
  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
  private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

  private Arithmetic() {}

  /** A function failure, reported as Kyverno words it: {@code JMESPath function 'f': reason}. */
  static final class FunctionError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FunctionError(String function, String reason) {
      super("JMESPath function '" + function + "': " + reason);
    }
  }

  enum Type { NUMBER, QUANTITY, DURATION }

  /** One operand: its type, its value (base units for quantities, nanoseconds for durations), and a quantity's format. */
  record Operand(Type type, BigDecimal value, Format format) {}

  /** How Kubernetes prints a quantity: the format of the first operand is kept. */
  enum Format { BINARY, DECIMAL, EXPONENT }

  static Operand operand(String function, JsonNode n) {
    if (n != null && n.isNumber()) {
      return new Operand(Type.NUMBER, n.decimalValue(), null);
    }
    if (n != null && n.isTextual()) {
      String s = n.asText();
      if (Quantities.isValid(s)) {
        Format f = s.matches(".*(Ki|Mi|Gi|Ti|Pi|Ei)$") ? Format.BINARY : s.matches(".*[eE][+-]?\\d+$") ? Format.EXPONENT
            : Format.DECIMAL;
        return new Operand(Type.QUANTITY, Quantities.amount(s), f);
      }
      BigDecimal nanos = goDurationNanos(s);
      if (nanos != null) {
        return new Operand(Type.DURATION, nanos, null);
      }
    }
    throw new FunctionError(function, "invalid operands");
  }

  static JsonNode add(JsonNode a, JsonNode b) {
    return additive("add", operand("add", a), operand("add", b), false);
  }

  static JsonNode subtract(JsonNode a, JsonNode b) {
    return additive("subtract", operand("subtract", a), operand("subtract", b), true);
  }

  private static JsonNode additive(String f, Operand x, Operand y, boolean minus) {
    if (x.type != y.type) {
      throw mismatch(f);
    }
    BigDecimal r = minus ? x.value.subtract(y.value) : x.value.add(y.value);
    return result(x, r);
  }

  static JsonNode multiply(JsonNode a, JsonNode b) {
    Operand x = operand("multiply", a);
    Operand y = operand("multiply", b);
    if (x.type == Type.NUMBER && y.type != Type.NUMBER) {
      Operand t = x;
      x = y;
      y = t;
    }
    if (y.type != Type.NUMBER) {
      throw mismatch("multiply");
    }
    BigDecimal r = x.value.multiply(y.value);
    return result(x, x.type == Type.DURATION ? r.setScale(0, RoundingMode.DOWN) : r);
  }

  static JsonNode divide(JsonNode a, JsonNode b) {
    Operand x = operand("divide", a);
    Operand y = operand("divide", b);
    boolean ratio = x.type == y.type;
    if (!ratio && y.type != Type.NUMBER) {
      throw mismatch("divide");
    }
    if (y.value.signum() == 0) {
      throw new FunctionError("divide", "Zero divisor passed");
    }
    if (ratio) {
      return number(x.value.divide(y.value, MathContext.DECIMAL64));
    }
    if (x.type == Type.QUANTITY) {
      // Kubernetes divides the decimal amounts at the larger of the two scales, rounding down:
      // divide('500m', 3) is 166m, divide('1', 3) is 0.
      int scale = Math.max(Math.max(x.value.scale(), y.value.stripTrailingZeros().scale()), 0);
      return result(x, x.value.divide(y.value, scale, RoundingMode.DOWN));
    }
    return result(x, x.value.divide(y.value, MathContext.DECIMAL64).setScale(0, RoundingMode.DOWN));
  }

  static JsonNode modulo(JsonNode a, JsonNode b) {
    Operand x = operand("modulo", a);
    Operand y = operand("modulo", b);
    if (x.type != y.type) {
      throw mismatch("modulo");
    }
    if (!integral(x.value) || !integral(y.value)) {
      throw new FunctionError("modulo", "Non-integer argument(s) passed for modulo");
    }
    if (y.value.signum() == 0) {
      throw new FunctionError("modulo", "Zero divisor passed");
    }
    return result(x, x.value.remainder(y.value));
  }

  /** {@code round(number, digits)}: half away from zero, digits a non-negative integer. */
  static JsonNode round(JsonNode a, JsonNode digits) {
    if (!a.isNumber() || !digits.isNumber()) {
      throw new FunctionError("round", "both arguments must be numbers");
    }
    if (!integral(digits.decimalValue()) || digits.decimalValue().signum() < 0) {
      throw new FunctionError("round", "the number of digits must be a non-negative integer");
    }
    return number(a.decimalValue().setScale(digits.intValue(), RoundingMode.HALF_UP));
  }

  /** {@code sum(array)}: numbers, quantities or durations, all of one type; an empty array is an error. */
  static JsonNode sum(JsonNode array) {
    if (array == null || !array.isArray() || array.isEmpty()) {
      throw new FunctionError("sum", "expects a non-empty array");
    }
    Operand first = operand("sum", array.get(0));
    BigDecimal total = first.value;
    for (int i = 1; i < array.size(); i++) {
      Operand o = operand("sum", array.get(i));
      if (o.type != first.type) {
        throw mismatch("sum");
      }
      total = total.add(o.value);
    }
    return result(first, total);
  }

  private static FunctionError mismatch(String f) {
    return new FunctionError(f, "types of the arguments do not match (numbers, quantities and durations mix only "
        + "as documented)");
  }

  private static boolean integral(BigDecimal v) {
    return v.signum() == 0 || v.stripTrailingZeros().scale() <= 0;
  }

  private static JsonNode result(Operand like, BigDecimal value) {
    return switch (like.type) {
      case NUMBER -> number(value);
      case QUANTITY -> JsonNodeFactory.instance.textNode(formatQuantity(value, like.format));
      case DURATION -> JsonNodeFactory.instance.textNode(formatGoDuration(value.setScale(0, RoundingMode.DOWN).longValueExact()));
    };
  }

  /** A JSON number: whole values as integers (Go prints float64 3 as {@code 3}), others as doubles. */
  static JsonNode number(BigDecimal v) {
    if (integral(v) && v.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
      return IntNode.valueOf(v.intValue());
    }
    if (integral(v) && v.abs().compareTo(BigDecimal.valueOf(1L << 53)) <= 0) {
      return LongNode.valueOf(v.longValue());
    }
    return DoubleNode.valueOf(v.doubleValue());
  }

  /**
   * Kubernetes' canonical text for a quantity: binary suffixes (Ki..Ei) when the first operand
   * used them and the value is a whole multiple of 1024, otherwise the largest decimal SI suffix
   * that leaves a whole mantissa (values finer than a nano are rounded up, as Kubernetes does).
   */
  static String formatQuantity(BigDecimal value, Format format) {
    if (value.signum() == 0) {
      return "0";
    }
    BigDecimal v = value;
    if (v.scale() > 9) {
      v = v.setScale(9, RoundingMode.UP);
    }
    if (format == Format.BINARY && integral(v) && v.abs().compareTo(BigDecimal.valueOf(1024)) >= 0) {
      BigInteger n = v.toBigIntegerExact();
      String[] suffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      int i = 0;
      BigInteger k = BigInteger.valueOf(1024);
      while (i < 6 && n.mod(k).signum() == 0 && !n.divide(k).equals(BigInteger.ZERO)) {
        n = n.divide(k);
        i++;
      }
      return n + suffixes[i];
    }
    String[] suffixes = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    int e = 18;
    while (e > -9) {
      BigDecimal mantissa = v.scaleByPowerOfTen(-e);
      if (integral(mantissa)) {
        break;
      }
      e -= 3;
    }
    BigDecimal mantissa = v.scaleByPowerOfTen(-e).stripTrailingZeros();
    String m = mantissa.toBigInteger().toString();
    if (format == Format.EXPONENT) {
      return e == 0 ? m : m + "e" + e;
    }
    return m + suffixes[(e + 9) / 3];
  }

  /** Go's {@code time.ParseDuration}, in nanoseconds; null when the text is not a duration. */
  static BigDecimal goDurationNanos(String s) {
    if (s.equals("0") || s.equals("+0") || s.equals("-0")) {
      return BigDecimal.ZERO;
    }
    Matcher whole = GO_DURATION.matcher(s);
    if (!whole.matches()) {
      return null;
    }
    BigDecimal total = BigDecimal.ZERO;
    Matcher m = GO_DURATION_PART.matcher(s);
    while (m.find()) {
      BigDecimal n = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs", "μs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      total = total.add(n.multiply(BigDecimal.valueOf(unit)));
    }
    total = total.setScale(0, RoundingMode.DOWN);
    return s.startsWith("-") ? total.negate() : total;
  }

  /** Go's {@code time.Duration.String()}: {@code 1h30m0s}, {@code 1.5s}, {@code 500ms}, {@code 0s}. */
  static String formatGoDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    BigInteger n = BigInteger.valueOf(nanos).abs();
    if (n.compareTo(BigInteger.valueOf(1_000_000_000L)) < 0) {
      BigDecimal d = new BigDecimal(n);
      if (n.compareTo(BigInteger.valueOf(1_000)) < 0) {
        return sign + n + "ns";
      }
      if (n.compareTo(BigInteger.valueOf(1_000_000)) < 0) {
        return sign + plain(d.movePointLeft(3)) + "µs";
      }
      return sign + plain(d.movePointLeft(6)) + "ms";
    }
    BigInteger[] hours = n.divideAndRemainder(BigInteger.valueOf(3_600_000_000_000L));
    BigInteger[] minutes = hours[1].divideAndRemainder(BigInteger.valueOf(60_000_000_000L));
    String seconds = plain(new BigDecimal(minutes[1]).divide(NANOS)) + "s";
    StringBuilder sb = new StringBuilder(sign);
    if (hours[0].signum() > 0) {
      sb.append(hours[0]).append('h').append(minutes[0]).append('m');
    } else if (minutes[0].signum() > 0) {
      sb.append(minutes[0]).append('m');
    }
    return sb.append(seconds).toString();
  }

  private static String plain(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
  }
}
