package dev.slipway.cli;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.git.PlatformRepository;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Syncs an environment's bundles and records each application's revision in its history: what
 * {@code sync} and {@code rollback} share.
 */
final class Deployer {
  /** Where the platform files of a sync come from. */
  record Provenance(String commit, boolean dirty, List<String> sets) {
    /** The platform directory's Git commit and whether it has uncommitted changes; no commit outside Git. */
    static Provenance of(Path platformDir, List<String> sets, PrintWriter err) {
      try {
        Optional<PlatformRepository> found = PlatformRepository.find(platformDir);
        if (found.isEmpty()) {
          return new Provenance(null, false, sets);
        }
        try (PlatformRepository repo = found.get()) {
          String head = repo.head();
          return new Provenance(head, head != null && repo.dirty("out"), sets);
        }
      } catch (IOException | RuntimeException e) {
        err.println("warning: cannot read the platform's Git repository (" + e.getMessage() + "); this sync will not be reproducible by rollback");
        return new Provenance(null, false, sets);
      }
    }
  }

  private final SyncExecutor executor;
  private final HistoryStore history;
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;

  Deployer(KubernetesClient kc, Clock clock, PrintWriter out, PrintWriter err) {
    ClusterClient client = new ClusterClient(kc);
    this.executor = new SyncExecutor(client, clock);
    this.history = new HistoryStore(client);
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  HistoryStore history() {
    return history;
  }

  SyncExecutor executor() {
    return executor;
  }

  /**
   * Syncs the bundles in order, stopping at the first failure; records a revision per application
   * unless dry-running. {@code rollbackOf} is the revision being restored, or 0.
   *
   * @return the number of writes, or -1 when a sync failed
   */
  int deploy(EnvironmentPlan e, List<ApplicationBundle> bundles, SyncExecutor.Options options, Provenance provenance, int rollbackOf) {
    int writes = 0;
    // Many applications: one list per kind for the environment instead of one per kind per application.
    SyncExecutor.Snapshot snapshot = bundles.size() > 2 ? executor.snapshot(e.name()) : null;
    for (ApplicationBundle b : bundles) {
      out.println("== " + e.name() + "/" + b.application());
      boolean app = !b.application().equals(SyncExecutor.CLUSTER);
      List<Revision> past = app ? history.list(e.name(), b) : List.of();
      String hash = HistoryStore.hash(b);
      Revision last = past.isEmpty() ? null : past.get(past.size() - 1);
      if (last != null && last.rollbackOf() > 0 && rollbackOf == 0 && !last.hash().equals(hash)) {
        out.println("  note: " + b.application() + " was rolled back to revision " + last.rollbackOf() + " by " + last.who() + " at "
            + last.time() + "; this sync replaces it with the platform's current files");
      }
      Revision started = null;
      if (app && !options.dryRun() && rollbackOf > 0) {
        // Recorded before syncing, so a running watch sees the rollback as soon as objects change.
        started = record(e.name(), b, draft(provenance, hash, b, "Running", 0, rollbackOf));
      }
      SyncExecutor.Outcome o = executor.sync(e.name(), b, options, m -> out.println("  " + m), snapshot);
      writes += o.writes();
      for (SyncExecutor.Step s : o.steps()) {
        if (!s.action().equals("unchanged")) {
          out.println("  " + s.action() + " " + s.ref() + (s.detail().isEmpty() || s.action().startsWith("would") ? "" : ": " + s.detail()));
        }
      }
      String result = o.succeeded() ? "Succeeded" : "Failed: " + o.failure();
      if (started != null) {
        complete(e.name(), b, started.number(), result, o.writes());
      } else if (app && !options.dryRun()) {
        boolean repeat = o.succeeded() && o.writes() == 0 && rollbackOf == 0 && last != null && last.hash().equals(hash)
            && last.result().equals("Succeeded");
        if (!repeat) {
          record(e.name(), b, draft(provenance, hash, b, result, o.writes(), rollbackOf));
        }
      }
      if (!o.succeeded()) {
        err.println("sync of " + b.application() + " failed: " + o.failure());
        return -1;
      }
    }
    return writes;
  }

  private Revision draft(Provenance provenance, String hash, ApplicationBundle b, String result, int writes, int rollbackOf) {
    return new Revision(0, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), who(), provenance.commit(), provenance.dirty(),
        provenance.sets(), hash, HistoryStore.images(b), result, writes, rollbackOf);
  }

  private Revision record(String environment, ApplicationBundle b, Revision draft) {
    try {
      Revision r = history.record(environment, b, draft);
      out.println("  history: revision " + r.number() + (draft.commit() == null ? " (not in Git: cannot be rolled back to)"
          : draft.dirty() ? " (uncommitted changes: cannot be rolled back to)" : ""));
      return r;
    } catch (KubernetesClientException | IllegalStateException ex) {
      err.println("warning: the sync of " + b.application() + " is not in its history: " + ex.getMessage());
      return null;
    }
  }

  private void complete(String environment, ApplicationBundle b, int number, String result, int writes) {
    try {
      history.complete(environment, b, number, result, writes);
    } catch (KubernetesClientException | IllegalStateException ex) {
      err.println("warning: revision " + number + " of " + b.application() + " could not be completed: " + ex.getMessage());
    }
  }

  private static String who() {
    String user = System.getenv("SLIPWAY_USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
  }
}
