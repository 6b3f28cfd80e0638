package dev.slipway.engine.kyverno;

/** The outcome of one rule on one resource. */
public record RuleResult(String policy, String rule, String kind, String namespace, String name, Status status, String message) {

  /**
   * pass/fail/warn/skip/error as Kyverno reports them (warn: a failure of a policy annotated
   * {@code policies.kyverno.io/scored: "false"}), plus not evaluated: a feature Slipway does not run.
   */
  public enum Status {
    PASS,
    FAIL,
    WARN,
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
