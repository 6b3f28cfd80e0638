package dev.slipway.kube.deploy;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.EnvironmentLock;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.SyncReport.ApplicationReport;
import dev.slipway.kube.deploy.SyncReport.Cause;
import dev.slipway.kube.deploy.SyncReport.Failure;
import dev.slipway.kube.deploy.SyncReport.Result;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Syncs an environment's bundles and records each application's revision in its history: what
 * {@code slipway sync}, {@code rollback}, {@code sync --watch} and the server share. Holds the
 * environment's lock (a Lease) for the whole sync; applies environment-wide objects first, then the
 * applications in parallel with a bounded number of workers (waves and {@code dependsOn} order
 * inside each application); prunes only when every apply of the sync succeeded (kro's applyset
 * rule); bounds the whole sync by its timeout.
 *
 * <p>A sync returns a {@link SyncReport}: per application its steps, prunes, revision and failure,
 * and the text {@code slipway sync} prints. The text is also written, as it happens, to the
 * writers given to the constructor (the CLI's stdout and stderr; nothing for the server).
 *
 * <p>One sync at a time per instance: the deadline is set on the shared {@link ClusterClient}.
 */
public final class Deployer {
  /** How many applications sync at once, by default. */
  public static final int DEFAULT_PARALLEL = 4;

  private final ClusterClient client;
  private SyncExecutor executor;
  private final HistoryStore history;
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;
  private int parallel = DEFAULT_PARALLEL;
  private Duration lockWait = Duration.ZERO;
  private String who;
  private java.util.function.Function<ApplicationBundle, SyncExecutor.Snapshot> cache;
  private String continuedRun;
  private int continuedWrites;

  /** A deployer whose text goes only into its reports. */
  public Deployer(ClusterClient client, Clock clock) {
    this(client, clock, new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
  }

  /** A deployer that also writes its text to {@code out} and {@code err} as the sync goes. */
  public Deployer(ClusterClient client, Clock clock, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.executor = new SyncExecutor(client, clock);
    // History is written even when the sync ran out of time: its own client, without the deadline.
    this.history = new HistoryStore(client.withoutDeadline());
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  /**
   * Judges health with the platform's rules (its Lua health scripts before the built-in rules) in
   * the health waits, and in the status of {@link StatusReader}s built on {@link #executor()}.
   */
  public Deployer health(dev.slipway.engine.health.HealthRules rules) {
    this.executor = executor.withHealth(rules);
    return this;
  }

  /** At most {@code n} applications sync at once. */
  public Deployer parallel(int n) {
    this.parallel = Math.max(1, n);
    return this;
  }

  /**
   * Whether a sync takes the environment's lock (default). The server turns it off: there, one
   * replica leads each shard (its own Lease) and its work queue never syncs one application twice
   * at once, so applications of an environment sync side by side.
   */
  public Deployer environmentLock(boolean take) {
    this.environmentLock = take;
    return this;
  }

  private boolean environmentLock = true;

  /** How long to wait for another run's lock on the environment before failing. */
  public Deployer lockWait(Duration wait) {
    this.lockWait = wait;
    return this;
  }

  /**
   * Who the revisions and the lock are recorded for (the server's authenticated user). Default:
   * {@code $SLIPWAY_USER}, else the OS user.
   */
  public Deployer as(String user) {
    this.who = user;
    return this;
  }

  /**
   * For a controller that watches what it owns: compares each application against what
   * {@code cache} holds of it (the informers' copy) instead of listing it, and does not wait for a
   * wave to become healthy ({@link SyncExecutor#yieldingWhileProgressing}). An application whose
   * wave is still rolling out ends its part of the sync {@link SyncReport.Result#PROGRESSING}:
   * nothing of a later wave applied, nothing pruned, no revision recorded yet. The controller syncs
   * it again when its objects change ({@link #continuing}), and the operation ends in the sync that
   * finds its last wave healthy, which records the revision.
   */
  public Deployer fromCache(java.util.function.Function<ApplicationBundle, SyncExecutor.Snapshot> cache) {
    this.cache = cache;
    this.executor = executor.yieldingWhileProgressing();
    return this;
  }

  /**
   * This sync continues one operation that an earlier, progressing sync of the same application
   * began: its run id is kept (the revision carries it) and the earlier writes count in the
   * revision it records.
   */
  public Deployer continuing(String runId, int writesSoFar) {
    this.continuedRun = runId;
    this.continuedWrites = writesSoFar;
    return this;
  }

  public HistoryStore history() {
    return history;
  }

  public SyncExecutor executor() {
    return executor;
  }

  /** The environment's rendered bundles: cluster-wide objects first (unless narrowed to applications), then each application. */
  public static List<ApplicationBundle> bundles(EnvironmentPlan e, boolean appsOnly) {
    List<ApplicationBundle> out = new ArrayList<>();
    if (!appsOnly && !e.clusterObjects().isEmpty()) {
      out.add(new ApplicationBundle(e.name(), SyncExecutor.CLUSTER, null, e.clusterObjects()));
    }
    e.applications().forEach(a -> out.add(a.bundle()));
    return out;
  }

  /**
   * Syncs one application of a planned environment, as {@code slipway sync --env E --app A} does:
   * its bundle only, environment-wide objects untouched.
   *
   * @throws IllegalArgumentException when the plan has no such application
   */
  public SyncReport syncApplication(EnvironmentPlan e, String application, SyncExecutor.Options options, Provenance provenance) {
    ApplicationBundle bundle = e.applications().stream().map(a -> a.bundle()).filter(b -> b.application().equals(application))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no application '" + application + "' in environment " + e.name()));
    return sync(e, List.of(bundle), options, provenance, 0);
  }

  /**
   * Whether the application's newest revision is a rollback: then neither a watch nor automated
   * sync may replace it (Argo CD #9570), only an explicit sync.
   */
  public boolean rolledBack(ApplicationBundle b) {
    if (b.application().equals(SyncExecutor.CLUSTER)) {
      return false;
    }
    List<Revision> revisions = history.list(b.environment(), b);
    return !revisions.isEmpty() && revisions.get(revisions.size() - 1).rollbackOf() > 0;
  }

  /**
   * Syncs the bundles: takes the environment's lock, applies the environment-wide bundle, then the
   * applications in parallel (no new one starts after a failure); then, only when every apply of
   * the whole sync succeeded, says what it will prune and prunes it. Records a revision per
   * application unless dry-running, a failed one included. {@code rollbackOf} is the revision being
   * restored, or 0. The whole sync is bounded by {@code options.timeout()}.
   *
   * @throws KubernetesClientException when the cluster cannot be read before anything was written
   * @throws EnvironmentLock.Held when another run holds the environment's lock
   */
  public SyncReport sync(EnvironmentPlan e, List<ApplicationBundle> bundles, SyncExecutor.Options options, Provenance provenance,
      int rollbackOf) {
    EnvironmentLock lock = options.dryRun() || !environmentLock ? null
        : EnvironmentLock.acquire(client.withoutDeadline(), e.name(), holder(), lockWait, clock);
    // The timeout counts from when the lock is held: waiting for another run is --lock-wait's;
    // an operation carried over several syncs keeps the deadline it started with.
    Instant deadline = options.deadline() != null ? options.deadline() : clock.instant().plus(options.timeout());
    client.deadline(deadline);
    try {
      return new Pass(e, options.until(deadline), provenance, rollbackOf, lock).run(bundles);
    } finally {
      client.deadline(null);
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** One application's part of a sync, between its apply and its prune, with its own output. */
  private static final class Run {
    final ApplicationBundle bundle;
    final boolean app;
    final String hash;
    final String id;
    final StringWriter outText = new StringWriter();
    final StringWriter errText = new StringWriter();
    final PrintWriter out = new PrintWriter(outText, true);
    final PrintWriter err = new PrintWriter(errText, true);
    final StringBuilder transcript = new StringBuilder();
    Revision last;
    Revision started;
    Revision recorded;
    SyncExecutor.Outcome applied;
    SyncExecutor.Outcome pruned;
    int writes;
    String result;
    Failure failure;
    boolean skipped;
    /** Its last wave applied so far is not healthy yet (a {@link Deployer#fromCache} sync): to be continued. */
    boolean progressing;

    Run(ApplicationBundle bundle, String id) {
      this.bundle = bundle;
      this.id = id == null ? UUID.randomUUID().toString() : id;
      this.app = !bundle.application().equals(SyncExecutor.CLUSTER);
      this.hash = HistoryStore.hash(bundle);
    }

    boolean prunesSomething() {
      return applied != null && applied.prunes().stream().anyMatch(SyncExecutor.PruneAction::delete);
    }

    void fail(Failure f) {
      result = "Failed: " + f.message();
      failure = f;
    }

    /** Prints and forgets what this run has said so far. */
    void flush(PrintWriter to, PrintWriter toErr) {
      transcript.append(outText);
      to.print(outText);
      to.flush();
      toErr.print(errText);
      toErr.flush();
      outText.getBuffer().setLength(0);
      errText.getBuffer().setLength(0);
    }

    ApplicationReport report(String environment) {
      List<SyncReport.Step> steps = new ArrayList<>();
      if (applied != null) {
        applied.steps().forEach(s -> steps.add(new SyncReport.Step(s.wave(), s.ref(), s.action(), s.detail())));
      }
      List<SyncReport.Prune> prunes = new ArrayList<>();
      if (applied != null) {
        for (SyncExecutor.PruneAction a : applied.prunes()) {
          // A prune that ran says what it did with each object; one that did not run held back its deletions.
          String outcome = pruned != null ? outcomeOf(a.ref()) : a.delete() ? "held" : "not pruned";
          prunes.add(new SyncReport.Prune(a.ref(), a.delete(), a.reason(), outcome));
        }
      }
      Result r = skipped ? Result.SKIPPED : progressing ? Result.PROGRESSING : result != null && result.equals("Succeeded") ? Result.SUCCEEDED : Result.FAILED;
      Revision rev = started != null ? started : recorded;
      return new ApplicationReport(bundle.application(), environment, rev == null ? null : rev.number(), id, hash, r, steps, prunes,
          writes, failure, transcript.toString());
    }

    private String outcomeOf(String ref) {
      return pruned.steps().stream().filter(s -> s.ref().equals(ref)).map(SyncExecutor.Step::action).findFirst().orElse("held");
    }
  }

  /** Copies everything written to two writers. */
  private static PrintWriter tee(PrintWriter a, StringWriter b) {
    return new PrintWriter(new Writer() {
      @Override
      public void write(char[] cbuf, int off, int len) {
        a.write(cbuf, off, len);
        b.write(cbuf, off, len);
      }

      @Override
      public void flush() {
        a.flush();
      }

      @Override
      public void close() {
        a.flush();
      }
    }, true);
  }

  /** One call of {@link #sync}: its options, its lock and the text it has printed. */
  private final class Pass {
    final EnvironmentPlan e;
    final SyncExecutor.Options options;
    final Provenance provenance;
    final int rollbackOf;
    final EnvironmentLock lock;
    final StringWriter outText = new StringWriter();
    final StringWriter errText = new StringWriter();
    final PrintWriter out = tee(Deployer.this.out, outText);
    final PrintWriter err = tee(Deployer.this.err, errText);
    final List<String> doomed = new ArrayList<>();

    Pass(EnvironmentPlan e, SyncExecutor.Options options, Provenance provenance, int rollbackOf, EnvironmentLock lock) {
      this.e = e;
      this.options = options;
      this.provenance = provenance;
      this.rollbackOf = rollbackOf;
      this.lock = lock;
    }

    SyncReport run(List<ApplicationBundle> bundles) {
      // Many applications: one list per kind for the environment instead of one per kind per application.
      SyncExecutor.Snapshot snapshot = cache == null && bundles.size() > 2 ? executor.snapshot(e.name()) : null;
      List<Run> runs = new ArrayList<>();
      bundles.forEach(b -> runs.add(new Run(b, b.application().equals(SyncExecutor.CLUSTER) ? null : continuedRun)));
      AtomicBoolean failed = new AtomicBoolean();
      Failure interrupted = null;
      AtomicInteger writes = new AtomicInteger();
      List<Run> apps = new ArrayList<>();
      for (Run run : runs) {
        if (run.app) {
          apps.add(run);
        } else {
          // Environment-wide objects (namespaces, node pools) first, alone, on this thread: a
          // cluster that cannot be read is reported as such (nothing was written yet).
          applyOne(run, snapshot, failed, writes, true);
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
            futures.add(pool.submit(() -> applyOne(run, snapshot, failed, writes, false)));
          }
          // Output in the order of the bundles, each application's lines together.
          for (int i = 0; i < apps.size(); i++) {
            try {
              futures.get(i).get();
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
              failed.set(true);
              interrupted = new Failure(Cause.INTERRUPTED, "the sync was interrupted");
              break;
            } catch (ExecutionException ex) {
              // A bug, not a cluster answer (those are outcomes): the application counts as failed.
              failed.set(true);
              Run run = apps.get(i);
              run.applied = new SyncExecutor.Outcome(List.of(), false, "internal error: " + ex.getCause(), 0, List.of());
              run.fail(new Failure(Cause.INTERNAL, "internal error: " + ex.getCause()));
            }
            apps.get(i).flush(out, err);
          }
        } finally {
          pool.shutdownNow();
          try {
            // No request of this sync may still be under way once its lock is released.
            pool.awaitTermination(30, TimeUnit.SECONDS);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        }
      }
      Failure failure = interrupted;
      for (Run run : runs) {
        if (failure == null && run.applied != null && !run.applied.succeeded() && !run.progressing) {
          failure = new Failure(run.failure != null ? run.failure.cause() : Cause.of(run.applied.cause()),
              "sync of " + run.bundle.application() + " failed: " + run.applied.failure());
        }
      }
      if (lock != null && lock.lost() != null && failure == null) {
        failure = new Failure(Cause.LOCK_LOST, lock.lost() + " during this sync");
      }
      writes.addAndGet(prune(runs, failure));
      for (Run run : runs) {
        if (run.result != null && run.result.startsWith("Failed") && failure == null) {
          failure = new Failure(run.failure != null ? run.failure.cause() : Cause.PRUNE,
              "sync of " + run.bundle.application() + " failed: " + run.result.substring("Failed: ".length()));
        }
      }
      List<String> skipped = runs.stream().filter(r -> r.skipped).map(r -> r.bundle.application()).toList();
      if (!skipped.isEmpty()) {
        err.println("not synced after the failure: " + String.join(", ", skipped));
      }
      if (failure != null) {
        err.println(failure.message());
      }
      out.flush();
      err.flush();
      List<ApplicationReport> reports = runs.stream().map(r -> r.report(e.name())).toList();
      return new SyncReport(e.name(), options.dryRun(), reports, writes.get(), failure, skipped, doomed,
          outText.toString(), errText.toString());
    }

    /** Applies one bundle and records it (unless its prune is still to come); never throws for a failure after a write. */
    private void applyOne(Run run, SyncExecutor.Snapshot snapshot, AtomicBoolean failed, AtomicInteger writes, boolean first) {
      ApplicationBundle b = run.bundle;
      if (failed.get()) {
        run.skipped = true;
        return;
      }
      run.out.println("== " + e.name() + "/" + b.application());
      // A sync from the cache reads the history only once the application's part is over: its
      // passes that wait on a wave cost no request but their writes.
      boolean historyFirst = run.app && (cache == null || rollbackOf > 0);
      if (historyFirst) {
        readLast(run);
      }
      if (run.app && !options.dryRun() && rollbackOf > 0) {
        // Recorded before syncing, so a running watch sees the rollback as soon as objects change.
        run.started = record(run, draft(run, HistoryStore.RUNNING, 0));
      }
      try {
        run.applied = executor.apply(e.name(), b, options, m -> run.out.println("  " + m), cache != null ? cache.apply(b) : snapshot);
      } catch (KubernetesClientException ex) {
        if (first && writes.get() == 0 && run.started == null && !failed.get()) {
          failed.set(true);
          throw ex;
        }
        // In a worker other applications may have written already: this application failed, and says why.
        run.applied = new SyncExecutor.Outcome(List.of(), false, "cannot read what Slipway owns of " + b.application() + ": "
            + ex.getMessage(), 0, List.of(), SyncExecutor.Failure.READ);
      }
      printSteps(run.out, run.applied);
      run.writes = run.applied.writes() + (run.app && continuedRun != null ? continuedWrites : 0);
      writes.addAndGet(run.applied.writes());
      if (run.applied.cause() == SyncExecutor.Failure.PROGRESSING) {
        // Not over, not failed: no revision yet, nothing pruned, other applications go on.
        run.progressing = true;
        run.result = "Progressing";
        run.failure = new Failure(Cause.PROGRESSING, run.applied.failure());
        return;
      }
      if (run.app && !historyFirst) {
        readLast(run);
      }
      if (!run.applied.succeeded()) {
        failed.set(true);
        run.fail(new Failure(Cause.of(run.applied.cause()), run.applied.failure()));
        finish(run);
        return;
      }
      run.result = "Succeeded";
      if (!run.prunesSomething()) {
        finish(run);
      }
    }

    /**
     * The prune phase of a sync: only when no apply failed anywhere in it. Lists every deletion
     * before making the first, then deletes in order, stopping at the first failure.
     */
    private int prune(List<Run> runs, Failure failure) {
      List<Run> pruning = runs.stream().filter(Run::prunesSomething).toList();
      if (failure != null) {
        for (Run run : pruning) {
          run.out.println("  not pruned in " + run.bundle.application() + " (an apply failed in this sync): "
              + run.applied.prunes().stream().filter(SyncExecutor.PruneAction::delete).map(SyncExecutor.PruneAction::ref).toList());
          finish(run);
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
          run.fail(new Failure(Cause.LOCK_LOST, "not pruned: " + lock.lost()));
          stopped = true;
          err.println("error: pruning stopped: " + lock.lost());
          finish(run);
          run.flush(out, err);
          continue;
        }
        if (stopped) {
          run.out.println("  not pruned in " + run.bundle.application() + " (an earlier prune failed)");
          finish(run);
          run.flush(out, err);
          continue;
        }
        run.out.println("== " + e.name() + "/" + run.bundle.application() + ": prune");
        SyncExecutor.Outcome o = executor.prune(run.applied.prunes(), options, m -> { });
        run.pruned = o;
        printSteps(run.out, o);
        run.writes += o.writes();
        writes += o.writes();
        if (!o.succeeded()) {
          run.fail(new Failure(Cause.PRUNE, o.failure()));
          stopped = true;
        }
        finish(run);
        run.flush(out, err);
      }
      return writes;
    }

    /** Reads the application's newest revision into the run, and says when it replaces a rollback. */
    private void readLast(Run run) {
      run.last = lastRevision(run);
      if (run.last != null && run.last.rollbackOf() > 0 && rollbackOf == 0 && !run.last.hash().equals(run.hash)) {
        run.out.println("  note: " + run.bundle.application() + " was rolled back to revision " + run.last.rollbackOf() + " by "
            + run.last.who() + " at " + run.last.time() + "; this sync replaces it with the platform's current files");
      }
    }

    /** The application's newest revision; marks revisions an interrupted run left "Running". Damaged history is reported, not fatal. */
    private Revision lastRevision(Run run) {
      try {
        HistoryStore.History h = history.read(e.name(), run.bundle);
        if (h.problem() != null) {
          run.err.println("warning: " + run.bundle.application() + ": " + h.problem());
        }
        if (!options.dryRun() && h.revisions().stream().anyMatch(Revision::running)) {
          List<Integer> marked = history.markInterrupted(e.name(), run.bundle,
              "the sync at " + clock.instant().truncatedTo(ChronoUnit.SECONDS));
          if (!marked.isEmpty()) {
            run.out.println("  note: revision(s) " + marked + " of " + run.bundle.application() + " never completed; marked interrupted");
          }
          h = history.read(e.name(), run.bundle);
        }
        List<Revision> past = h.revisions();
        return past.isEmpty() ? null : past.get(past.size() - 1);
      } catch (KubernetesClientException | IllegalStateException ex) {
        run.err.println("warning: cannot read the history of " + run.bundle.application() + ": " + ex.getMessage());
        return null;
      }
    }

    /** Records (or completes) the application's revision once its part of the sync is over. */
    private void finish(Run run) {
      if (!run.app || options.dryRun()) {
        return;
      }
      if (run.started != null) {
        complete(run, run.started.number(), run.result, run.writes);
        return;
      }
      boolean repeat = run.result.equals("Succeeded") && run.writes == 0 && rollbackOf == 0 && run.last != null
          && run.last.hash().equals(run.hash) && run.last.result().equals("Succeeded");
      if (!repeat) {
        run.recorded = record(run, draft(run, run.result, run.writes));
      }
    }

    private Revision draft(Run run, String result, int writes) {
      ApplicationBundle b = run.bundle;
      return new Revision(0, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), who(), provenance.commit(), provenance.dirty(),
          provenance.sets(), run.hash, HistoryStore.images(b), result, writes, rollbackOf, run.id);
    }

    private Revision record(Run run, Revision draft) {
      try {
        Revision r = history.record(e.name(), run.bundle, draft);
        run.out.println("  history: revision " + r.number() + (draft.commit() == null ? " (not in Git: cannot be rolled back to)"
            : draft.dirty() ? " (uncommitted changes: cannot be rolled back to)" : ""));
        return r;
      } catch (KubernetesClientException | IllegalStateException ex) {
        run.err.println("warning: the sync of " + run.bundle.application() + " is not in its history: " + ex.getMessage());
        return null;
      }
    }

    private void complete(Run run, int number, String result, int writes) {
      try {
        history.complete(e.name(), run.bundle, number, result, writes, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
      } catch (KubernetesClientException | IllegalStateException ex) {
        run.err.println("warning: revision " + number + " of " + run.bundle.application() + " could not be completed: " + ex.getMessage());
      }
    }
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

  private String who() {
    if (who != null) {
      return who;
    }
    String user = System.getenv("SLIPWAY_USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
  }

  /** Who holds the environment's lock: the user, the host and the process, plus a unique part. */
  private String holder() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return who() + "@" + host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}
