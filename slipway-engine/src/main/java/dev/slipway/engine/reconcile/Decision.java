package dev.slipway.engine.reconcile;

import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.model.Diagnostic;
import java.time.Instant;
import java.util.List;

/**
 * What the controller does next for one application in one environment, and what it reports.
 *
 * @param state the sync state to report
 * @param prune whether the sync may delete what is no longer rendered (only with {@link Action#SYNC})
 * @param reason why, for a person
 * @param retryAt with {@link Action#BACKOFF} (and after a self-heal, see {@link Reconciler}): when to
 *     look again; otherwise null
 * @param dependency with {@link Action#WAIT_FOR_DEPENDENCY}: the application waited for; otherwise null
 * @param dependencyHealth that application's health; otherwise null
 * @param diagnostics with {@link Action#INVALID_SPEC}: the spec's problems; otherwise empty
 */
public record Decision(Action action, SyncStatus state, boolean prune, String reason, Instant retryAt, String dependency,
    HealthStatus dependencyHealth, List<Diagnostic> diagnostics) {
  public Decision {
    diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
  }

  /** What to do. */
  public enum Action {
    /** In sync: nothing to do. */
    NOTHING,
    /** Sync now ({@link Decision#prune()} says whether to prune). */
    SYNC,
    /** Out of sync, and not to be synced by the controller: automated sync is off, or the application is pinned or paused. */
    REPORT_OUT_OF_SYNC,
    /** Would sync, but an application it depends on is not Healthy yet. */
    WAIT_FOR_DEPENDENCY,
    /** The spec does not load or render: apply nothing of it. */
    INVALID_SPEC,
    /** Would sync the same files that failed to sync: wait until {@link Decision#retryAt()}. */
    BACKOFF
  }

  /** Argo CD's application sync states. */
  public enum SyncStatus {
    SYNCED("Synced"), OUT_OF_SYNC("OutOfSync"), UNKNOWN("Unknown");

    private final String label;

    SyncStatus(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
