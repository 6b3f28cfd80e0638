package dev.slipway.engine.kyverno;

import dev.slipway.engine.kyverno.Arithmetic.FunctionError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code random(pattern)}: a random string matching a regular expression. Handles what such
 * patterns use: literals, escapes ({@code \d \w \s} and escaped characters), {@code .}, classes
 * with ranges ({@code [a-z0-9]}, not negated ones), groups with alternatives and the quantifiers
 * {@code ? * + {n} {n,m}} (unbounded ones repeat at most 10 times beyond their minimum).
 */
final class RandomText {
  private static final String WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  private final String p;
  private int i;

  private RandomText(String pattern) {
    this.p = pattern;
  }

  static String generate(String pattern) {
    RandomText r = new RandomText(pattern.replaceAll("^\\^|\\$$", ""));
    StringBuilder sb = new StringBuilder();
    r.alternatives(sb);
    if (r.i < r.p.length()) {
      throw new FunctionError("random", "unsupported pattern '" + pattern + "'");
    }
    return sb.toString();
  }

  private void alternatives(StringBuilder out) {
    List<StringBuilder> options = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    options.add(current);
    while (i < p.length() && p.charAt(i) != ')') {
      if (p.charAt(i) == '|') {
        i++;
        current = new StringBuilder();
        options.add(current);
        continue;
      }
      atomWithQuantifier(current);
    }
    out.append(options.get(ThreadLocalRandom.current().nextInt(options.size())));
  }

  private void atomWithQuantifier(StringBuilder out) {
    int start = i;
    String sample = atom();
    int end = i;
    int min = 1;
    int max = 1;
    if (i < p.length()) {
      char q = p.charAt(i);
      if (q == '?' || q == '*' || q == '+') {
        min = q == '+' ? 1 : 0;
        max = q == '?' ? 1 : min + 10;
        i++;
      } else if (q == '{') {
        int close = p.indexOf('}', i);
        String[] bounds = p.substring(i + 1, close).split(",", -1);
        min = Integer.parseInt(bounds[0].trim());
        max = bounds.length == 1 ? min : bounds[1].isBlank() ? min + 10 : Integer.parseInt(bounds[1].trim());
        i = close + 1;
      }
    }
    int n = min + ThreadLocalRandom.current().nextInt(max - min + 1);
    int after = i;
    for (int k = 0; k < n; k++) {
      if (k == 0) {
        out.append(sample);
      } else {
        i = start;
        out.append(atom());
        i = end;
      }
    }
    i = after;
  }

  private String atom() {
    char c = p.charAt(i++);
    switch (c) {
      case '(' -> {
        if (p.startsWith("?:", i)) {
          i += 2;
        }
        StringBuilder sb = new StringBuilder();
        alternatives(sb);
        if (i >= p.length() || p.charAt(i) != ')') {
          throw new FunctionError("random", "unbalanced group in '" + p + "'");
        }
        i++;
        return sb.toString();
      }
      case '[' -> {
        return String.valueOf(pick(charClass()));
      }
      case '.' -> {
        return String.valueOf(pick(WORD));
      }
      case '\\' -> {
        return String.valueOf(pick(escape(p.charAt(i++))));
      }
      default -> {
        return String.valueOf(c);
      }
    }
  }

  private static String escape(char c) {
    return switch (c) {
      case 'd' -> "0123456789";
      case 'w' -> WORD;
      case 's' -> " ";
      default -> String.valueOf(c);
    };
  }

  private String charClass() {
    if (i < p.length() && p.charAt(i) == '^') {
      throw new FunctionError("random", "negated character classes are not supported");
    }
    StringBuilder set = new StringBuilder();
    while (i < p.length() && p.charAt(i) != ']') {
      char c = p.charAt(i++);
      if (c == '\\') {
        set.append(escape(p.charAt(i++)));
      } else if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
        char to = p.charAt(i + 1);
        for (char x = c; x <= to; x++) {
          set.append(x);
        }
        i += 2;
      } else {
        set.append(c);
      }
    }
    i++;
    return set.toString();
  }

  private static char pick(String s) {
    return s.charAt(ThreadLocalRandom.current().nextInt(s.length()));
  }
}
