package dev.slipway.engine.reconcile;

import dev.slipway.engine.reconcile.Decision.Action;
import dev.slipway.engine.reconcile.Decision.SyncStatus;
import dev.slipway.engine.reconcile.ReconcileInput.LastSync;
import dev.slipway.engine.reconcile.ReconcileInput.LiveComparison;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.spec.EnvironmentSpec.SyncPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The reconcile decision of one application in one environment: a pure function of
 * {@link ReconcileInput} (gitops-engine's {@code Reconcile(target, live)} with Argo CD's automated
 * sync rules on top). It never reads the clock or the cluster, so the controller, its tests and a
 * dry run all get the same answer from the same data.
 *
 * <p>The rules, in the order they are applied:
 * <ol>
 *   <li>An invalid spec applies nothing: {@link Action#INVALID_SPEC}, state Unknown.
 *   <li>Live as rendered: {@link Action#NOTHING}, Synced.
 *   <li>Otherwise OutOfSync, and reported only ({@link Action#REPORT_OUT_OF_SYNC}) when automated
 *       sync is paused, the application is pinned by a manual rollback (Argo CD #9570), or the
 *       environment's {@code sync.automated} is off; also when all that differs is objects to
 *       prune and {@code sync.prune} is off (a sync would change nothing).
 *   <li>Files that already failed to sync, unchanged since: retried only after back-off,
 *       {@code 5s · 2^(n-1)} after the n-th failure in a row, at most 5 minutes
 *       ({@link Action#BACKOFF} until then).
 *   <li>Files synced successfully, unchanged since, and the cluster differs: that is drift,
 *       corrected only where {@code sync.selfHeal} is on, at most once per
 *       {@link #SELF_HEAL_INTERVAL} (Argo CD's self-heal timeout); reported otherwise. Objects the
 *       last sync left to prune are pruned where {@code sync.prune} is on.
 *   <li>New files (or never synced) sync where automated.
 *   <li>Every sync waits until each application it {@code dependsOn} is Healthy
 *       ({@link Action#WAIT_FOR_DEPENDENCY}, Argo CD #3454).
 * </ol>
 * A sync prunes only where {@code sync.prune} is on, and never when it retries files whose apply
 * failed and still has objects to apply: those are pruned by the sync after an apply succeeded
 * (kro's applyset rule, across attempts as the sync executor keeps it within one).
 */
public final class Reconciler {
  /** The first retry's delay after a failed sync; doubled after each further failure. */
  public static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  /** The longest delay between retries of files that keep failing. */
  public static final Duration MAX_RETRY = Duration.ofMinutes(5);
  /** The shortest time between the end of a sync and a self-heal of the same files. */
  public static final Duration SELF_HEAL_INTERVAL = Duration.ofSeconds(5);

  private Reconciler() {}

  /** How long to wait after the {@code failures}-th failure in a row before retrying the same files. */
  public static Duration backoff(int failures) {
    if (failures <= 1) {
      return FIRST_RETRY;
    }
    // 5s · 2^(n-1) exceeds 5 minutes from n = 8 on: no overflow below that, capped above.
    int n = Math.min(failures - 1, 16);
    Duration d = FIRST_RETRY.multipliedBy(1L << n);
    return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
  }

  public static Decision decide(ReconcileInput in) {
    Objects.requireNonNull(in.now(), "now");
    if (!in.desired().isValid()) {
      List<Diagnostic> errors = in.desired().diagnostics().stream().filter(Diagnostic::isError).toList();
      String first = errors.isEmpty() ? "it does not render" : errors.get(0).format();
      return new Decision(Action.INVALID_SPEC, SyncStatus.UNKNOWN, false, "the spec is invalid"
          + (errors.size() > 1 ? " (" + errors.size() + " errors)" : "") + "; nothing of it is applied: " + first, null, null, null,
          in.desired().diagnostics());
    }
    LiveComparison live = Objects.requireNonNull(in.live(), "live comparison of a valid spec");
    if (live.inSync()) {
      return decision(Action.NOTHING, SyncStatus.SYNCED, false, "in sync", null);
    }
    SyncPolicy policy = in.policy();
    String differs = describe(live);
    if (in.control().paused()) {
      return report("automated sync is paused; " + differs);
    }
    if (in.control().pinned()) {
      return report("pinned to revision " + in.control().pinnedRevision() + " by a rollback; " + differs
          + "; unpin to resume automated sync");
    }
    if (!policy.automated()) {
      return report("automated sync is off in " + in.environment() + " (sync.automated); " + differs);
    }
    if (!live.needsApply() && !policy.prune()) {
      return report(differs + "; prune is off in " + in.environment() + " (sync.prune)");
    }
    LastSync last = in.last();
    String hash = in.desired().hash();
    boolean sameFiles = last != null && hash.equals(last.hash());
    boolean prune = policy.prune();
    String reason;
    if (sameFiles && last.failed()) {
      Instant retryAt = last.time().plus(backoff(last.attempts()));
      if (in.now().isBefore(retryAt)) {
        return new Decision(Action.BACKOFF, SyncStatus.OUT_OF_SYNC, false, last.attempts() + " sync(s) of these files failed in a row; "
            + "retrying at " + retryAt + "; " + differs, retryAt, null, null, List.of());
      }
      // The apply failed last time: apply first, prune once an apply of these files has succeeded.
      prune &= !live.needsApply();
      reason = "retry after " + last.attempts() + " failed sync(s) of these files; " + differs;
    } else if (sameFiles && live.needsApply()) {
      if (!policy.selfHeal()) {
        return report("drift: " + differs + "; self-heal is off in " + in.environment() + " (sync.selfHeal)");
      }
      Instant healAt = last.time().plus(SELF_HEAL_INTERVAL);
      if (in.now().isBefore(healAt)) {
        return new Decision(Action.BACKOFF, SyncStatus.OUT_OF_SYNC, false, "drift: " + differs + "; self-heal at " + healAt
            + " (at most once per " + SELF_HEAL_INTERVAL.toSeconds() + "s)", healAt, null, null, List.of());
      }
      reason = "self-heal: " + differs;
    } else if (sameFiles) {
      reason = "prune what the last sync left: " + differs;
    } else {
      reason = (last == null ? "never synced" : "new files (hash " + shortHash(hash) + ", last synced " + shortHash(last.hash()) + ")")
          + "; " + differs;
    }
    for (String dep : new TreeSet<>(in.dependsOn())) {
      HealthStatus h = in.dependencies().getOrDefault(dep, HealthStatus.UNKNOWN);
      if (h != HealthStatus.HEALTHY) {
        return new Decision(Action.WAIT_FOR_DEPENDENCY, SyncStatus.OUT_OF_SYNC, false, "waiting for " + dep + " to be Healthy (it is "
            + h.label() + "); then: " + reason, null, dep, h, List.of());
      }
    }
    return decision(Action.SYNC, SyncStatus.OUT_OF_SYNC, prune, reason + (prune || live.extra().isEmpty() ? "" : "; not pruning"), null);
  }

  private static Decision report(String reason) {
    return decision(Action.REPORT_OUT_OF_SYNC, SyncStatus.OUT_OF_SYNC, false, reason, null);
  }

  private static Decision decision(Action action, SyncStatus state, boolean prune, String reason, Instant retryAt) {
    return new Decision(action, state, prune, reason, retryAt, null, null, List.of());
  }

  /** "2 missing, 1 drifted (Deployment/shop/web), 1 to prune", naming the first object of each. */
  static String describe(LiveComparison live) {
    List<String> parts = new ArrayList<>();
    part(parts, live.missing(), "missing");
    part(parts, live.drifted(), "drifted");
    part(parts, live.extra(), "no longer rendered");
    return String.join(", ", parts);
  }

  private static void part(List<String> parts, List<String> refs, String what) {
    if (!refs.isEmpty()) {
      List<String> sorted = refs.stream().sorted().toList();
      parts.add(refs.size() + " " + what + " (" + sorted.get(0) + (refs.size() > 1 ? ", ..." : "") + ")");
    }
  }

  private static String shortHash(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) : hash;
  }
}
