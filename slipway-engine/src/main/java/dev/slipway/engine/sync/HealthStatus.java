package dev.slipway.engine.sync;

/**
 * Argo CD's health vocabulary, in gitops-engine's order: when several objects are combined, the
 * worst (latest in this order) wins.
 */
public enum HealthStatus {
  HEALTHY("Healthy"),
  SUSPENDED("Suspended"),
  PROGRESSING("Progressing"),
  MISSING("Missing"),
  DEGRADED("Degraded"),
  UNKNOWN("Unknown");

  private final String label;

  HealthStatus(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
