package dev.slipway.cli;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.git.PlatformRepository;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
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

  Deployer(ClusterClient client, Clock clock, PrintWriter out, PrintWriter err) {
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

  /** One application's part of a sync, between its apply and its prune. */
  private static final class Run {
    final ApplicationBundle bundle;
    final boolean app;
    final String hash;
    final String id = java.util.UUID.randomUUID().toString();
    Revision last;
    Revision started;
    SyncExecutor.Outcome applied;
    int writes;
    String result;

    Run(ApplicationBundle bundle) {
      this.bundle = bundle;
      this.app = !bundle.application().equals(SyncExecutor.CLUSTER);
      this.hash = HistoryStore.hash(bundle);
    }

    boolean prunesSomething() {
      return applied != null && applied.prunes().stream().anyMatch(SyncExecutor.PruneAction::delete);
    }
  }

  /**
   * Syncs the bundles: applies each in order, stopping at the first failure; then, only when every
   * apply of the whole sync succeeded, says what it will prune and prunes it. Records a revision per
   * application unless dry-running, a failed one included. {@code rollbackOf} is the revision being
   * restored, or 0.
   *
   * @return the number of writes, or -1 when the sync failed
   * @throws KubernetesClientException when the cluster cannot be read before anything was written
   */
  int deploy(EnvironmentPlan e, List<ApplicationBundle> bundles, SyncExecutor.Options options, Provenance provenance, int rollbackOf) {
    int writes = 0;
    // Many applications: one list per kind for the environment instead of one per kind per application.
    SyncExecutor.Snapshot snapshot = bundles.size() > 2 ? executor.snapshot(e.name()) : null;
    List<Run> runs = new java.util.ArrayList<>();
    String failure = null;
    for (ApplicationBundle b : bundles) {
      out.println("== " + e.name() + "/" + b.application());
      Run run = new Run(b);
      runs.add(run);
      if (run.app) {
        run.last = lastRevision(e.name(), run, options);
      }
      if (run.last != null && run.last.rollbackOf() > 0 && rollbackOf == 0 && !run.last.hash().equals(run.hash)) {
        out.println("  note: " + b.application() + " was rolled back to revision " + run.last.rollbackOf() + " by " + run.last.who() + " at "
            + run.last.time() + "; this sync replaces it with the platform's current files");
      }
      if (run.app && !options.dryRun() && rollbackOf > 0) {
        // Recorded before syncing, so a running watch sees the rollback as soon as objects change.
        run.started = record(e.name(), b, draft(provenance, run, HistoryStore.RUNNING, 0, rollbackOf));
      }
      try {
        run.applied = executor.apply(e.name(), b, options, m -> out.println("  " + m), snapshot);
      } catch (KubernetesClientException ex) {
        if (writes == 0 && run.started == null) {
          throw ex;
        }
        String why = "cannot read what Slipway owns of " + b.application() + ": " + ex.getMessage();
        run.applied = new SyncExecutor.Outcome(List.of(), false, why, 0, List.of());
      }
      printSteps(run.applied);
      run.writes = run.applied.writes();
      writes += run.writes;
      if (!run.applied.succeeded()) {
        failure = "sync of " + b.application() + " failed: " + run.applied.failure();
        run.result = "Failed: " + run.applied.failure();
        finish(e.name(), run, options, provenance, rollbackOf);
        break;
      }
      run.result = "Succeeded";
      if (!run.prunesSomething()) {
        finish(e.name(), run, options, provenance, rollbackOf);
      }
    }
    writes += prune(e, runs, options, provenance, rollbackOf, failure);
    for (Run run : runs) {
      if (run.result != null && run.result.startsWith("Failed") && failure == null) {
        failure = "sync of " + run.bundle.application() + " failed: " + run.result.substring("Failed: ".length());
      }
    }
    if (failure != null) {
      err.println(failure + (options.prune() ? " (nothing was pruned after the failure)" : ""));
      return -1;
    }
    return writes;
  }

  /**
   * The prune phase of a sync: only when no apply failed anywhere in it. Lists every deletion before
   * making the first, then deletes in order, stopping at the first failure.
   */
  private int prune(EnvironmentPlan e, List<Run> runs, SyncExecutor.Options options, Provenance provenance, int rollbackOf,
      String failure) {
    List<Run> pruning = runs.stream().filter(Run::prunesSomething).toList();
    if (failure != null) {
      for (Run run : pruning) {
        out.println("  not pruned in " + run.bundle.application() + " (an apply failed in this sync): "
            + run.applied.prunes().stream().filter(SyncExecutor.PruneAction::delete).map(SyncExecutor.PruneAction::ref).toList());
        finish(e.name(), run, options, provenance, rollbackOf);
      }
      runs.stream().filter(r -> r.applied != null && r.applied.succeeded() && !pruning.contains(r))
          .forEach(r -> printSteps(keptOnly(r.applied)));
      return 0;
    }
    for (Run run : runs) {
      if (!run.prunesSomething() && run.applied != null) {
        printSteps(keptOnly(run.applied));
      }
    }
    if (pruning.isEmpty()) {
      return 0;
    }
    List<String> doomed = new java.util.ArrayList<>();
    pruning.forEach(r -> r.applied.prunes().stream().filter(SyncExecutor.PruneAction::delete)
        .forEach(a -> doomed.add(r.bundle.application() + ": " + a.ref() + (a.reason().isEmpty() ? "" : " (" + a.reason() + ")"))));
    out.println("== prune: " + (options.dryRun() ? "would delete " : "deleting ") + doomed.size() + " object(s) no longer rendered");
    doomed.forEach(d -> out.println("  " + d));
    out.flush();
    int writes = 0;
    boolean stopped = false;
    for (Run run : pruning) {
      if (stopped) {
        out.println("  not pruned in " + run.bundle.application() + " (an earlier prune failed)");
        finish(e.name(), run, options, provenance, rollbackOf);
        continue;
      }
      out.println("== " + e.name() + "/" + run.bundle.application() + ": prune");
      SyncExecutor.Outcome o = executor.prune(run.applied.prunes(), options, m -> { });
      printSteps(o);
      run.writes += o.writes();
      writes += o.writes();
      if (!o.succeeded()) {
        run.result = "Failed: " + o.failure();
        stopped = true;
      }
      finish(e.name(), run, options, provenance, rollbackOf);
    }
    return writes;
  }

  private static SyncExecutor.Outcome keptOnly(SyncExecutor.Outcome applied) {
    List<SyncExecutor.Step> steps = applied.prunes().stream()
        .map(a -> new SyncExecutor.Step(a.ref(), a.ref().startsWith("PersistentVolumeClaim/") ? "kept" : "not pruned", a.reason()))
        .toList();
    return new SyncExecutor.Outcome(steps, true, null, 0, List.of());
  }

  private void printSteps(SyncExecutor.Outcome o) {
    for (SyncExecutor.Step s : o.steps()) {
      if (!s.action().equals("unchanged")) {
        out.println("  " + s.action() + " " + s.ref() + (s.detail().isEmpty() || s.action().startsWith("would") ? "" : ": " + s.detail()));
      }
    }
  }

  /** The application's newest revision; marks revisions an interrupted run left "Running". Damaged history is reported, not fatal. */
  private Revision lastRevision(String environment, Run run, SyncExecutor.Options options) {
    try {
      HistoryStore.History h = history.read(environment, run.bundle);
      if (h.problem() != null) {
        err.println("warning: " + run.bundle.application() + ": " + h.problem());
      }
      if (!options.dryRun() && h.revisions().stream().anyMatch(Revision::running)) {
        List<Integer> marked = history.markInterrupted(environment, run.bundle, "the sync at " + clock.instant().truncatedTo(ChronoUnit.SECONDS));
        if (!marked.isEmpty()) {
          out.println("  note: revision(s) " + marked + " of " + run.bundle.application() + " never completed; marked interrupted");
        }
        h = history.read(environment, run.bundle);
      }
      List<Revision> past = h.revisions();
      return past.isEmpty() ? null : past.get(past.size() - 1);
    } catch (KubernetesClientException | IllegalStateException ex) {
      err.println("warning: cannot read the history of " + run.bundle.application() + ": " + ex.getMessage());
      return null;
    }
  }

  /** Records (or completes) the application's revision once its part of the sync is over. */
  private void finish(String environment, Run run, SyncExecutor.Options options, Provenance provenance, int rollbackOf) {
    if (!run.app || options.dryRun()) {
      return;
    }
    if (run.started != null) {
      complete(environment, run.bundle, run.started.number(), run.result, run.writes);
      return;
    }
    boolean repeat = run.result.equals("Succeeded") && run.writes == 0 && rollbackOf == 0 && run.last != null
        && run.last.hash().equals(run.hash) && run.last.result().equals("Succeeded");
    if (!repeat) {
      record(environment, run.bundle, draft(provenance, run, run.result, run.writes, rollbackOf));
    }
  }

  private Revision draft(Provenance provenance, Run run, String result, int writes, int rollbackOf) {
    ApplicationBundle b = run.bundle;
    return new Revision(0, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), who(), provenance.commit(), provenance.dirty(),
        provenance.sets(), run.hash, HistoryStore.images(b), result, writes, rollbackOf, run.id);
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
