package dev.slipway.engine.kyverno;

import dev.slipway.engine.kyverno.Arithmetic.FunctionError;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic versions and ranges for {@code semver_compare(version, range)}, in the range syntax
 * Kyverno takes from blang/semver: comparisons {@code = == != ! > >= < <=} (none means equal),
 * joined by spaces (and) and {@code ||} (or); {@code x} in a plain version is a wildcard
 * ({@code 1.2.x}). Pre-release versions order as Semantic Versioning 2.0.0 says; build metadata
 * is ignored.
 */
final class SemVer implements Comparable<SemVer> {
  private static final Pattern VERSION = Pattern.compile(
      "^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-.]+)?$");
  private static final Pattern COMPARISON = Pattern.compile("^(==|=|!=|!|>=|>|<=|<)?\\s*(\\S+)$");
  private final BigInteger[] core;
  private final String[] pre;

  private SemVer(BigInteger[] core, String[] pre) {
    this.core = core;
    this.pre = pre;
  }

  static SemVer parse(String function, String s) {
    Matcher m = VERSION.matcher(s.trim());
    if (!m.matches()) {
      throw new FunctionError(function, "'" + s + "' is not a semantic version");
    }
    return new SemVer(new BigInteger[] {new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3))},
        m.group(4) == null ? new String[0] : m.group(4).split("\\."));
  }

  static boolean satisfies(String version, String range) {
    SemVer v = parse("semver_compare", version);
    for (String alternative : range.split("\\|\\|")) {
      boolean all = true;
      List<String> parts = tokens(alternative);
      if (parts.isEmpty()) {
        throw new FunctionError("semver_compare", "empty range in '" + range + "'");
      }
      for (String part : parts) {
        all &= comparison(v, part);
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  /** Splits "  >= 1.0.0 <2.0.0" into comparisons, joining an operator written apart from its version. */
  private static List<String> tokens(String alternative) {
    List<String> out = new ArrayList<>();
    String pending = "";
    for (String t : alternative.trim().split("\\s+")) {
      if (t.isEmpty()) {
        continue;
      }
      if (t.matches("==|=|!=|!|>=|>|<=|<")) {
        pending = t;
      } else {
        out.add(pending + t);
        pending = "";
      }
    }
    return out;
  }

  private static boolean comparison(SemVer v, String text) {
    Matcher m = COMPARISON.matcher(text);
    if (!m.matches()) {
      throw new FunctionError("semver_compare", "invalid comparison '" + text + "'");
    }
    String op = m.group(1) == null ? "=" : m.group(1);
    String operand = m.group(2);
    if (operand.matches("v?(\\d+|[xX*])(\\.(\\d+|[xX*]))?(\\.(\\d+|[xX*]))?") && operand.matches(".*[xX*].*")) {
      return wildcard(v, op, operand.replaceFirst("^v", "").split("\\."));
    }
    int c = v.compareTo(parse("semver_compare", operand));
    return switch (op) {
      case "=", "==" -> c == 0;
      case "!=", "!" -> c != 0;
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      case "<" -> c < 0;
      default -> c <= 0;
    };
  }

  /**
   * A wildcard version ({@code 4.1.x}) stands for the range [4.1.0, 4.2.0): equal means inside,
   * {@code !} outside, {@code >=} from its start, {@code >} from its end, {@code <} before its
   * start, {@code <=} before its end.
   */
  private static boolean wildcard(SemVer v, String op, String[] parts) {
    BigInteger[] lo = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
    int fixed = 0;
    while (fixed < parts.length && fixed < 3 && !parts[fixed].matches("[xX*]")) {
      lo[fixed] = new BigInteger(parts[fixed]);
      fixed++;
    }
    SemVer start = new SemVer(lo, new String[0]);
    SemVer end = null; // unbounded when the first part is a wildcard
    if (fixed > 0) {
      BigInteger[] hi = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
      System.arraycopy(lo, 0, hi, 0, fixed);
      hi[fixed - 1] = hi[fixed - 1].add(BigInteger.ONE);
      end = new SemVer(hi, new String[0]);
    }
    boolean afterStart = v.compareTo(start) >= 0;
    boolean beforeEnd = end == null || v.compareTo(end) < 0;
    return switch (op) {
      case "=", "==" -> afterStart && beforeEnd;
      case "!=", "!" -> !(afterStart && beforeEnd);
      case ">=" -> afterStart;
      case ">" -> !beforeEnd;
      case "<" -> !afterStart;
      default -> beforeEnd;
    };
  }

  @Override
  public int compareTo(SemVer o) {
    for (int i = 0; i < 3; i++) {
      int c = core[i].compareTo(o.core[i]);
      if (c != 0) {
        return c;
      }
    }
    if (pre.length == 0 || o.pre.length == 0) {
      return Integer.compare(o.pre.length == 0 ? 0 : 1, pre.length == 0 ? 0 : 1);
    }
    for (int i = 0; i < Math.min(pre.length, o.pre.length); i++) {
      boolean an = pre[i].matches("\\d+");
      boolean bn = o.pre[i].matches("\\d+");
      int c = an && bn ? new BigInteger(pre[i]).compareTo(new BigInteger(o.pre[i]))
          : an ? -1 : bn ? 1 : pre[i].compareTo(o.pre[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pre.length, o.pre.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemVer s && compareTo(s) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(core);
  }
}
