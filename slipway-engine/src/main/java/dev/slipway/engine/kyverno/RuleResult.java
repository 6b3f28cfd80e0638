package dev.slipway.engine.kyverno;

/** The outcome of one rule on one resource. */
public record RuleResult(String policy, String rule, String kind, String namespace, String name, Status status, String message) {

  /** pass/fail/skip as Kyverno reports them, plus error and not-evaluated (unsupported rule types). */
  public enum Status {
    PASS,
    FAIL,
    SKIP,
    ERROR,
    NOT_EVALUATED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  public String resource() {
    return kind + "/" + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
