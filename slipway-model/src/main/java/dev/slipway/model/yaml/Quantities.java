package dev.slipway.model.yaml;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities: syntax check and conversion to numbers for comparisons. The
 * text is taken as written: Kubernetes refuses {@code "1Gi "} with its space, so Slipway does too.
 */
public final class Quantities {
  private Quantities() {}

  // The grammar of k8s.io/apimachinery resource.Quantity: a number, then a binary or decimal SI
  // suffix or a decimal exponent.
  private static final Pattern QUANTITY =
      Pattern.compile("^([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))(?:[eE]([+-]?\\d{1,9})|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$");
  private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
      Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
      Map.entry("n", BigDecimal.ONE.scaleByPowerOfTen(-9)), Map.entry("u", BigDecimal.ONE.scaleByPowerOfTen(-6)),
      Map.entry("m", BigDecimal.ONE.scaleByPowerOfTen(-3)), Map.entry("k", BigDecimal.ONE.scaleByPowerOfTen(3)),
      Map.entry("M", BigDecimal.ONE.scaleByPowerOfTen(6)), Map.entry("G", BigDecimal.ONE.scaleByPowerOfTen(9)),
      Map.entry("T", BigDecimal.ONE.scaleByPowerOfTen(12)), Map.entry("P", BigDecimal.ONE.scaleByPowerOfTen(15)),
      Map.entry("E", BigDecimal.ONE.scaleByPowerOfTen(18)));
  /** Upper bounds of spec quantities: far past any real machine, well inside what sums can hold. */
  public static final BigDecimal MAX_CONTAINER_CPU = BigDecimal.valueOf(1024);
  public static final BigDecimal MAX_CONTAINER_MEMORY = BigDecimal.valueOf(64L << 40);
  public static final BigDecimal MAX_STORAGE = BigDecimal.valueOf(64L << 40);
  public static final BigDecimal MAX_POOL_CPU = BigDecimal.valueOf(1_000_000);
  public static final BigDecimal MAX_POOL_MEMORY = BigDecimal.valueOf(1L << 50);

  /** Kubernetes keeps quantities in 64 bits; anything larger cannot be represented. */
  public static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  /** Valid syntax, and a value Kubernetes can represent (at most 2^63-1 in base units). */
  public static boolean isValid(String s) {
    BigDecimal v = parse(s);
    return v != null && v.abs().compareTo(MAX) <= 0;
  }

  /** The value in base units (cores for CPU, bytes for memory); only for {@link #isValid} text. */
  public static BigDecimal amount(String s) {
    BigDecimal v = parse(s);
    if (v == null) {
      throw new IllegalArgumentException("not a quantity: " + s);
    }
    return v;
  }

  private static BigDecimal parse(String s) {
    if (s == null || s.length() > 64) {
      return null;
    }
    Matcher m = QUANTITY.matcher(s);
    if (!m.matches()) {
      return null;
    }
    BigDecimal n = new BigDecimal(m.group(1));
    if (m.group(2) != null) {
      int exp = Integer.parseInt(m.group(2));
      // Beyond this the value is 0 or far past MAX; refuse rather than build a huge number.
      return Math.abs(exp) > 40 ? null : n.scaleByPowerOfTen(exp);
    }
    return m.group(3) == null ? n : n.multiply(SUFFIX.get(m.group(3)));
  }
}
