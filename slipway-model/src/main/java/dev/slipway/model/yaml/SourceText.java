package dev.slipway.model.yaml;

import dev.slipway.model.Position;

/**
 * Maps a character inside a scalar's value back to its line and column in the file. SnakeYAML
 * gives only where a scalar starts (its quote, or the {@code |} of a block); a CEL error inside
 * {@code ${...}} should point at the offending character, so the value's text from there is
 * looked up in the file, from the scalar's start on.
 */
public final class SourceText {
  /** How much of the value is searched for: enough to be unambiguous near the scalar's start. */
  private static final int NEEDLE = 40;

  private SourceText() {}

  public static Position locate(String source, String file, SpecNode.Scalar value, int offset) {
    Position start = value.position();
    if (source == null || start.line() <= 0 || offset < 0 || offset > value.value().length()) {
      return start;
    }
    int from = offsetOf(source, start.line(), start.column());
    if (from < 0) {
      return start;
    }
    String v = value.value();
    int lineEnd = v.indexOf('\n', offset);
    String needle = v.substring(offset, Math.min(lineEnd < 0 ? v.length() : lineEnd, offset + NEEDLE));
    if (needle.isEmpty()) {
      return start;
    }
    // The value's text before the offset must be passed over too, so a repeated needle is found where it belongs.
    int at = source.indexOf(needle, from);
    String before = v.substring(Math.max(0, offset - NEEDLE), offset);
    if (!before.isEmpty() && !before.contains("\n")) {
      int withBefore = source.indexOf(before + needle, from);
      if (withBefore >= 0) {
        at = withBefore + before.length();
      }
    }
    return at < 0 ? start : positionOf(source, file, at);
  }

  private static int offsetOf(String source, int line, int column) {
    int l = 1;
    int i = 0;
    while (l < line) {
      i = source.indexOf('\n', i);
      if (i < 0) {
        return -1;
      }
      i++;
      l++;
    }
    return Math.min(source.length(), i + column - 1);
  }

  private static Position positionOf(String source, String file, int at) {
    int line = 1;
    int lineStart = 0;
    for (int i = source.indexOf('\n'); i >= 0 && i < at; i = source.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return new Position(file, line, at - lineStart + 1);
  }
}
