package dev.slipway.server.api;

import dev.slipway.engine.sync.HealthStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One cell of the applications × environments matrix: what an operator scans first.
 *
 * @param revision the platform repository commit deployed (or being deployed), null before the
 *     first sync
 * @param healthReason why the health is what it is, empty when Healthy
 * @param lastSyncTime when the last sync finished, null when never synced
 * @param driftedObjects live objects that differ from the rendered ones
 * @param monthlyCost estimated monthly cost in {@code currency}, null when not estimated
 * @param policyFindings failed policy rules (waived ones not counted)
 * @param pinnedRevision the history revision a rollback pinned, 0 when not pinned
 * @param paused whether automated sync is paused (the controller only reports OutOfSync)
 */
public record ApplicationStatus(
    String application,
    String environment,
    SyncState sync,
    HealthStatus health,
    String healthReason,
    String revision,
    List<String> images,
    Instant lastSyncTime,
    int driftedObjects,
    BigDecimal monthlyCost,
    String currency,
    int policyFindings,
    boolean pinned,
    int pinnedRevision,
    boolean paused) {

  public ApplicationStatus {
    Objects.requireNonNull(application);
    Objects.requireNonNull(environment);
    Objects.requireNonNull(sync);
    Objects.requireNonNull(health);
    healthReason = healthReason == null ? "" : healthReason;
    images = images == null ? List.of() : List.copyOf(images);
  }
}
