package dev.slipway.model.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * A template value split into literal text and {@code ${expression}} parts, as kro writes them.
 * A value that is exactly one {@code ${...}} takes the expression's type; any other value with
 * expressions is a string built from its parts.
 */
public final class TemplateText {
  private TemplateText() {}

  /**
   * One part of a value.
   *
   * @param text the literal text, or the CEL expression between {@code ${} and {@code }}
   * @param offset where {@code text} starts in the value
   */
  public record Part(boolean expression, String text, int offset) {}

  /**
   * The value's parts, or an exception naming the offset of a {@code ${} that is never closed.
   * Braces inside the expression nest, and quoted CEL strings may hold any brace.
   */
  public static List<Part> split(String value) {
    List<Part> out = new ArrayList<>();
    int i = 0;
    int literalStart = 0;
    while (true) {
      int open = value.indexOf("${", i);
      if (open < 0) {
        break;
      }
      int close = closing(value, open + 2);
      if (close < 0) {
        throw new Unterminated(open);
      }
      if (open > literalStart) {
        out.add(new Part(false, value.substring(literalStart, open), literalStart));
      }
      out.add(new Part(true, value.substring(open + 2, close), open + 2));
      i = close + 1;
      literalStart = i;
    }
    if (literalStart < value.length() || out.isEmpty()) {
      out.add(new Part(false, value.substring(literalStart), literalStart));
    }
    return out;
  }

  public static boolean hasExpression(String value) {
    return value.contains("${");
  }

  /** The offset of the {@code }} closing an expression that starts at {@code from}, or -1. */
  private static int closing(String s, int from) {
    int depth = 0;
    char quote = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      }
    }
    return -1;
  }

  /** A {@code ${} without its {@code }}. */
  public static final class Unterminated extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    Unterminated(int offset) {
      super("'${' at offset " + offset + " is never closed with '}'", null, false, false);
      this.offset = offset;
    }

    public int offset() {
      return offset;
    }
  }
}
