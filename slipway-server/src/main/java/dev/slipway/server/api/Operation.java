package dev.slipway.server.api;

import java.time.Instant;
import java.util.List;

/**
 * A sync or rollback, running or finished, with the steps it took.
 *
 * @param kind {@code sync} or {@code rollback}
 * @param phase {@code Running}, {@code Succeeded} or {@code Failed}
 * @param revision the commit being deployed
 * @param finishedAt null while running
 */
public record Operation(
    String id,
    String kind,
    String phase,
    String who,
    String revision,
    boolean dryRun,
    boolean prune,
    Instant startedAt,
    Instant finishedAt,
    String message,
    List<OperationStep> steps) {

  public Operation {
    message = message == null ? "" : message;
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /**
   * One object touched (or left alone) by an operation.
   *
   * @param action {@code create}, {@code update}, {@code delete} or {@code unchanged}
   * @param result {@code Succeeded}, {@code Failed}, {@code Skipped} or {@code Running}
   */
  public record OperationStep(int wave, String kind, String namespace, String name, String action, String result, String message) {
    public OperationStep {
      namespace = namespace == null ? "" : namespace;
      message = message == null ? "" : message;
    }
  }
}
