package dev.slipway.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in user input or in rendered output. Every check in Slipway returns these
 * instead of throwing, so that a run reports all problems at once (like a compiler).
 *
 * @param severity how bad it is; {@link Severity#ERROR} stops a run
 * @param code stable machine-readable code, e.g. {@code spec.unknown-field} or {@code policy.run-as-non-root}
 * @param file the file the problem is in, relative to the platform directory; may be empty
 * @param line 1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param path field path inside the document, e.g. {@code spec.components.backend.port}
 * @param message what is wrong and, where possible, how to fix it
 */
public record Diagnostic(
    Severity severity, String code, String file, int line, int column, String path, String message)
    implements Comparable<Diagnostic> {

  public enum Severity {
    ERROR,
    WARNING,
    INFO;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final Comparator<Diagnostic> ORDER =
      Comparator.comparing(Diagnostic::file)
          .thenComparingInt(Diagnostic::line)
          .thenComparingInt(Diagnostic::column)
          .thenComparing(Diagnostic::severity)
          .thenComparing(Diagnostic::code)
          .thenComparing(Diagnostic::path)
          .thenComparing(Diagnostic::message);

  public Diagnostic {
    Objects.requireNonNull(severity);
    Objects.requireNonNull(code);
    file = file == null ? "" : file;
    path = path == null ? "" : path;
    Objects.requireNonNull(message);
  }

  public static Diagnostic error(String code, Position at, String path, String message) {
    return new Diagnostic(Severity.ERROR, code, at.file(), at.line(), at.column(), path, message);
  }

  public static Diagnostic warning(String code, Position at, String path, String message) {
    return new Diagnostic(Severity.WARNING, code, at.file(), at.line(), at.column(), path, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line:column} as compilers print it, omitting unknown parts. */
  public String location() {
    if (file.isEmpty()) {
      return "";
    }
    if (line <= 0) {
      return file;
    }
    return column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
  }

  /** One line for people: {@code file:line:col: error [code] path: message}. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    String loc = location();
    if (!loc.isEmpty()) {
      sb.append(loc).append(": ");
    }
    sb.append(severity.label()).append(" [").append(code).append("] ");
    if (!path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }

  @Override
  public int compareTo(Diagnostic o) {
    return ORDER.compare(this, o);
  }
}
