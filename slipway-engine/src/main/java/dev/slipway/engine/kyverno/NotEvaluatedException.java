package dev.slipway.engine.kyverno;

/**
 * A Kyverno feature Slipway does not evaluate (an {@code apiCall} without mocked data, a function
 * form it lacks). It turns the rule's result into "not evaluated: feature", never a pass, fail or
 * skip, so that nobody mistakes an unchecked rule for a checked one.
 */
public final class NotEvaluatedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String feature;

  public NotEvaluatedException(String feature) {
    super("not evaluated: " + feature);
    this.feature = feature;
  }

  public String feature() {
    return feature;
  }
}
