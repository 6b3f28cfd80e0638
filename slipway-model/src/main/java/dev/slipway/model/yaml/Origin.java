package dev.slipway.model.yaml;

import dev.slipway.model.Position;

/**
 * Where a value in a resolved spec came from. {@code slipway plan --explain} prints it next to
 * every value, so a user can tell a type default from a platform default from their own setting.
 */
public record Origin(Layer layer, String source, Position position) {

  /** The layers a component's resolved spec is merged from, lowest first. */
  public enum Layer {
    TYPE_DEFAULT("type default"),
    PLATFORM("platform"),
    APP("app"),
    ENVIRONMENT("environment override"),
    WHAT_IF("what-if --set"),
    DERIVED("derived"),
    /** The image of a promoted environment: its release file, not app.yaml. */
    RELEASE("release");

    private final String label;

    Layer(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public static Origin of(Layer layer, String source, Position position) {
    return new Origin(layer, source, position);
  }

  /** {@code app (apps/shop/app.yaml:12:7)}. */
  public String describe() {
    String where = position.line() > 0 ? position.toString() : source;
    return where.isEmpty() ? layer.label() : layer.label() + " (" + where + ")";
  }
}
