package dev.slipway.engine.reconcile;

import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.spec.EnvironmentSpec.SyncPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the reconcile decision of one application in one environment depends on, as plain
 * data: no client, no clock (the controller reads both and passes {@code now}).
 *
 * @param desired what the platform's files render for it now
 * @param live how the cluster compares with it; null when the spec is invalid (nothing to compare)
 * @param policy the environment's {@code sync:} block
 * @param control whether a person pinned it (a manual rollback) or paused automated sync
 * @param last its last sync, or null when it was never synced
 * @param dependencies health of each application it {@code dependsOn}, in the same environment;
 *     an application missing from the map counts as {@link HealthStatus#UNKNOWN}
 * @param dependsOn the applications it depends on (its {@code spec.dependsOn})
 */
public record ReconcileInput(String application, String environment, Desired desired, LiveComparison live, SyncPolicy policy,
    Control control, LastSync last, List<String> dependsOn, Map<String, HealthStatus> dependencies, Instant now) {
  public ReconcileInput {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    dependencies = dependencies == null ? Map.of() : Map.copyOf(dependencies);
    control = control == null ? Control.NONE : control;
    policy = policy == null ? SyncPolicy.MANUAL : policy;
  }

  /**
   * The desired state: a valid spec and the hash of what it renders (the hash history records), or
   * an invalid spec with its diagnostics (file:line), of which nothing may be applied.
   */
  public record Desired(String hash, List<Diagnostic> diagnostics) {
    public Desired {
      diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
    }

    public static Desired valid(String hash) {
      return new Desired(hash, List.of());
    }

    public static Desired invalid(List<Diagnostic> diagnostics) {
      return new Desired(null, diagnostics);
    }

    public boolean isValid() {
      return hash != null && diagnostics.stream().noneMatch(Diagnostic::isError);
    }
  }

  /**
   * How the cluster compares with the desired state, object by object (refs as
   * {@code Kind/namespace/name}).
   *
   * @param missing rendered, not in the cluster
   * @param drifted in the cluster, different in fields Slipway manages
   * @param extra owned by Slipway, no longer rendered (what a prune would delete)
   * @param health each live object's health
   */
  public record LiveComparison(List<String> missing, List<String> drifted, List<String> extra, SortedMap<String, HealthStatus> health) {
    public LiveComparison {
      missing = List.copyOf(missing);
      drifted = List.copyOf(drifted);
      extra = List.copyOf(extra);
      health = health == null ? new TreeMap<>() : new TreeMap<>(health);
    }

    /** Everything in the cluster as rendered. */
    public static LiveComparison inSync(Map<String, HealthStatus> health) {
      return new LiveComparison(List.of(), List.of(), List.of(), new TreeMap<>(health));
    }

    /** Whether a sync would change something: an object to create or correct (not counting prunes). */
    public boolean needsApply() {
      return !missing.isEmpty() || !drifted.isEmpty();
    }

    public boolean inSync() {
      return !needsApply() && extra.isEmpty();
    }

    /** The application's health: the worst of its objects' (Healthy when it has none). */
    public HealthStatus overallHealth() {
      HealthStatus h = HealthStatus.HEALTHY;
      for (HealthStatus s : health.values()) {
        h = h.worst(s);
      }
      return missing.isEmpty() ? h : h.worst(HealthStatus.MISSING);
    }
  }

  /**
   * What people decided about this application here.
   *
   * @param pinnedRevision the revision a manual rollback restored, which automated sync must not
   *     undo until it is unpinned (Argo CD #9570); 0 when not pinned
   * @param paused whether automated sync is paused for it
   */
  public record Control(int pinnedRevision, boolean paused) {
    public static final Control NONE = new Control(0, false);

    public boolean pinned() {
      return pinnedRevision > 0;
    }
  }

  /**
   * The last sync of the application here.
   *
   * @param hash the hash it synced
   * @param attempts how many syncs of this hash failed in a row (0 after a success)
   * @param time when it ended
   */
  public record LastSync(String hash, Outcome outcome, int attempts, Instant time) {
    /** How it ended. */
    public enum Outcome {
      SUCCEEDED, FAILED
    }

    public static LastSync succeeded(String hash, Instant time) {
      return new LastSync(hash, Outcome.SUCCEEDED, 0, time);
    }

    public static LastSync failed(String hash, int attempts, Instant time) {
      return new LastSync(hash, Outcome.FAILED, Math.max(1, attempts), time);
    }

    public boolean failed() {
      return outcome == Outcome.FAILED;
    }
  }
}
