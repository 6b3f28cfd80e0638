package dev.slipway.kube.deploy;

import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.sync.DiffPlanner;
import dev.slipway.engine.health.HealthRules;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.engine.sync.ObjectDiff;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads how an application stands in its environment's cluster: per object its sync state (as
 * {@code slipway diff} decides), health (Argo CD's rules) and diff; for the application the worst
 * health with the first object responsible, the drifted objects and the last revision. What
 * {@code slipway status} and the server's status share; reads only. Health is judged by the
 * executor's {@link SyncExecutor#health() rules}: the platform's Lua scripts, then the built-in ones.
 */
public final class StatusReader {
  /** The health detail of an application none of whose objects exist. */
  public static final String NOT_DEPLOYED = "not deployed";

  /**
   * One object of an application.
   *
   * @param health its health, or null for an Extra object (no longer rendered) and kinds without one
   * @param diff the unified diff when OutOfSync, else empty
   */
  public record ObjectStatus(String ref, SyncState sync, HealthStatus health, String healthMessage, String diff) {}

  /**
   * One application in one environment.
   *
   * @param sync {@code Synced} or {@code OutOfSync}
   * @param healthDetail the first object with the worst health and why, {@link #NOT_DEPLOYED}, or empty
   * @param revision the newest revision in its history, or null
   * @param drifted every object not Synced, as {@code state ref} with the state padded to nine characters
   * @param historyProblem damaged history that was skipped, or null
   */
  public record ApplicationStatus(String environment, String application, String sync, HealthStatus health, String healthDetail,
      Revision revision, List<String> drifted, String historyProblem, List<ObjectStatus> objects) {
    public ApplicationStatus {
      drifted = List.copyOf(drifted);
      objects = List.copyOf(objects);
    }
  }

  private final SyncExecutor executor;
  private final HistoryStore history;

  public StatusReader(SyncExecutor executor, HistoryStore history) {
    this.executor = executor;
    this.history = history;
  }

  /** Reads one application: one list per kind it may own, and its history. */
  public ApplicationStatus read(String environment, ApplicationBundle bundle) {
    return read(environment, bundle, executor.shaped(environment, bundle), executor.owned(environment, bundle), history,
        executor.health());
  }

  /** Reads one application from a snapshot of the whole environment (one list per kind for all its applications). */
  public ApplicationStatus read(String environment, ApplicationBundle bundle, SyncExecutor.Snapshot snapshot) {
    return read(environment, bundle, executor.shaped(environment, bundle), snapshot.of(bundle), history, executor.health());
  }

  /**
   * Reads one application from a watch's cache, its history included (the history ConfigMap is
   * among what the watch holds of the application): no request at all.
   */
  public ApplicationStatus readCached(String environment, ApplicationBundle bundle, SyncExecutor.Snapshot cached) {
    return readCached(environment, bundle, cached,
        dev.slipway.kube.rollout.RolloutSync.shapedFromCache(cached.objects(), bundle, executor.clock()));
  }

  /** The same, against objects already shaped by the rollouts in the cache (a caller that needs them too). */
  public ApplicationStatus readCached(String environment, ApplicationBundle bundle, SyncExecutor.Snapshot cached,
      dev.slipway.kube.rollout.RolloutSync.Shaped desired) {
    return read(environment, bundle, desired, cached.of(bundle), HistoryStore.fromCache(cached.objects(), environment, bundle),
        executor.health());
  }

  /** The objects of the application that are not Synced, as {@code state ref}; empty when it is in sync. */
  public List<String> drift(String environment, ApplicationBundle bundle) {
    return executor.diff(environment, bundle).stream().filter(d -> d.state() != SyncState.SYNCED)
        .map(d -> d.state().label() + " " + d.ref()).toList();
  }

  private static ApplicationStatus read(String environment, ApplicationBundle bundle, dev.slipway.kube.rollout.RolloutSync.Shaped desired,
      List<com.fasterxml.jackson.databind.JsonNode> live, HistoryStore history, HealthRules rules) {
    return read(environment, bundle, desired, live, history.read(environment, bundle), rules);
  }

  /**
   * {@code bundle} as rendered (its hash names the revision); {@code desired}: its objects as the
   * rollouts of its components want them now, which is what the cluster is compared with.
   */
  private static ApplicationStatus read(String environment, ApplicationBundle bundle, dev.slipway.kube.rollout.RolloutSync.Shaped desired,
      List<com.fasterxml.jackson.databind.JsonNode> live, HistoryStore.History h, HealthRules rules) {
    List<ObjectDiff> diffs = DiffPlanner.compare(desired.bundle().objects(), live);
    HealthStatus health = HealthStatus.HEALTHY;
    String detail = "";
    List<String> drifted = new ArrayList<>();
    List<ObjectStatus> objects = new ArrayList<>();
    for (ObjectDiff d : diffs) {
      if (d.state() != SyncState.SYNCED) {
        drifted.add(String.format("%-9s %s", d.state().label(), d.ref()));
      }
      if (d.state() == SyncState.EXTRA) {
        objects.add(new ObjectStatus(d.ref(), d.state(), null, "", ""));
        continue;
      }
      Health.Assessment a = rules.assess(d.live());
      objects.add(new ObjectStatus(d.ref(), d.state(), a == null ? null : a.status(), a == null ? "" : a.message(),
          d.state() == SyncState.OUT_OF_SYNC && d.diff() != null ? d.diff() : ""));
      if (a != null && a.status().worst(health) != health) {
        health = a.status();
        detail = d.ref() + (a.message().isEmpty() ? "" : ": " + a.message());
      }
    }
    if (!diffs.isEmpty() && diffs.stream().allMatch(d -> d.state() == SyncState.MISSING)) {
      detail = NOT_DEPLOYED;
    } else {
      var folded = desired.fold(health, detail);
      health = folded.health();
      detail = folded.detail();
    }
    List<Revision> revisions = h.revisions();
    Revision last = revisions.isEmpty() ? null : revisions.get(revisions.size() - 1);
    return new ApplicationStatus(environment, bundle.application(), drifted.isEmpty() ? "Synced" : "OutOfSync", health, detail, last,
        drifted, h.problem(), objects);
  }
}
