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
import dev.slipway.kube.EnvironmentLock;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Syncs an environment's bundles and records each application's revision in its history: what
 * {@code sync}, {@code rollback} and the watch share. Holds the environment's lock (a Lease) for
 * the whole sync; applies environment-wide objects first, then the applications in parallel with
 * a bounded number of workers (waves and {@code dependsOn} order inside each application); prunes
 * only when every apply succeeded; bounds the whole sync by its timeout.
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

  /** How many applications sync at once, by default. */
  static final int DEFAULT_PARALLEL = 4;

  private final ClusterClient client;
  private final SyncExecutor executor;
  private final HistoryStore history;
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private int parallel = DEFAULT_PARALLEL;
  private Duration lockWait = Duration.ZERO;

  Deployer(ClusterClient client, Clock clock, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.executor = new SyncExecutor(client, clock);
    // History is written even when the sync ran out of time: its own client, without the deadline.
    this.history = new HistoryStore(client.withoutDeadline());
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  /** At most {@code n} applications sync at once. */
  Deployer parallel(int n) {
    this.parallel = Math.max(1, n);
    return this;
  }

  /** How long to wait for another run's lock on the environment before failing. */
  Deployer lockWait(Duration wait) {
    this.lockWait = wait;
    return this;
  }

  HistoryStore history() {
    return history;
  }

  SyncExecutor executor() {
    return executor;
  }

  /** One application's part of a sync, between its apply and its prune, with its own output. */
  private static final class Run {
    final ApplicationBundle bundle;
    final boolean app;
    final String hash;
    final String id = java.util.UUID.randomUUID().toString();
    final StringWriter outText = new StringWriter();
    final StringWriter errText = new StringWriter();
    final PrintWriter out = new PrintWriter(outText, true);
    final PrintWriter err = new PrintWriter(errText, true);
    Revision last;
    Revision started;
    SyncExecutor.Outcome applied;
    int writes;
    String result;
    boolean skipped;

    Run(ApplicationBundle bundle) {
      this.bundle = bundle;
      this.app = !bundle.application().equals(SyncExecutor.CLUSTER);
      this.hash = HistoryStore.hash(bundle);
    }

    boolean prunesSomething() {
      return applied != null && applied.prunes().stream().anyMatch(SyncExecutor.PruneAction::delete);
    }

    /** Prints and forgets what this run has said so far. */
    void flush(PrintWriter to, PrintWriter toErr) {
      to.print(outText);
      to.flush();
      toErr.print(errText);
      toErr.flush();
      outText.getBuffer().setLength(0);
      errText.getBuffer().setLength(0);
    }
  }

  /**
   * Syncs the bundles: takes the environment's lock, applies the environment-wide bundle, then the
   * applications in parallel (no new one starts after a failure); then, only when every apply of
   * the whole sync succeeded, says what it will prune and prunes it. Records a revision per
   * application unless dry-running, a failed one included. {@code rollbackOf} is the revision being
   * restored, or 0. The whole sync is bounded by {@code options.timeout()}.
   *
   * @return the number of writes, or -1 when the sync failed
   * @throws KubernetesClientException when the cluster cannot be read before anything was written
   * @throws EnvironmentLock.Held when another run holds the environment's lock
   */
  int deploy(EnvironmentPlan e, List<ApplicationBundle> bundles, SyncExecutor.Options options, Provenance provenance, int rollbackOf) {
    EnvironmentLock lock = options.dryRun() ? null
        : EnvironmentLock.acquire(client.withoutDeadline(), e.name(), holder(), lockWait, clock);
    // The timeout counts from when the lock is held: waiting for another run is --lock-wait's.
    Instant deadline = clock.instant().plus(options.timeout());
    SyncExecutor.Options bounded = options.until(deadline);
    client.deadline(deadline);
    try {
      return deployLocked(e, bundles, bounded, provenance, rollbackOf, lock);
    } finally {
      client.deadline(null);
      if (lock != null) {
        lock.close();
      }
    }
  }

  private int deployLocked(EnvironmentPlan e, List<ApplicationBundle> bundles, SyncExecutor.Options options, Provenance provenance,
      int rollbackOf, EnvironmentLock lock) {
    // Many applications: one list per kind for the environment instead of one per kind per application.
    SyncExecutor.Snapshot snapshot = bundles.size() > 2 ? executor.snapshot(e.name()) : null;
    List<Run> runs = new ArrayList<>();
    bundles.forEach(b -> runs.add(new Run(b)));
    AtomicBoolean failed = new AtomicBoolean();
    String interrupted = null;
    java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
    // Environment-wide objects (namespaces, node pools) first, alone.
    List<Run> apps = new ArrayList<>();
    for (Run run : runs) {
      if (run.app) {
        apps.add(run);
      } else {
        // Environment-wide objects first, on this thread: a cluster that cannot be read is reported
        // as such (nothing was written yet).
        applyOne(e, run, options, provenance, rollbackOf, snapshot, failed, writes, true);
        run.flush(out, err);
      }
    }
    if (!apps.isEmpty()) {
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, apps.size()), r -> {
        Thread t = new Thread(r, "slipway-sync");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (Run run : apps) {
          futures.add(pool.submit(() -> applyOne(e, run, options, provenance, rollbackOf, snapshot, failed, writes, false)));
        }
        // Output in the order of the bundles, each application's lines together.
        for (int i = 0; i < apps.size(); i++) {
          try {
            futures.get(i).get();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            failed.set(true);
            interrupted = "the sync was interrupted";
            break;
          } catch (java.util.concurrent.ExecutionException ex) {
            // A bug, not a cluster answer (those are outcomes): the application counts as failed.
            failed.set(true);
            Run run = apps.get(i);
            run.applied = new SyncExecutor.Outcome(List.of(), false, "internal error: " + ex.getCause(), 0, List.of());
            run.result = "Failed: internal error: " + ex.getCause();
          }
          apps.get(i).flush(out, err);
        }
      } finally {
        pool.shutdownNow();
        try {
          // No request of this sync may still be under way once its lock is released.
          pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
    }
    String failure = interrupted;
    for (Run run : runs) {
      if (failure == null && run.applied != null && !run.applied.succeeded()) {
        failure = "sync of " + run.bundle.application() + " failed: " + run.applied.failure();
      }
    }
    if (lock != null && lock.lost() != null && failure == null) {
      failure = lock.lost() + " during this sync";
    }
    writes.addAndGet(prune(e, runs, options, provenance, rollbackOf, failure, lock));
    for (Run run : runs) {
      if (run.result != null && run.result.startsWith("Failed") && failure == null) {
        failure = "sync of " + run.bundle.application() + " failed: " + run.result.substring("Failed: ".length());
      }
    }
    List<String> skipped = runs.stream().filter(r -> r.skipped).map(r -> r.bundle.application()).toList();
    if (!skipped.isEmpty()) {
      err.println("not synced after the failure: " + String.join(", ", skipped));
    }
    if (failure != null) {
      err.println(failure);
      return -1;
    }
    return writes.get();
  }

  /** Applies one bundle and records it (unless its prune is still to come); never throws for a failure after a write. */
  private void applyOne(EnvironmentPlan e, Run run, SyncExecutor.Options options, Provenance provenance, int rollbackOf,
      SyncExecutor.Snapshot snapshot, AtomicBoolean failed, java.util.concurrent.atomic.AtomicInteger writes, boolean first) {
    ApplicationBundle b = run.bundle;
    if (failed.get()) {
      run.skipped = true;
      return;
    }
    run.out.println("== " + e.name() + "/" + b.application());
    if (run.app) {
      run.last = lastRevision(e.name(), run, options);
    }
    if (run.last != null && run.last.rollbackOf() > 0 && rollbackOf == 0 && !run.last.hash().equals(run.hash)) {
      run.out.println("  note: " + b.application() + " was rolled back to revision " + run.last.rollbackOf() + " by " + run.last.who()
          + " at " + run.last.time() + "; this sync replaces it with the platform's current files");
    }
    if (run.app && !options.dryRun() && rollbackOf > 0) {
      // Recorded before syncing, so a running watch sees the rollback as soon as objects change.
      run.started = record(e.name(), run, draft(provenance, run, HistoryStore.RUNNING, 0, rollbackOf));
    }
    try {
      run.applied = executor.apply(e.name(), b, options, m -> run.out.println("  " + m), snapshot);
    } catch (KubernetesClientException ex) {
      if (first && writes.get() == 0 && run.started == null && !failed.get()) {
        failed.set(true);
        throw ex;
      }
      // In a worker other applications may have written already: this application failed, and says why.
      run.applied = new SyncExecutor.Outcome(List.of(), false, "cannot read what Slipway owns of " + b.application() + ": "
          + ex.getMessage(), 0, List.of());
    }
    printSteps(run.out, run.applied);
    run.writes = run.applied.writes();
    writes.addAndGet(run.writes);
    if (!run.applied.succeeded()) {
      failed.set(true);
      run.result = "Failed: " + run.applied.failure();
      finish(e.name(), run, options, provenance, rollbackOf);
      return;
    }
    run.result = "Succeeded";
    if (!run.prunesSomething()) {
      finish(e.name(), run, options, provenance, rollbackOf);
    }
  }

  /**
   * The prune phase of a sync: only when no apply failed anywhere in it. Lists every deletion before
   * making the first, then deletes in order, stopping at the first failure.
   */
  private int prune(EnvironmentPlan e, List<Run> runs, SyncExecutor.Options options, Provenance provenance, int rollbackOf,
      String failure, EnvironmentLock lock) {
    List<Run> pruning = runs.stream().filter(Run::prunesSomething).toList();
    if (failure != null) {
      for (Run run : pruning) {
        run.out.println("  not pruned in " + run.bundle.application() + " (an apply failed in this sync): "
            + run.applied.prunes().stream().filter(SyncExecutor.PruneAction::delete).map(SyncExecutor.PruneAction::ref).toList());
        finish(e.name(), run, options, provenance, rollbackOf);
        run.flush(out, err);
      }
      return 0;
    }
    for (Run run : runs) {
      if (!run.prunesSomething() && run.applied != null) {
        printSteps(out, keptOnly(run.applied));
      }
    }
    if (pruning.isEmpty()) {
      return 0;
    }
    List<String> doomed = new ArrayList<>();
    pruning.forEach(r -> r.applied.prunes().stream().filter(SyncExecutor.PruneAction::delete)
        .forEach(a -> doomed.add(r.bundle.application() + ": " + a.ref() + (a.reason().isEmpty() ? "" : " (" + a.reason() + ")"))));
    out.println("== prune: " + (options.dryRun() ? "would delete " : "deleting ") + doomed.size() + " object(s) no longer rendered");
    doomed.forEach(d -> out.println("  " + d));
    out.flush();
    int writes = 0;
    boolean stopped = false;
    for (Run run : pruning) {
      if (!stopped && lock != null && lock.lost() != null) {
        // Another run may be syncing now: deleting what this run thinks is stale could undo its work.
        run.result = "Failed: not pruned: " + lock.lost();
        stopped = true;
        err.println("error: pruning stopped: " + lock.lost());
        finish(e.name(), run, options, provenance, rollbackOf);
        run.flush(out, err);
        continue;
      }
      if (stopped) {
        run.out.println("  not pruned in " + run.bundle.application() + " (an earlier prune failed)");
        finish(e.name(), run, options, provenance, rollbackOf);
        run.flush(out, err);
        continue;
      }
      run.out.println("== " + e.name() + "/" + run.bundle.application() + ": prune");
      SyncExecutor.Outcome o = executor.prune(run.applied.prunes(), options, m -> { });
      printSteps(run.out, o);
      run.writes += o.writes();
      writes += o.writes();
      if (!o.succeeded()) {
        run.result = "Failed: " + o.failure();
        stopped = true;
      }
      finish(e.name(), run, options, provenance, rollbackOf);
      run.flush(out, err);
    }
    return writes;
  }

  private static SyncExecutor.Outcome keptOnly(SyncExecutor.Outcome applied) {
    List<SyncExecutor.Step> steps = applied.prunes().stream()
        .map(a -> new SyncExecutor.Step(a.ref(), "not pruned", a.reason()))
        .toList();
    return new SyncExecutor.Outcome(steps, true, null, 0, List.of());
  }

  private static void printSteps(PrintWriter to, SyncExecutor.Outcome o) {
    for (SyncExecutor.Step s : o.steps()) {
      if (!s.action().equals("unchanged")) {
        to.println("  " + s.action() + " " + s.ref() + (s.detail().isEmpty() || s.action().startsWith("would") ? "" : ": " + s.detail()));
      }
    }
  }

  /** The application's newest revision; marks revisions an interrupted run left "Running". Damaged history is reported, not fatal. */
  private Revision lastRevision(String environment, Run run, SyncExecutor.Options options) {
    try {
      HistoryStore.History h = history.read(environment, run.bundle);
      if (h.problem() != null) {
        run.err.println("warning: " + run.bundle.application() + ": " + h.problem());
      }
      if (!options.dryRun() && h.revisions().stream().anyMatch(Revision::running)) {
        List<Integer> marked = history.markInterrupted(environment, run.bundle, "the sync at " + clock.instant().truncatedTo(ChronoUnit.SECONDS));
        if (!marked.isEmpty()) {
          run.out.println("  note: revision(s) " + marked + " of " + run.bundle.application() + " never completed; marked interrupted");
        }
        h = history.read(environment, run.bundle);
      }
      List<Revision> past = h.revisions();
      return past.isEmpty() ? null : past.get(past.size() - 1);
    } catch (KubernetesClientException | IllegalStateException ex) {
      run.err.println("warning: cannot read the history of " + run.bundle.application() + ": " + ex.getMessage());
      return null;
    }
  }

  /** Records (or completes) the application's revision once its part of the sync is over. */
  private void finish(String environment, Run run, SyncExecutor.Options options, Provenance provenance, int rollbackOf) {
    if (!run.app || options.dryRun()) {
      return;
    }
    if (run.started != null) {
      complete(environment, run, run.started.number(), run.result, run.writes);
      return;
    }
    boolean repeat = run.result.equals("Succeeded") && run.writes == 0 && rollbackOf == 0 && run.last != null
        && run.last.hash().equals(run.hash) && run.last.result().equals("Succeeded");
    if (!repeat) {
      record(environment, run, draft(provenance, run, run.result, run.writes, rollbackOf));
    }
  }

  private Revision draft(Provenance provenance, Run run, String result, int writes, int rollbackOf) {
    ApplicationBundle b = run.bundle;
    return new Revision(0, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), who(), provenance.commit(), provenance.dirty(),
        provenance.sets(), run.hash, HistoryStore.images(b), result, writes, rollbackOf, run.id);
  }

  private Revision record(String environment, Run run, Revision draft) {
    try {
      Revision r = history.record(environment, run.bundle, draft);
      run.out.println("  history: revision " + r.number() + (draft.commit() == null ? " (not in Git: cannot be rolled back to)"
          : draft.dirty() ? " (uncommitted changes: cannot be rolled back to)" : ""));
      return r;
    } catch (KubernetesClientException | IllegalStateException ex) {
      run.err.println("warning: the sync of " + run.bundle.application() + " is not in its history: " + ex.getMessage());
      return null;
    }
  }

  private void complete(String environment, Run run, int number, String result, int writes) {
    try {
      history.complete(environment, run.bundle, number, result, writes);
    } catch (KubernetesClientException | IllegalStateException ex) {
      run.err.println("warning: revision " + number + " of " + run.bundle.application() + " could not be completed: " + ex.getMessage());
    }
  }

  private static String who() {
    String user = System.getenv("SLIPWAY_USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
  }

  /** Who holds the environment's lock: the user, the host and the process, plus a unique part. */
  private static String holder() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return who() + "@" + host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }
}
