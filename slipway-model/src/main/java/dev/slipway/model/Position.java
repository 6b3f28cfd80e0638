package dev.slipway.model;

/** Where a value was written: file relative to the platform directory, 1-based line and column. */
public record Position(String file, int line, int column) {

  public static final Position NONE = new Position("", 0, 0);

  public static Position file(String file) {
    return new Position(file, 0, 0);
  }

  @Override
  public String toString() {
    if (line <= 0) {
      return file;
    }
    return file + ":" + line + ":" + column;
  }
}
