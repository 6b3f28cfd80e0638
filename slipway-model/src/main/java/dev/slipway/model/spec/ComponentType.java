package dev.slipway.model.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Golden-path component types. Each decides the workload kind and the defaults a component
 * starts from (see {@code component-types.yaml}).
 */
public enum ComponentType {
  /** A public web frontend: Deployment + Service, usually with an ingress. */
  WEB(true),
  /** An HTTP API: Deployment + Service. */
  API(true),
  /** A background process with no inbound traffic: Deployment only. */
  WORKER(true),
  /** A scheduled task: CronJob. */
  JOB(false),
  /** A PostgreSQL database: StatefulSet + volume claim + headless Service. */
  POSTGRES(true),
  /**
   * A Redis cache: one StatefulSet pod (a cache, not a replicated store) with a headless Service
   * and a password from the secret store.
   */
  REDIS(true);

  private final boolean longRunning;

  ComponentType(boolean longRunning) {
    this.longRunning = longRunning;
  }

  public boolean longRunning() {
    return longRunning;
  }

  /** Stateless types scale by replicas; postgres and job do not take the platform replica default. */
  public boolean stateless() {
    return this == WEB || this == API || this == WORKER;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(ComponentType::id).toList();
  }

  public static ComponentType of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
