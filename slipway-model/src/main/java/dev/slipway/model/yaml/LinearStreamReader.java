package dev.slipway.model.yaml;

import java.io.StringReader;
import java.util.Arrays;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * SnakeYAML's {@link StreamReader} with a window that grows geometrically. The original reads
 * 1 KiB at a time and copies its whole unread window on every read; while the scanner looks
 * ahead over one long token (a 4 MB scalar) that window is the token, so reading it costs time
 * quadratic in its length (measured: 3.9 MB scalar, 4-6 s and 1 GB). Here each read is at least as
 * long as what it copies, so reading is linear. Behaviour (code points, line and column counting,
 * the refusal of non-printable characters) is the original's.
 */
final class LinearStreamReader extends StreamReader {
  private static final int MIN_READ = 8192;

  private final String name = "'string'";
  private final String text;
  private int next;
  private int[] window = new int[0];
  private int length;
  private int pointer;
  private boolean eof;
  private int index;
  private int documentIndex;
  private int line;
  private int column;

  LinearStreamReader(String text) {
    super(new StringReader(""));
    this.text = text;
  }

  @Override
  public Mark getMark() {
    return new Mark(name, index, line, column, window, pointer);
  }

  @Override
  public void forward() {
    forward(1);
  }

  @Override
  public void forward(int count) {
    for (int i = 0; i < count && ensure(0); i++) {
      int c = window[pointer++];
      index++;
      documentIndex++;
      if (Constant.LINEBR.has(c) || (c == '\r' && ensure(0) && window[pointer] != '\n')) {
        line++;
        column = 0;
      } else if (c != 0xFEFF) {
        column++;
      }
    }
  }

  @Override
  public int peek() {
    return ensure(0) ? window[pointer] : 0;
  }

  @Override
  public int peek(int k) {
    return ensure(k) ? window[pointer + k] : 0;
  }

  @Override
  public String prefix(int count) {
    if (count == 0) {
      return "";
    }
    return ensure(count) ? new String(window, pointer, count) : new String(window, pointer, Math.min(count, length - pointer));
  }

  @Override
  public String prefixForward(int count) {
    String prefix = prefix(count);
    pointer += count;
    index += count;
    documentIndex += count;
    column += count;
    return prefix;
  }

  @Override
  public int getColumn() {
    return column;
  }

  @Override
  public int getDocumentIndex() {
    return documentIndex;
  }

  @Override
  public void resetDocumentIndex() {
    documentIndex = 0;
  }

  @Override
  public int getIndex() {
    return index;
  }

  @Override
  public int getLine() {
    return line;
  }

  private boolean ensure(int size) {
    if (!eof && pointer + size >= length) {
      update(size);
    }
    return pointer + size < length;
  }

  /** Reads at least as many characters as remain unread, so the copy below is paid for. */
  private void update(int size) {
    int remaining = length - pointer;
    int want = Math.max(Math.max(MIN_READ, remaining), size + 1);
    int end = Math.min(text.length(), next + want);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end++;
    }
    if (end <= next) {
      eof = true;
      return;
    }
    int[] grown = Arrays.copyOfRange(window, pointer, pointer + remaining + (end - next));
    int at = remaining;
    int bad = -1;
    for (int i = next; i < end; ) {
      int cp = text.codePointAt(i);
      grown[at++] = cp;
      if (!isPrintable(cp)) {
        bad = cp;
        break;
      }
      i += Character.charCount(cp);
    }
    window = grown;
    length = at;
    pointer = 0;
    if (bad >= 0) {
      throw new ReaderException(name, index + at - 1, bad, "special characters are not allowed");
    }
    next = end;
    if (next >= text.length()) {
      eof = true;
    }
  }
}
