package dev.slipway.server.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.engine.reconcile.Decision;
import dev.slipway.engine.reconcile.ReconcileInput;
import dev.slipway.engine.reconcile.Reconciler;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.sync.DiffPlanner;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.engine.sync.ObjectDiff;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.ClusterFailure;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.OwnedWatch;
import dev.slipway.kube.RateLimiter;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.control.WorkQueue;
import dev.slipway.kube.deploy.Deployer;
import dev.slipway.kube.deploy.Provenance;
import dev.slipway.kube.deploy.Rollback;
import dev.slipway.kube.deploy.StatusReader;
import dev.slipway.kube.deploy.SyncReport;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.server.api.ActionResult;
import dev.slipway.server.api.ApplicationDetail;
import dev.slipway.server.api.ApplicationDiff;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.ControlPlane;
import dev.slipway.server.api.CostBreakdown;
import dev.slipway.server.api.EnvironmentInfo;
import dev.slipway.server.api.Finding;
import dev.slipway.server.api.HistoryEntry;
import dev.slipway.server.api.Operation;
import dev.slipway.server.api.PushResult;
import dev.slipway.server.api.ResourceGroup;
import dev.slipway.server.api.ResourceObject;
import dev.slipway.server.api.SpecProblem;
import dev.slipway.server.api.StatusEvent;
import dev.slipway.server.api.SyncOptions;
import dev.slipway.server.api.SyncState;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The continuous GitOps controller behind {@code slipway serve}: reads the platform (a directory
 * or a mirrored branch) on every poll and push, renders what changed, and reconciles every
 * application × environment it is responsible for through a de-duplicating work queue with
 * back-off and a bounded number of workers. What to do for one application is decided by the
 * engine's pure {@link Reconciler}; this class gathers its inputs (rendered plan, the informers'
 * view of the cluster, history, pins) and carries out the decision through the same
 * {@link Deployer} the CLI uses.
 *
 * <p>The live state comes from informers, one per kind per environment ({@link OwnedWatch}):
 * reading an application's status costs no request; a change of an owned object queues its
 * application. An unreachable cluster is reported on its applications and retried with back-off;
 * the other environments carry on.
 */
public final class Controller implements ControlPlane, AutoCloseable {
  /** How the controller runs. */
  public record Settings(int workers, Duration poll, Duration syncTimeout, Duration resync, Set<String> environments,
      double qps, int burst, boolean simulated, String branch) {
    public static Settings defaults() {
      return new Settings(4, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5), Set.of(),
          ClusterClient.DEFAULT_QPS, ClusterClient.DEFAULT_BURST, false, null);
    }

    public Settings withWorkers(int n) {
      return new Settings(n, poll, syncTimeout, resync, environments, qps, burst, simulated, branch);
    }

    public Settings withPoll(Duration d) {
      return new Settings(workers, d, syncTimeout, resync, environments, qps, burst, simulated, branch);
    }

    public Settings withSyncTimeout(Duration d) {
      return new Settings(workers, poll, d, resync, environments, qps, burst, simulated, branch);
    }

    public Settings withResync(Duration d) {
      return new Settings(workers, poll, syncTimeout, d, environments, qps, burst, simulated, branch);
    }

    public Settings withEnvironments(Set<String> envs) {
      return new Settings(workers, poll, syncTimeout, resync, envs, qps, burst, simulated, branch);
    }

    public Settings withRateLimit(double q, int b) {
      return new Settings(workers, poll, syncTimeout, resync, environments, q, b, simulated, branch);
    }

    public Settings withSimulated(boolean s) {
      return new Settings(workers, poll, syncTimeout, resync, environments, qps, burst, s, branch);
    }

    public Settings withBranch(String b) {
      return new Settings(workers, poll, syncTimeout, resync, environments, qps, burst, simulated, b);
    }
  }

  /** Opens a client for an environment's cluster (its kubeconfig context). */
  @FunctionalInterface
  public interface Clusters {
    KubernetesClient connect(EnvironmentSpec environment) throws IOException;
  }

  /** Whether this replica may write for an application now: it leads the application's shard. */
  @FunctionalInterface
  public interface Responsibility {
    boolean writes(String application);

    /** Every application belongs to this replica and it always writes (one replica, no election). */
    Responsibility ALL = app -> true;
  }

  record Key(String application, String environment) {
    @Override
    public String toString() {
      return application + "/" + environment;
    }
  }

  /** What the controller knows of one application in one environment. */
  private static final class Cell {
    volatile ApplicationStatus status;
    volatile List<ResourceGroup> resources = List.of();
    volatile List<HistoryEntry> history = List.of();
    volatile Operation lastOperation;
    volatile List<Drift> diffs = List.of();
    ReconcileInput.LastSync last;
    int pinnedRevision;
    /** The newest history revision seen; an unpin acknowledges rollbacks up to it. */
    int newestRevision;
    /** Rollback revisions up to this one were unpinned: history no longer pins them again. */
    int unpinnedThrough;
    boolean paused;
    /** An explicit sync asked for through the API: done whatever the sync policy says. */
    SyncOptions requested;
    String requestedBy;
    String requestedId;
    /** The sync under way: its waves are applied as they become healthy, one reconcile at a time. */
    InFlight inFlight;
    /**
     * Whether this replica, writing for the application, has taken the pin and pause recorded in the
     * cluster: from then on it records every change it makes, so its memory is the newest; a replica
     * that does not write takes them from the cache at every reconcile.
     */
    boolean controlsAdopted;
    /**
     * Held while the application's objects are written: by a pass of a sync ({@link #advance}) and
     * by a whole rollback, so that the two never write at once.
     */
    final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    /** Held across a change of the pin or pause and its write to the cluster, so that concurrent changes are not lost. */
    final Object controls = new Object();
    /** Environment-wide objects: since when their sync has been waiting for a wave (null when it is not). */
    Instant progressingSince;
  }

  /**
   * A sync operation that is not over: started by an automated sync, a self-heal or an explicit
   * request, carried on by the reconciles its objects' changes cause, without holding a worker
   * while a rollout takes its time (as Argo CD's operation state).
   *
   * @param writes objects written by the operation so far
   * @param steps what was done to each object so far, by reference, in sync order
   */
  private record InFlight(Operation running, String who, boolean prune, String reason, Instant deadline, int writes,
      Map<String, Operation.OperationStep> steps, String hash) {}

  /** One environment's cluster: client, informers, and why it cannot be used (null when it can). */
  private final class Cluster {
    final EnvironmentSpec spec;
    volatile KubernetesClient kube;
    volatile ClusterClient client;
    volatile OwnedWatch watch;
    volatile String problem;
    volatile Instant retryAt = Instant.EPOCH;
    int failures;

    Cluster(EnvironmentSpec spec) {
      this.spec = spec;
    }

    /** Connects and starts the informers when not yet done; false (with {@link #problem}) when the cluster cannot be used now. */
    synchronized boolean ready() {
      if (watch != null && watch.failure() == null) {
        return true;
      }
      if (clock.instant().isBefore(retryAt)) {
        return false;
      }
      closeQuietly();
      try {
        kube = clusters.connect(spec);
        client = new ClusterClient(kube, ClusterClient.RetryPolicy.DEFAULT, limiter(spec.name()));
        watch = new OwnedWatch(kube, spec.name(), app -> changed(new Key(app, spec.name())));
        problem = null;
        failures = 0;
        return true;
      } catch (IOException | RuntimeException e) {
        failures++;
        problem = "cannot use the cluster of " + spec.name() + " (context " + spec.cluster().context() + "): "
            + (e instanceof ClusterFailure f ? f.getMessage() : String.valueOf(e.getMessage()));
        retryAt = clock.instant().plus(queue.backoff(Math.min(failures, 8)));
        log.warn("cluster unavailable", "environment", spec.name(), "problem", problem);
        closeQuietly();
        return false;
      }
    }

    void closeQuietly() {
      if (watch != null) {
        watch.close();
        watch = null;
      }
      if (kube != null) {
        kube.close();
        kube = null;
      }
    }
  }

  private final PlatformSource source;
  private final Clusters clusters;
  private final Settings settings;
  private final Responsibility responsibility;
  private final ServerMetrics metrics;
  private final JsonLog log;
  private final Clock clock;
  private final ServerRollouts rollouts;
  private final WorkQueue<Key> queue;
  private final Map<Key, Cell> cells = new ConcurrentHashMap<>();
  /** Per environment, the state of its environment-wide objects (not an application of the matrix). */
  private final Map<String, Cell> clusterCells = new ConcurrentHashMap<>();
  private final Map<String, Cluster> environmentClusters = new ConcurrentHashMap<>();
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
  private final List<Consumer<StatusEvent>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<dev.slipway.model.spec.PlatformSpec>> platformListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean polled = new AtomicBoolean();
  private final Object pollLock = new Object();
  private volatile Rendered rendered;
  private volatile InputDigest digest;
  private volatile String pollProblem;
  private ScheduledExecutorService scheduler;
  private ExecutorService workers;
  /** Long actions asked through the API (rollbacks), beside the reconcile workers, which never finish. */
  private ExecutorService operations;
  private volatile boolean stopped;

  public Controller(PlatformSource source, Clusters clusters, Settings settings, Responsibility responsibility, ServerMetrics metrics,
      JsonLog.Sink logSink, Clock clock) {
    this.source = source;
    this.clusters = clusters;
    this.settings = settings;
    this.responsibility = responsibility;
    this.metrics = metrics;
    this.log = new JsonLog("controller", logSink);
    this.clock = clock;
    this.rollouts = new ServerRollouts(clock);
    this.queue = new WorkQueue<>(clock, Duration.ofSeconds(1), Duration.ofMinutes(5));
  }

  // ---------------------------------------------------------------------------------------------
  // Running

  /** Reads the platform once, then starts the poller and the workers. */
  public Controller start() {
    scheduler = Executors.newScheduledThreadPool(1, daemon("slipway-poll"));
    workers = Executors.newFixedThreadPool(settings.workers(), daemon("slipway-reconcile"));
    operations = Executors.newFixedThreadPool(2, daemon("slipway-operation"));
    scheduler.execute(this::pollQuietly);
    scheduler.scheduleWithFixedDelay(this::pollQuietly, settings.poll().toMillis(), settings.poll().toMillis(), TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::resyncAll, settings.resync().toMillis(), settings.resync().toMillis(), TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(() -> metrics.queueDepth(queue.depth()), 1, 1, TimeUnit.SECONDS);
    for (int i = 0; i < settings.workers(); i++) {
      workers.execute(this::work);
    }
    log.info("controller started", "source", source.describe(), "workers", settings.workers(),
        "simulated", settings.simulated());
    return this;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      log.error("poll failed", "error", String.valueOf(e));
    }
  }

  /**
   * Reads the platform now and queues every application whose inputs changed (all of them the
   * first time). Returns the applications queued.
   */
  public Set<String> poll() {
    synchronized (pollLock) {
      long start = System.nanoTime();
      PlatformSource.Snapshot snap;
      InputDigest now;
      try {
        snap = source.read();
        now = InputDigest.of(snap.dir());
        pollProblem = null;
        metrics.gitFetched(Duration.ofNanos(System.nanoTime() - start), false);
      } catch (IOException | RuntimeException e) {
        metrics.gitFetched(Duration.ofNanos(System.nanoTime() - start), true);
        pollProblem = "cannot read the platform from " + source.describe() + ": " + e.getMessage();
        log.error("platform read failed", "source", source.describe(), "error", String.valueOf(e.getMessage()));
        return Set.of();
      }
      Set<String> changed = now.changedSince(digest);
      boolean revisionChanged = rendered == null || !rendered.revision().equals(snap.revision());
      if (changed.isEmpty() && !revisionChanged) {
        polled.set(true);
        return Set.of();
      }
      Rendered next = Rendered.of(snap.dir(), snap.revision(), settings.environments());
      Rendered previous = rendered;
      rendered = next;
      digest = now;
      if (next.platform() != null && (previous == null || previous.platform() == null
          || !next.platform().access().equals(previous.platform().access()))) {
        platformListeners.forEach(l -> l.accept(next.platform()));
      }
      for (EnvironmentSpec e : next.environmentSpecs()) {
        environmentClusters.computeIfAbsent(e.name(), n -> new Cluster(e));
      }
      Set<String> queued = new TreeSet<>(changed);
      if (previous == null || !Objects.equals(previous.invalid().keySet(), next.invalid().keySet())) {
        queued.addAll(next.applications());
      }
      for (String app : queued) {
        for (String env : environmentNames()) {
          cells.computeIfAbsent(new Key(app, env), k -> new Cell());
          queue.add(new Key(app, env));
        }
      }
      for (String env : environmentNames()) {
        // The environment-wide objects (node pools, shared namespaces) before any application.
        clusterCells.computeIfAbsent(env, e -> new Cell());
        queue.add(new Key(SyncExecutor.CLUSTER, env));
      }
      // Applications removed from the platform leave the matrix (what they left in the cluster is
      // Extra for nobody: Slipway never prunes a whole application on its own).
      cells.keySet().removeIf(k -> !next.applications().contains(k.application()) || !environmentNames().contains(k.environment()));
      polled.set(true);
      log.info("platform read", "revision", snap.revision(), "changed", queued.size(), "invalid", next.invalid().size());
      return queued;
    }
  }

  private List<String> environmentNames() {
    Rendered r = rendered;
    if (r == null || r.platform() == null) {
      return List.of();
    }
    return r.platform().environments().stream().map(EnvironmentSpec::name)
        .filter(n -> settings.environments().isEmpty() || settings.environments().contains(n)).toList();
  }

  private void resyncAll() {
    cells.keySet().forEach(queue::add);
  }

  private void work() {
    while (!stopped) {
      Optional<Key> key;
      try {
        key = queue.take(Duration.ofMillis(500));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (key.isEmpty()) {
        continue;
      }
      long start = System.nanoTime();
      try {
        reconcile(key.get());
      } catch (RuntimeException e) {
        log.error("reconcile failed", "application", key.get().application(), "environment", key.get().environment(),
            "error", String.valueOf(e));
        queue.addRateLimited(key.get());
        metrics.queueRetried();
      } finally {
        queue.done(key.get());
        metrics.reconciled(Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /**
   * An object of the application changed in the cluster. A sync under way goes to the front of the
   * queue: its next wave waits on exactly this, and a large platform's other work must not hold it
   * up past its timeout.
   */
  private void changed(Key key) {
    Cell cell = cells.get(key);
    boolean running;
    if (cell == null) {
      running = false;
    } else {
      synchronized (cell) {
        running = cell.inFlight != null;
      }
    }
    if (running) {
      queue.addFirst(key);
    } else {
      queue.add(key);
    }
  }

  /** Waits until nothing is queued or being reconciled (tests, benchmarks). */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return queue.awaitIdle(timeout);
  }

  /** The work queue, for metrics and tests. */
  WorkQueue<Key> queue() {
    return queue;
  }

  // ---------------------------------------------------------------------------------------------
  // Reconcile one application in one environment

  private void reconcile(Key key) {
    if (key.application().equals(SyncExecutor.CLUSTER)) {
      reconcileEnvironmentObjects(key);
      return;
    }
    Rendered r = rendered;
    Cell cell = cells.get(key);
    if (r == null || cell == null) {
      return;
    }
    String reconcileId = UUID.randomUUID().toString().substring(0, 8);
    try (var scope = JsonLog.withContext(key.application(), key.environment(), r.revision(), reconcileId)) {
      expireOperation(key, cell);
      List<Diagnostic> blockers = r.blockers(key.environment(), key.application());
      Optional<ApplicationPlan> plan = r.application(key.environment(), key.application());
      if (!blockers.isEmpty() || plan.isEmpty()) {
        List<Diagnostic> why = blockers.isEmpty()
            ? List.of(new Diagnostic(Diagnostic.Severity.ERROR, "server.not-planned", "apps/" + key.application() + "/app.yaml", 0, 0, "",
                "not planned in " + key.environment()))
            : blockers;
        Decision d = Reconciler.decide(input(key, cell, ReconcileInput.Desired.invalid(why), null, r));
        publishStatus(key, cell, status(key, cell, SyncState.INVALID_SPEC, HealthStatus.UNKNOWN, d.reason(), r, plan.orElse(null), 0),
            null);
        cell.resources = List.of();
        cell.diffs = List.of();
        clearRequest(cell, "refused: the spec is invalid");
        abandon(key, cell, "the application's spec became invalid: " + d.reason(), true);
        return;
      }
      Cluster cluster = environmentClusters.get(key.environment());
      if (cluster == null || !cluster.ready()) {
        String why = cluster == null ? "no cluster for " + key.environment() : cluster.problem;
        publishStatus(key, cell, status(key, cell, SyncState.UNKNOWN, HealthStatus.UNKNOWN, why, r, plan.get(), 0), null);
        queue.addAfter(key, cluster == null ? Duration.ofSeconds(30) : Duration.between(clock.instant(), cluster.retryAt).plusMillis(10));
        return;
      }
      if (!cluster.watch.synced()) {
        // The cache is not the cluster yet: nothing is judged, nothing applied, from it.
        String problem = cluster.watch.problem();
        String why = problem != null ? "cannot use the cluster of " + key.environment() + " (context " + cluster.spec.cluster().context()
            + "): " + problem : "waiting for the first list of " + key.environment() + "'s objects";
        publishStatus(key, cell, status(key, cell, SyncState.UNKNOWN, HealthStatus.UNKNOWN, why, r, plan.get(), 0), null);
        queue.addAfter(key, Duration.ofSeconds(1));
        return;
      }
      ApplicationBundle bundle = plan.get().bundle();
      StatusReader reader = new StatusReader(new SyncExecutor(cluster.client, clock).withHealth(r.health()), new HistoryStore(cluster.client));
      StatusReader.ApplicationStatus live;
      // The objects as the components' rollouts want them (a rollout keeps its stable revision's Deployment).
      ApplicationBundle shaped;
      try {
        SyncExecutor.Snapshot cached = cluster.watch.cached(key.application());
        boolean writer = responsibility.writes(key.application());
        boolean adopted;
        synchronized (cell) {
          adopted = cell.controlsAdopted;
        }
        if (!writer) {
          adoptControls(cell, HistoryStore.controlsFromCache(cached.objects(), key.environment(), bundle), false);
        } else if (!adopted) {
          // Just became the writer: what the previous one recorded last, read from the server (the cache may lag).
          synchronized (cell.controls) {
            adoptControls(cell, new HistoryStore(cluster.client).controls(key.environment(), bundle), true);
          }
        }
        var desired = dev.slipway.kube.rollout.RolloutSync.shapedFromCache(cached.objects(), bundle, clock);
        live = reader.readCached(key.environment(), bundle, cached, desired);
        shaped = desired.bundle();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        String why = "cannot use the cluster of " + key.environment() + " (context " + cluster.spec.cluster().context() + "): "
            + (e instanceof ClusterFailure f ? f.getMessage() : String.valueOf(e.getMessage()));
        publishStatus(key, cell, status(key, cell, SyncState.UNKNOWN, HealthStatus.UNKNOWN, why, r, plan.get(), 0), null);
        Duration wait = queue.addRateLimited(key);
        metrics.queueRetried();
        log.warn("cluster read failed", "retryIn", wait.toString(), "problem", why);
        return;
      }
      observe(key, cell, live, r, plan.get(), shaped);
      if (responsibility.writes(key.application())) {
        Duration again = rollouts.drive(cluster.client, plan.get(), cluster.spec, cluster.watch.cached(key.application()).objects(), log);
        if (again != null) {
          queue.addAfter(key, again);
        }
      }
      ReconcileInput.Desired desired = ReconcileInput.Desired.valid(HistoryStore.hash(bundle));
      Decision decision = Reconciler.decide(input(key, cell, desired, live, r));
      SyncOptions explicit;
      synchronized (cell) {
        explicit = cell.requested;
      }
      boolean writes = responsibility.writes(key.application());
      if (explicit != null) {
        if (!writes) {
          clearRequest(cell, "refused: this replica does not lead the shard of " + key.application());
          return;
        }
        sync(key, cell, r, plan.get(), explicit.prune(), cell.requestedBy, "explicit sync");
        return;
      }
      InFlight inFlight;
      int pinnedNow;
      synchronized (cell) {
        inFlight = cell.inFlight;
        pinnedNow = cell.pinnedRevision;
      }
      if (inFlight != null) {
        if (!writes) {
          // Leadership lost: the new leader decides afresh; this replica writes nothing more, history included.
          abandon(key, cell, "this replica no longer leads the shard of " + key.application(), false);
        } else if (pinnedNow > 0) {
          // A rollback (from the CLI, or another replica's) or a pin came in: it wins over the sync under way.
          abandon(key, cell, "the application was pinned to revision " + pinnedNow + " (a rollback or a pin)", true);
        } else {
          advance(key, cell, r, plan.get());
          return;
        }
      }
      switch (decision.action()) {
        case SYNC -> {
          if (writes) {
            sync(key, cell, r, plan.get(), decision.prune(), "slipway-server", decision.reason());
          }
        }
        case BACKOFF -> queue.addAfter(key, Duration.between(clock.instant(), decision.retryAt()).plusMillis(10));
        case WAIT_FOR_DEPENDENCY -> queue.addAfter(key, Duration.ofSeconds(5));
        default -> {
          if (live.health() == HealthStatus.PROGRESSING) {
            queue.addAfter(key, Duration.ofSeconds(2));
          }
        }
      }
      if (decision.action() != Decision.Action.SYNC) {
        log.debug("decided", "action", decision.action().name(), "reason", decision.reason());
      }
    }
  }

  /**
   * The environment's own objects (node pools, node classes, shared namespaces): applied when the
   * environment syncs automatically and they differ, never pruned by the server (removing a node
   * pool drains nodes: that is for an explicit {@code slipway sync --prune}).
   */
  private void reconcileEnvironmentObjects(Key key) {
    Rendered r = rendered;
    Cell cell = clusterCells.get(key.environment());
    EnvironmentPlan e = r == null ? null : r.environments().get(key.environment());
    if (cell == null || e == null || e.clusterObjects().isEmpty()) {
      return;
    }
    Cluster cluster = environmentClusters.get(key.environment());
    if (cluster == null || !cluster.ready()) {
      queue.addAfter(key, Duration.ofSeconds(30));
      return;
    }
    if (!cluster.watch.synced()) {
      queue.addAfter(key, Duration.ofSeconds(1));
      return;
    }
    ApplicationBundle bundle = new ApplicationBundle(e.name(), SyncExecutor.CLUSTER, null, e.clusterObjects());
    boolean differs = DiffPlanner.compare(bundle.objects(), cluster.watch.cached(SyncExecutor.CLUSTER).of(bundle)).stream()
        .anyMatch(d -> d.state() == ObjectDiff.SyncState.MISSING || d.state() == ObjectDiff.SyncState.OUT_OF_SYNC);
    if (!differs || !e.environment().sync().automated() || !responsibility.writes(SyncExecutor.CLUSTER)) {
      return;
    }
    String hash = HistoryStore.hash(bundle);
    synchronized (cell) {
      if (cell.last != null && cell.last.failed() && hash.equals(cell.last.hash())
          && clock.instant().isBefore(cell.last.time().plus(Reconciler.backoff(cell.last.attempts())))) {
        queue.addAfter(key, Duration.between(clock.instant(), cell.last.time().plus(Reconciler.backoff(cell.last.attempts()))));
        return;
      }
    }
    Deployer deployer = new Deployer(cluster.client.withoutDeadline(), clock).environmentLock(false).health(r.health()).as("slipway-server")
        .fromCache(b -> cluster.watch.cached(SyncExecutor.CLUSTER));
    SyncReport report;
    try {
      report = deployer.sync(e, List.of(bundle), new SyncExecutor.Options(false, false, false, settings.syncTimeout(),
          Duration.ofMillis(500)), provenance(r), 0);
    } catch (RuntimeException ex) {
      report = null;
      log.warn("environment objects not applied", "environment", e.name(), "error", String.valueOf(ex.getMessage()));
    }
    if (report != null && report.progressing()) {
      // A wave of node pools or namespaces is not ready yet: the informers queue the key when it changes,
      // until the sync timeout; then it counts as a failure and backs off.
      Instant since;
      synchronized (cell) {
        if (cell.progressingSince == null) {
          cell.progressingSince = clock.instant();
        }
        since = cell.progressingSince;
      }
      if (Duration.between(since, clock.instant()).compareTo(settings.syncTimeout()) < 0) {
        queue.addAfter(key, Duration.ofSeconds(2));
        return;
      }
      log.warn("environment objects not ready within the sync timeout", "environment", e.name(),
          "waiting", report.application(SyncExecutor.CLUSTER).map(a -> a.failure() == null ? "" : a.failure().message()).orElse(""));
      synchronized (cell) {
        cell.progressingSince = null;
      }
      recordFailure(cell, hash);
      metrics.synced("failed");
      queue.addAfter(key, Reconciler.backoff(cell.last.attempts()));
    } else if (report != null && report.succeeded()) {
      synchronized (cell) {
        cell.progressingSince = null;
        cell.last = ReconcileInput.LastSync.succeeded(hash, clock.instant());
      }
      metrics.synced("succeeded");
    } else {
      recordFailure(cell, hash);
      metrics.synced("failed");
      queue.addAfter(key, Reconciler.backoff(cell.last.attempts()));
    }
  }

  /** Takes the pin and pause recorded on the application's history ConfigMap (see {@link Cell#controlsAdopted}). */
  private static void adoptControls(Cell cell, HistoryStore.Controls recorded, boolean writes) {
    synchronized (cell) {
      if (writes && cell.controlsAdopted) {
        return;
      }
      cell.pinnedRevision = recorded.pinnedRevision();
      cell.paused = recorded.paused();
      cell.unpinnedThrough = recorded.unpinnedThrough();
      cell.controlsAdopted = writes;
    }
  }

  private ReconcileInput input(Key key, Cell cell, ReconcileInput.Desired desired, StatusReader.ApplicationStatus live, Rendered r) {
    ReconcileInput.LiveComparison comparison = null;
    if (live != null) {
      List<String> missing = new ArrayList<>();
      List<String> drifted = new ArrayList<>();
      List<String> extra = new ArrayList<>();
      TreeMap<String, HealthStatus> health = new TreeMap<>();
      for (StatusReader.ObjectStatus o : live.objects()) {
        switch (o.sync()) {
          case MISSING -> missing.add(o.ref());
          case OUT_OF_SYNC -> drifted.add(o.ref());
          case EXTRA -> extra.add(o.ref());
          default -> { }
        }
        if (o.health() != null && o.sync() != ObjectDiff.SyncState.EXTRA) {
          health.put(o.ref(), o.health());
        }
      }
      comparison = new ReconcileInput.LiveComparison(missing, drifted, extra, health);
    }
    EnvironmentSpec env = r.environments().get(key.environment()) == null ? null : r.environments().get(key.environment()).environment();
    Map<String, HealthStatus> deps = new TreeMap<>();
    List<String> dependsOn = r.dependsOn().getOrDefault(key.application(), List.of());
    for (String dep : dependsOn) {
      Cell c = cells.get(new Key(dep, key.environment()));
      deps.put(dep, c == null || c.status == null ? HealthStatus.UNKNOWN : c.status.health());
    }
    int pinned;
    boolean paused;
    ReconcileInput.LastSync last;
    synchronized (cell) {
      pinned = cell.pinnedRevision;
      paused = cell.paused;
      last = cell.last;
    }
    if (live != null && live.revision() != null) {
      synchronized (cell) {
        cell.newestRevision = Math.max(cell.newestRevision, live.revision().number());
        if (pinned == 0 && live.revision().rollbackOf() > 0 && live.revision().number() > cell.unpinnedThrough) {
          // The newest revision is a rollback (by the CLI or another replica): automated sync leaves it (Argo CD #9570).
          pinned = live.revision().number();
          cell.pinnedRevision = pinned;
        }
      }
    }
    return new ReconcileInput(key.application(), key.environment(), desired, comparison,
        env == null ? null : env.sync(), new ReconcileInput.Control(pinned, paused), last, dependsOn, deps, clock.instant());
  }

  /** Turns what the informers and history show into the API's view of the application. */
  private void observe(Key key, Cell cell, StatusReader.ApplicationStatus live, Rendered r, ApplicationPlan plan, ApplicationBundle shaped) {
    Map<String, RenderedObject> rendered = new LinkedHashMap<>();
    for (RenderedObject o : shaped.objects()) {
      rendered.put(ref(o), o);
    }
    Map<String, List<ResourceObject>> byComponent = new TreeMap<>();
    Map<String, Integer> waves = new TreeMap<>();
    int drifted = 0;
    for (StatusReader.ObjectStatus o : live.objects()) {
      RenderedObject ro = rendered.get(o.ref());
      String component = ro == null || ro.component() == null ? "" : ro.component();
      int wave = ro == null ? 0 : ro.wave();
      SyncState state = o.sync() == ObjectDiff.SyncState.SYNCED ? SyncState.SYNCED : SyncState.OUT_OF_SYNC;
      if (state != SyncState.SYNCED) {
        drifted++;
      }
      String[] parts = parseRef(o.ref());
      byComponent.computeIfAbsent(component + "\u0000" + wave, c -> new ArrayList<>()).add(new ResourceObject(parts[0], parts[1],
          parts[2], parts[3], o.health() == null ? HealthStatus.HEALTHY : o.health(), o.healthMessage(), state));
      waves.put(component + "\u0000" + wave, wave);
    }
    List<ResourceGroup> groups = new ArrayList<>();
    byComponent.entrySet().stream().sorted(Comparator.comparing((Map.Entry<String, List<ResourceObject>> e) -> waves.get(e.getKey()))
        .thenComparing(Map.Entry::getKey))
        .forEach(e -> groups.add(new ResourceGroup(e.getKey().substring(0, e.getKey().indexOf('\u0000')), waves.get(e.getKey()), e.getValue())));
    cell.resources = groups;
    List<Drift> diffs = new ArrayList<>();
    for (StatusReader.ObjectStatus o : live.objects()) {
      if (o.sync() != ObjectDiff.SyncState.SYNCED) {
        diffs.add(new Drift(o.ref(), o.sync(), o.diff() == null ? "" : o.diff()));
      }
    }
    cell.diffs = diffs;
    SyncState sync = live.sync().equals("Synced") ? SyncState.SYNCED : SyncState.OUT_OF_SYNC;
    publishStatus(key, cell, status(key, cell, sync, live.health(), live.healthDetail(), r, plan, drifted), live.revision());
  }

  private ApplicationStatus status(Key key, Cell cell, SyncState sync, HealthStatus health, String reason, Rendered r,
      ApplicationPlan plan, int drifted) {
    List<String> images = plan == null ? List.of() : images(plan.bundle());
    BigDecimal cost = null;
    EnvironmentPlan e = r.environments().get(key.environment());
    if (e != null && e.cost() != null && e.cost().atMin() != null) {
      Double c = e.cost().atMin().perApplication().get(key.application());
      cost = c == null ? null : BigDecimal.valueOf(c).setScale(2, RoundingMode.HALF_UP);
    }
    int findings = plan == null ? 0 : (int) plan.policy().stream().filter(f -> f.outcome() != PolicyFinding.Outcome.PASS).count();
    ApplicationStatus before = cell.status;
    Instant lastSync = before == null ? null : before.lastSyncTime();
    String revision = before == null ? null : before.revision();
    int pinned;
    boolean paused;
    synchronized (cell) {
      pinned = cell.pinnedRevision;
      paused = cell.paused;
      if (cell.last != null) {
        lastSync = cell.last.time();
      }
    }
    return new ApplicationStatus(key.application(), key.environment(), sync, health, reason, revision, images, lastSync, drifted,
        cost, cost == null ? null : "USD", findings, pinned > 0, pinned, paused);
  }

  private void publishStatus(Key key, Cell cell, ApplicationStatus next, Revision latest) {
    ApplicationStatus withRevision = next;
    if (latest != null) {
      withRevision = new ApplicationStatus(next.application(), next.environment(), next.sync(), next.health(), next.healthReason(),
          latest.commit() == null ? "revision " + latest.number() : latest.commit(), next.images(), next.lastSyncTime(),
          next.driftedObjects(), next.monthlyCost(), next.currency(), next.policyFindings(), next.pinned(), next.pinnedRevision(),
          next.paused());
    }
    ApplicationStatus before = cell.status;
    cell.status = withRevision;
    if (!withRevision.equals(before)) {
      emit(new StatusEvent(StatusEvent.Type.STATUS, key.application(), key.environment(), clock.instant(), withRevision, ""));
      if (before == null || before.health() != withRevision.health()) {
        // Applications that wait for this one to be Healthy look again.
        Rendered r = rendered;
        r.dependsOn().forEach((app, deps) -> {
          if (deps.contains(key.application())) {
            queue.add(new Key(app, key.environment()));
          }
        });
      }
    }
  }

  /**
   * Starts a sync operation (an automated sync, a self-heal, or an explicit sync) and carries it as
   * far as it goes now: see {@link #advance}. An explicit sync replaces an operation under way.
   */
  private void sync(Key key, Cell cell, Rendered r, ApplicationPlan plan, boolean prune, String who, String reason) {
    abandon(key, cell, "replaced by " + reason + " asked by " + who, true);
    String opId;
    synchronized (cell) {
      opId = cell.requested != null && cell.requestedId != null ? cell.requestedId : UUID.randomUUID().toString();
      cell.requested = null;
      cell.requestedBy = null;
      cell.requestedId = null;
    }
    Instant started = clock.instant();
    Operation running = new Operation(opId, "sync", "Running", who, r.revision(), false, prune, started, null, reason, List.of());
    synchronized (cell) {
      cell.inFlight = new InFlight(running, who, prune, reason, started.plus(settings.syncTimeout()), 0, new LinkedHashMap<>(),
          HistoryStore.hash(plan.bundle()));
    }
    cell.lastOperation = running;
    emit(new StatusEvent(StatusEvent.Type.OPERATION, key.application(), key.environment(), started, cell.status, "sync started: " + reason));
    log.info("sync", "reason", reason, "prune", prune, "operation", opId);
    advance(key, cell, r, plan);
  }

  /**
   * Carries the operation under way one step further: applies what differs, wave by wave, up to the
   * first wave not yet healthy, judged on the informers' copy of the objects (no request to read
   * them, no thread held while a rollout takes its time). When a wave is still progressing, the
   * operation stays Running and the key is looked at again when its objects change (the informers
   * queue it), or after ten seconds at the latest; when every wave is healthy it prunes (when asked), records the
   * revision and succeeds; a failure, or the sync's timeout passing, ends it as Failed.
   */
  private void advance(Key key, Cell cell, Rendered r, ApplicationPlan plan) {
    Cluster cluster = environmentClusters.get(key.environment());
    InFlight op;
    synchronized (cell) {
      op = cell.inFlight;
    }
    if (op == null) {
      return;
    }
    if (!cell.writing.tryLock()) {
      // A rollback is writing the application: look again once it is done.
      queue.addAfter(key, Duration.ofSeconds(1));
      return;
    }
    try {
      synchronized (cell) {
        if (cell.inFlight != op) {
          return;
        }
      }
      pass(key, cell, r, plan, cluster, op);
    } finally {
      cell.writing.unlock();
    }
  }

  /** One pass of {@link #advance}, holding the application's write lock. */
  private void pass(Key key, Cell cell, Rendered r, ApplicationPlan plan, Cluster cluster, InFlight op) {
    Deployer deployer = new Deployer(cluster.client.withoutDeadline(), clock).environmentLock(false).health(r.health()).as(op.who())
        .fromCache(b -> cluster.watch.cached(b.application()))
        .continuing(op.running().id(), op.writes());
    SyncExecutor.Options options = new SyncExecutor.Options(false, op.prune(), false, settings.syncTimeout(), Duration.ofMillis(500))
        .until(op.deadline());
    String hash = HistoryStore.hash(plan.bundle());
    SyncReport report;
    try {
      report = deployer.syncApplication(r.environments().get(key.environment()), key.application(), options, provenance(r));
    } catch (RuntimeException e) {
      end(key, cell, op, "Failed", "sync failed: " + e.getMessage(), List.copyOf(op.steps().values()));
      recordFailure(cell, hash);
      metrics.synced("failed");
      queue.addRateLimited(key);
      return;
    }
    Optional<SyncReport.ApplicationReport> app = report.application(key.application());
    Map<String, Operation.OperationStep> steps = new LinkedHashMap<>(op.steps());
    app.ifPresent(a -> merge(steps, Controller.steps(a)));
    List<Operation.OperationStep> all = List.copyOf(steps.values());
    if (report.succeeded() && report.progressing()) {
      String waiting = app.map(a -> a.failure() == null ? "waiting" : a.failure().message()).orElse("waiting");
      InFlight next = new InFlight(op.running(), op.who(), op.prune(), op.reason(), op.deadline(),
          app.map(SyncReport.ApplicationReport::writes).orElse(op.writes()), steps, hash);
      Operation running = new Operation(op.running().id(), "sync", "Running", op.who(), r.revision(), false, op.prune(),
          op.running().startedAt(), null, op.reason() + "; " + waiting, all);
      synchronized (cell) {
        if (cell.inFlight != op) {
          return;
        }
        cell.inFlight = next;
      }
      Operation before = cell.lastOperation;
      cell.lastOperation = running;
      if (before == null || !running.message().equals(before.message())) {
        emit(new StatusEvent(StatusEvent.Type.OPERATION, key.application(), key.environment(), clock.instant(), cell.status,
            "sync running: " + waiting));
      }
      // The informers queue the key when the objects change; this is the fallback, and the deadline's watchman.
      Duration untilDeadline = Duration.between(clock.instant(), op.deadline()).plusMillis(10);
      queue.addAfter(key, untilDeadline.compareTo(FALLBACK) < 0 ? untilDeadline : FALLBACK);
      return;
    }
    if (report.succeeded()) {
      synchronized (cell) {
        cell.last = ReconcileInput.LastSync.succeeded(hash, clock.instant());
      }
      queue.forget(key);
      metrics.synced("succeeded");
      end(key, cell, op, "Succeeded", "synced " + all.size() + " objects", all);
    } else {
      recordFailure(cell, hash);
      metrics.synced("failed");
      String why = report.failure() != null ? report.failure().message()
          : app.map(a -> a.failure() == null ? "failed" : a.failure().message()).orElse("failed");
      end(key, cell, op, "Failed", why, all);
    }
    // Look again: health moves on after a sync, and a failure is retried after its back-off.
    queue.addAfter(key, Duration.ofSeconds(1));
  }

  /** How long a running operation waits for its objects to change before it looks again anyway. */
  private static final Duration FALLBACK = Duration.ofSeconds(10);

  /** Keeps what an earlier step of the operation did to an object over a later "unchanged" (it was created or updated by this operation). */
  private static void merge(Map<String, Operation.OperationStep> steps, List<Operation.OperationStep> more) {
    for (Operation.OperationStep s : more) {
      String ref = s.kind() + "/" + s.namespace() + "/" + s.name() + "/" + s.action().equals("delete");
      Operation.OperationStep before = steps.get(ref);
      if (before == null || !s.action().equals("unchanged")) {
        steps.put(ref, s);
      }
    }
  }

  /** Ends the operation under way, if it is still {@code op}. */
  private void end(Key key, Cell cell, InFlight op, String phase, String message, List<Operation.OperationStep> steps) {
    synchronized (cell) {
      if (cell.inFlight != op) {
        return;
      }
      cell.inFlight = null;
    }
    finishOperation(key, cell, op.running(), phase, message, steps);
  }

  /**
   * Ends the operation under way, if any, as Failed: it will not be carried on. When it wrote
   * something and {@code record}, its history says so (an Interrupted revision with its run id), so
   * that a half-applied application is not left without a trace; a replica that no longer leads
   * records nothing.
   */
  private void abandon(Key key, Cell cell, String why, boolean record) {
    InFlight op;
    synchronized (cell) {
      op = cell.inFlight;
    }
    if (op == null) {
      return;
    }
    end(key, cell, op, "Failed", "stopped: " + why, List.copyOf(op.steps().values()));
    if (record && op.writes() > 0) {
      recordInterrupted(key, op, why);
    }
  }

  private void recordInterrupted(Key key, InFlight op, String why) {
    Rendered r = rendered;
    Cluster cluster = environmentClusters.get(key.environment());
    Optional<ApplicationPlan> plan = r == null ? Optional.empty() : r.application(key.environment(), key.application());
    if (plan.isEmpty() || cluster == null || cluster.client == null) {
      log.warn("an interrupted sync could not be recorded", "operation", op.running().id(), "reason", why);
      return;
    }
    ApplicationBundle bundle = plan.get().bundle();
    Provenance p = provenance(r);
    try {
      new HistoryStore(cluster.client).record(key.environment(), bundle, new Revision(0,
          clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), op.who(), p.commit(), p.dirty(), p.sets(),
          HistoryStore.hash(bundle), HistoryStore.images(bundle), "Interrupted: " + why, op.writes(), 0, op.running().id()));
    } catch (RuntimeException e) {
      log.warn("an interrupted sync could not be recorded", "operation", op.running().id(), "error", String.valueOf(e.getMessage()));
    }
  }

  /** Ends an operation whose sync timeout has passed, whatever kept it from finishing (a cluster down, a wave never healthy). */
  private void expireOperation(Key key, Cell cell) {
    InFlight op;
    synchronized (cell) {
      op = cell.inFlight;
    }
    if (op != null && !clock.instant().isBefore(op.deadline())) {
      Operation last = cell.lastOperation;
      end(key, cell, op, "Failed", "the sync's timeout of " + settings.syncTimeout().toSeconds() + " s ran out before it finished"
          + (last == null ? "" : " (" + last.message() + ")"), List.copyOf(op.steps().values()));
      recordFailure(cell, op.hash());
      metrics.synced("failed");
      if (op.writes() > 0) {
        recordInterrupted(key, op, "the sync's timeout ran out");
      }
    }
  }

  private void recordFailure(Cell cell, String hash) {
    synchronized (cell) {
      int attempts = cell.last != null && cell.last.failed() && hash.equals(cell.last.hash()) ? cell.last.attempts() + 1 : 1;
      cell.last = ReconcileInput.LastSync.failed(hash, attempts, clock.instant());
    }
  }

  private void finishOperation(Key key, Cell cell, Operation running, String phase, String message, List<Operation.OperationStep> steps) {
    Instant now = clock.instant();
    Operation done = new Operation(running.id(), running.kind(), phase, running.who(), running.revision(), running.dryRun(),
        running.prune(), running.startedAt(), now, message, steps);
    cell.lastOperation = done;
    emit(new StatusEvent(StatusEvent.Type.OPERATION, key.application(), key.environment(), now, cell.status,
        running.kind() + " " + phase.toLowerCase() + ": " + message));
  }

  private void clearRequest(Cell cell, String why) {
    synchronized (cell) {
      if (cell.requested != null) {
        log.warn("explicit sync dropped", "reason", why);
      }
      cell.requested = null;
      cell.requestedBy = null;
      cell.requestedId = null;
    }
  }

  private static List<Operation.OperationStep> steps(SyncReport.ApplicationReport a) {
    List<Operation.OperationStep> out = new ArrayList<>();
    for (SyncReport.Step s : a.steps()) {
      String[] p = parseRef(s.ref());
      boolean failed = s.action().startsWith("failed");
      out.add(new Operation.OperationStep(s.wave() == null ? 0 : s.wave(), p[1], p[2], p[3], s.action(),
          failed ? "Failed" : "Succeeded", failed ? s.detail() : ""));
    }
    for (SyncReport.Prune pr : a.prunes()) {
      String[] p = parseRef(pr.ref());
      out.add(new Operation.OperationStep(0, p[1], p[2], p[3], "delete", pr.outcome().equals("failed") ? "Failed"
          : pr.outcome().equals("pruned") ? "Succeeded" : "Skipped", pr.outcome() + (pr.reason() == null ? "" : ": " + pr.reason())));
    }
    return out;
  }

  private Provenance provenance(Rendered r) {
    String rev = r.revision();
    if (rev == null || rev.startsWith("local:")) {
      return Provenance.outsideGit(List.of());
    }
    boolean dirty = rev.endsWith("+dirty");
    return new Provenance(dirty ? rev.substring(0, rev.length() - "+dirty".length()) : rev, dirty, List.of());
  }

  // ---------------------------------------------------------------------------------------------
  // ControlPlane: reads

  @Override
  public List<EnvironmentInfo> environments() {
    Rendered r = rendered;
    if (r == null || r.platform() == null) {
      return List.of();
    }
    return r.platform().environments().stream().filter(e -> environmentNames().contains(e.name()))
        .map(e -> new EnvironmentInfo(e.name(), e.cluster().context(), settings.simulated())).toList();
  }

  @Override
  public List<ApplicationStatus> applications() {
    Rendered r = rendered;
    if (r == null) {
      return List.of();
    }
    List<String> envs = environmentNames();
    List<ApplicationStatus> out = new ArrayList<>();
    for (String app : r.applications()) {
      for (String env : envs) {
        Cell c = cells.get(new Key(app, env));
        out.add(c != null && c.status != null ? c.status : pending(app, env));
      }
    }
    return out;
  }

  private ApplicationStatus pending(String app, String env) {
    return new ApplicationStatus(app, env, SyncState.UNKNOWN, HealthStatus.UNKNOWN, "not reconciled yet", null, List.of(), null, 0,
        null, null, 0, false, 0, false);
  }

  @Override
  public Optional<ApplicationDetail> application(String application, String environment) {
    Rendered r = rendered;
    Cell c = cells.get(new Key(application, environment));
    if (r == null || c == null) {
      return Optional.empty();
    }
    ApplicationStatus status = c.status != null ? c.status : pending(application, environment);
    Optional<ApplicationPlan> plan = r.application(environment, application);
    List<Finding> findings = new ArrayList<>();
    plan.ifPresent(p -> p.policy().stream().filter(f -> f.outcome() != PolicyFinding.Outcome.PASS).forEach(f -> {
      // The component's entry in app.yaml: where a fix goes.
      dev.slipway.model.Position at = f.component() == null ? null
          : dev.slipway.engine.plan.CapacityFindings.position(p, f.component(), "");
      boolean known = at != null && at.line() > 0;
      findings.add(new Finding(f.rule(), f.outcome().name(), f.enforce(), f.objectRef(), known ? at.file() : f.file(),
          known ? at.line() : 0, f.message()));
    }));
    List<SpecProblem> problems = r.blockers(environment, application).stream().map(SpecProblem::of).toList();
    CostBreakdown cost = null;
    if (status.monthlyCost() != null) {
      EnvironmentPlan e = r.environments().get(environment);
      cost = new CostBreakdown(status.monthlyCost(), "USD", plan.map(p -> costItems(e, p, status.monthlyCost())).orElse(List.of()));
    }
    return Optional.of(new ApplicationDetail(status, c.resources, c.lastOperation, history(application, environment, c), cost,
        findings, problems));
  }

  @Override
  public Optional<dev.slipway.server.api.Diagnosis> diagnosis(String application, String environment) {
    Rendered r = rendered;
    if (r == null || !cells.containsKey(new Key(application, environment)) || r.application(environment, application).isEmpty()) {
      return Optional.empty();
    }
    Cluster cluster = environmentClusters.get(environment);
    if (cluster == null || !cluster.ready()) {
      throw new IllegalStateException(cluster == null ? "environment " + environment + " has no cluster here"
          : String.valueOf(cluster.problem));
    }
    OwnedWatch watch = cluster.watch;
    List<JsonNode> cached = watch == null ? List.of() : watch.cached(application).objects();
    return Optional.of(Diagnoses.diagnose(r, environment, application, cached, cluster.client, clock.instant()));
  }

  @Override
  public Optional<List<dev.slipway.server.api.RolloutView>> rollouts(String application, String environment) {
    Rendered r = rendered;
    Optional<ApplicationPlan> plan = r == null ? Optional.empty() : r.application(environment, application);
    if (plan.isEmpty() || !cells.containsKey(new Key(application, environment))) {
      return Optional.empty();
    }
    Cluster cluster = environmentClusters.get(environment);
    if (cluster == null || !cluster.ready()) {
      throw new IllegalStateException(cluster == null ? "environment " + environment + " has no cluster here" : String.valueOf(cluster.problem));
    }
    return Optional.of(rollouts.views(cluster.client, plan.get(), cluster.spec));
  }

  @Override
  public ActionResult rollout(String application, String environment, String component, String action, String who) {
    Rendered r = rendered;
    Optional<ApplicationPlan> plan = r == null ? Optional.empty() : r.application(environment, application);
    if (plan.isEmpty()) {
      return ActionResult.notFound("no application " + application + " in " + environment);
    }
    Cluster cluster = environmentClusters.get(environment);
    if (cluster == null || !cluster.ready()) {
      return ActionResult.conflict("cannot use the cluster of " + environment + ": " + (cluster == null ? "none here" : cluster.problem));
    }
    ActionResult result = rollouts.command(cluster.client, plan.get(), cluster.spec, component, action, who);
    queue.add(new Key(application, environment));
    return result;
  }

  /** Name of the cost item that holds what an application pays beside its share of the nodes. */
  static final String OTHER_COSTS = "load balancer, volumes, secrets, metrics";

  /**
   * Each component at minimum replicas with its share of the nodes' cost, and one more item for the
   * rest of the application's cost (its share of a load balancer, its volumes, secrets and metrics).
   * Without a cost report (no price for the region) the amounts are null.
   */
  private static List<CostBreakdown.Item> costItems(EnvironmentPlan e, ApplicationPlan p, BigDecimal total) {
    java.util.SortedMap<String, Double> nodes = e == null || e.cost() == null || e.cost().atMin() == null ? null
        : dev.slipway.engine.capacity.CostPlanner.nodeCostByComponent(e.cost().atMin(), p.name());
    List<CostBreakdown.Item> items = new ArrayList<>();
    double compute = 0;
    for (var comp : p.resolved().components()) {
      Double share = nodes == null ? null : nodes.getOrDefault(comp.name(), 0.0);
      compute += share == null ? 0 : share;
      items.add(new CostBreakdown.Item(comp.name(), comp.minReplicas(), cores(comp.resources().cpu()) * comp.minReplicas(),
          gib(comp.resources().memory()) * comp.minReplicas(), share == null ? null : money(share)));
    }
    if (nodes != null && total != null) {
      double rest = total.doubleValue() - compute;
      if (rest > 0.005) {
        items.add(new CostBreakdown.Item(OTHER_COSTS, 0, 0, 0, money(rest)));
      }
    }
    return items;
  }

  private static BigDecimal money(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
  }

  private static double cores(String q) {
    try {
      return q == null ? 0 : dev.slipway.model.yaml.Quantities.amount(q).doubleValue();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static double gib(String q) {
    return cores(q) / (1024.0 * 1024 * 1024);
  }

  private List<HistoryEntry> history(String application, String environment, Cell c) {
    Rendered r = rendered;
    Cluster cluster = environmentClusters.get(environment);
    Optional<ApplicationPlan> plan = r.application(environment, application);
    if (cluster == null || cluster.client == null || plan.isEmpty()) {
      return c.history;
    }
    try {
      List<Revision> revisions = new HistoryStore(cluster.client).list(environment, plan.get().bundle());
      List<HistoryEntry> out = new ArrayList<>();
      for (Revision rev : revisions) {
        out.add(new HistoryEntry(rev.number(), rev.commit(), parseTime(rev.time()), rev.who(), rev.images(), rev.result(),
            rev.rollbackOf()));
      }
      java.util.Collections.reverse(out);
      c.history = out;
      return out;
    } catch (RuntimeException e) {
      return c.history;
    }
  }

  private static Instant parseTime(String t) {
    try {
      return t == null ? null : Instant.parse(t);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public Optional<ApplicationDiff> diff(String application, String environment) {
    Cell c = cells.get(new Key(application, environment));
    if (c == null) {
      return Optional.empty();
    }
    List<ApplicationDiff.ObjectDiff> out = new ArrayList<>();
    for (Drift d : c.diffs) {
      String[] p = parseRef(d.ref());
      String change = switch (d.state()) {
        case MISSING -> "create";
        case EXTRA -> "delete";
        case OUT_OF_SYNC -> "update";
        default -> "none";
      };
      out.add(new ApplicationDiff.ObjectDiff(p[0], p[1], p[2], p[3], change, d.diff()));
    }
    ApplicationStatus s = c.status;
    return Optional.of(new ApplicationDiff(application, environment, s == null ? null : s.revision(), out));
  }

  /** One object's difference, as the API reports it. */
  private record Drift(String ref, ObjectDiff.SyncState state, String diff) {}

  // ---------------------------------------------------------------------------------------------
  // ControlPlane: actions

  @Override
  public ActionResult sync(String application, String environment, SyncOptions options, String who) {
    Key key = new Key(application, environment);
    Cell cell = cells.get(key);
    Rendered r = rendered;
    if (cell == null || r == null) {
      return ActionResult.notFound("no application " + application + " in " + environment);
    }
    List<Diagnostic> blockers = r.blockers(environment, application);
    if (!blockers.isEmpty()) {
      return ActionResult.conflict("refused: " + application + " cannot be applied in " + environment + ": " + blockers.get(0).format());
    }
    synchronized (cell) {
      if (cell.pinnedRevision > 0 && !options.dryRun()) {
        return ActionResult.conflict(application + " is pinned to revision " + cell.pinnedRevision + " in " + environment
            + " (a rollback); unpin it first");
      }
    }
    if (!responsibility.writes(application)) {
      return ActionResult.conflict("this replica does not lead the shard of " + application + "; ask the leader");
    }
    if (options.dryRun()) {
      return dryRun(key, r, options);
    }
    String id = UUID.randomUUID().toString();
    synchronized (cell) {
      cell.requested = options;
      cell.requestedBy = who;
      cell.requestedId = id;
    }
    queue.add(key);
    return ActionResult.accepted("sync of " + application + " in " + environment + " queued", r.revision(), id);
  }

  private ActionResult dryRun(Key key, Rendered r, SyncOptions options) {
    Cluster cluster = environmentClusters.get(key.environment());
    if (cluster == null || !cluster.ready()) {
      return ActionResult.conflict("cannot preview: " + (cluster == null ? "no cluster" : cluster.problem));
    }
    Deployer deployer = new Deployer(cluster.client.withoutDeadline(), clock).environmentLock(false).health(r.health());
    SyncExecutor.Options o = new SyncExecutor.Options(true, options.prune(), false, settings.syncTimeout(), Duration.ofMillis(500));
    SyncReport report = deployer.syncApplication(r.environments().get(key.environment()), key.application(), o, provenance(r));
    List<Operation.OperationStep> steps = report.application(key.application()).map(Controller::steps).orElse(List.of());
    return new ActionResult(ActionResult.Outcome.DONE, "dry run: " + steps.stream().filter(s -> !s.action().equals("unchanged")).count()
        + " of " + steps.size() + " objects would change", r.revision(), null, steps);
  }

  @Override
  public ActionResult rollback(String application, String environment, int revision, String who) {
    Key key = new Key(application, environment);
    Cell cell = cells.get(key);
    Rendered r = rendered;
    Optional<ApplicationPlan> plan = r == null ? Optional.empty() : r.application(environment, application);
    if (cell == null || plan.isEmpty()) {
      return ActionResult.notFound("no application " + application + " in " + environment);
    }
    if (!responsibility.writes(application)) {
      return ActionResult.conflict("this replica does not lead the shard of " + application + "; ask the leader");
    }
    Cluster cluster = environmentClusters.get(environment);
    if (cluster == null || !cluster.ready()) {
      return ActionResult.conflict("cannot roll back: " + (cluster == null ? "no cluster" : cluster.problem));
    }
    Deployer deployer = new Deployer(cluster.client.withoutDeadline(), clock).environmentLock(false).health(r.health()).as(who);
    boolean exists = deployer.history().list(environment, plan.get().bundle()).stream().anyMatch(rev -> rev.number() == revision);
    if (!exists) {
      return ActionResult.notFound("no revision " + revision + " in the history of " + application + " in " + environment);
    }
    String id = UUID.randomUUID().toString();
    int pinnedBefore;
    synchronized (cell.controls) {
      HistoryStore.Controls now;
      synchronized (cell) {
        pinnedBefore = cell.pinnedRevision;
        cell.pinnedRevision = revision;
        now = new HistoryStore.Controls(revision, cell.paused, cell.unpinnedThrough);
      }
      try {
        // Recorded first: a replica that takes over mid-rollback must not sync over it.
        deployer.history().setControls(environment, plan.get().bundle(), now);
      } catch (RuntimeException e) {
        synchronized (cell) {
          cell.pinnedRevision = pinnedBefore;
        }
        return ActionResult.conflict("cannot roll back: the pin could not be recorded in the cluster: " + e.getMessage());
      }
    }
    Operation running = new Operation(id, "rollback", "Running", who, "revision " + revision, false, false, clock.instant(), null,
        "rollback to revision " + revision, List.of());
    cell.lastOperation = running;
    emit(new StatusEvent(StatusEvent.Type.OPERATION, application, environment, clock.instant(), cell.status,
        "rollback to revision " + revision + " started by " + who));
    operations.execute(() -> {
      // Waits for a pass of a sync under way to end; the sync is then over (the pin stops it).
      cell.writing.lock();
      try {
        abandon(key, cell, "rolled back to revision " + revision + " by " + who, true);
        Rollback.Result result = new Rollback(deployer, source::export).run(environment, plan.get().bundle(), revision,
            new SyncExecutor.Options(false, false, false, settings.syncTimeout(), Duration.ofMillis(500)),
            new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()));
        boolean ok = !result.refused() && result.status() == Rollback.Status.ROLLED_BACK;
        finishOperation(key, cell, running, ok ? "Succeeded" : "Failed", result.message(),
            result.sync() == null ? List.of() : result.sync().application(application).map(Controller::steps).orElse(List.of()));
        if (!ok) {
          unpinAfterFailedRollback(cell, deployer.history(), environment, plan.get().bundle(), revision, pinnedBefore);
        }
      } catch (IOException | RuntimeException e) {
        unpinAfterFailedRollback(cell, deployer.history(), environment, plan.get().bundle(), revision, pinnedBefore);
        finishOperation(key, cell, running, "Failed", "rollback failed: " + e.getMessage(), List.of());
      } finally {
        cell.writing.unlock();
      }
      queue.add(key);
    });
    return ActionResult.accepted("rollback of " + application + " in " + environment + " to revision " + revision
        + " started; it stays pinned there until unpinned", "revision " + revision, id);
  }

  /** Takes back the pin a failed rollback set, unless it was changed since; the pause and the rest stay as they are now. */
  private void unpinAfterFailedRollback(Cell cell, HistoryStore history, String environment, ApplicationBundle bundle, int revision,
      int pinnedBefore) {
    synchronized (cell.controls) {
      HistoryStore.Controls now;
      synchronized (cell) {
        if (cell.pinnedRevision != revision) {
          return;
        }
        cell.pinnedRevision = pinnedBefore;
        now = new HistoryStore.Controls(cell.pinnedRevision, cell.paused, cell.unpinnedThrough);
      }
      try {
        history.setControls(environment, bundle, now);
      } catch (RuntimeException e) {
        log.warn("the pin of a failed rollback could not be removed", "error", String.valueOf(e.getMessage()));
      }
    }
  }

  @Override
  public ActionResult refresh(String application, String environment, String who) {
    Key key = new Key(application, environment);
    if (!cells.containsKey(key)) {
      return ActionResult.notFound("no application " + application + " in " + environment);
    }
    scheduler.execute(() -> {
      pollQuietly();
      queue.add(key);
    });
    return ActionResult.accepted("refreshing " + application + " in " + environment, null, null);
  }

  @Override
  public ActionResult pin(String application, String environment, String who) {
    return control(application, environment, c -> {
      if (c.pinnedRevision > 0) {
        return false;
      }
      // Pinned to the newest revision in the history (none yet: to whatever is deployed when one is recorded).
      c.pinnedRevision = c.newestRevision > 0 ? c.newestRevision : Integer.MAX_VALUE;
      return true;
    }, "pinned", "already pinned");
  }

  @Override
  public ActionResult unpin(String application, String environment, String who) {
    return control(application, environment, c -> {
      boolean was = c.pinnedRevision > 0;
      c.pinnedRevision = 0;
      c.unpinnedThrough = Math.max(c.newestRevision, c.history.isEmpty() ? 0 : c.history.get(0).number());
      return was;
    }, "unpinned: automated sync resumes", "not pinned");
  }

  @Override
  public ActionResult pause(String application, String environment, String who) {
    return control(application, environment, c -> {
      boolean was = c.paused;
      c.paused = true;
      return !was;
    }, "automated sync paused", "already paused");
  }

  @Override
  public ActionResult resume(String application, String environment, String who) {
    return control(application, environment, c -> {
      boolean was = c.paused;
      c.paused = false;
      return was;
    }, "automated sync resumed", "not paused");
  }

  private ActionResult control(String application, String environment, Predicate<Cell> change, String done, String unchanged) {
    Key key = new Key(application, environment);
    Cell cell = cells.get(key);
    if (cell == null) {
      return ActionResult.notFound("no application " + application + " in " + environment);
    }
    if (!responsibility.writes(application)) {
      return ActionResult.conflict("this replica does not lead the shard of " + application + "; ask the leader");
    }
    Rendered r = rendered;
    Optional<ApplicationPlan> plan = r == null ? Optional.empty() : r.application(environment, application);
    Cluster cluster = environmentClusters.get(environment);
    if (plan.isEmpty() || cluster == null || !cluster.ready()) {
      return ActionResult.conflict("cannot record it now: " + (plan.isEmpty() ? application + " does not plan in " + environment
          : cluster == null ? "no cluster for " + environment : cluster.problem));
    }
    boolean changed;
    synchronized (cell.controls) {
      boolean adopted;
      synchronized (cell) {
        adopted = cell.controlsAdopted;
      }
      if (!adopted) {
        // Just became the writer (or just started): start from what is recorded, not from memory.
        try {
          adoptControls(cell, new HistoryStore(cluster.client).controls(environment, plan.get().bundle()), true);
        } catch (RuntimeException e) {
          return ActionResult.conflict("cannot read the recorded pin and pause: " + e.getMessage());
        }
      }
      HistoryStore.Controls before;
      HistoryStore.Controls after;
      synchronized (cell) {
        before = new HistoryStore.Controls(cell.pinnedRevision, cell.paused, cell.unpinnedThrough);
        changed = change.test(cell);
        after = new HistoryStore.Controls(cell.pinnedRevision, cell.paused, cell.unpinnedThrough);
        cell.controlsAdopted = true;
      }
      if (!after.equals(before)) {
        try {
          // Kept in the cluster, on the history ConfigMap: a standby that takes over, or a restart, starts from it.
          new HistoryStore(cluster.client).setControls(environment, plan.get().bundle(), after);
        } catch (RuntimeException e) {
          synchronized (cell) {
            cell.pinnedRevision = before.pinnedRevision();
            cell.paused = before.paused();
            cell.unpinnedThrough = before.unpinnedThrough();
          }
          return ActionResult.conflict("not changed: it could not be recorded in the cluster: " + e.getMessage());
        }
      }
    }
    ApplicationStatus s = cell.status;
    if (s != null) {
      int pinned;
      boolean paused;
      synchronized (cell) {
        pinned = cell.pinnedRevision;
        paused = cell.paused;
      }
      publishStatus(key, cell, new ApplicationStatus(s.application(), s.environment(), s.sync(), s.health(), s.healthReason(),
          s.revision(), s.images(), s.lastSyncTime(), s.driftedObjects(), s.monthlyCost(), s.currency(), s.policyFindings(),
          pinned > 0, pinned, paused), null);
    }
    queue.add(key);
    return ActionResult.done(changed ? done : unchanged, s == null ? null : s.revision());
  }

  @Override
  public PushResult onPush(String branch, String commit, List<String> paths) {
    if (settings.branch() != null && !settings.branch().equals(branch)) {
      return new PushResult(false, "push to " + branch + " ignored: the server follows " + settings.branch(), List.of());
    }
    Set<String> apps = new TreeSet<>();
    boolean platformWide = paths.isEmpty();
    for (String p : paths) {
      String app = Rendered.applicationOf(stripPrefix(p));
      if (app == null) {
        platformWide = true;
      } else {
        apps.add(app);
      }
    }
    emit(new StatusEvent(StatusEvent.Type.PUSH, null, null, clock.instant(), null, "push to " + branch + " at " + commit));
    scheduler.execute(this::pollQuietly);
    Rendered r = rendered;
    List<String> named = platformWide && r != null ? r.applications() : List.copyOf(apps);
    return new PushResult(true, "fetching " + branch + " now", named);
  }

  private static String stripPrefix(String path) {
    int i = path.indexOf("apps/");
    return i < 0 ? path : path.substring(i);
  }

  /**
   * Hears each platform revision whose {@code access:} list differs from the previous one's (and
   * the first one read), on the poller's thread: how the API's roles follow the platform file.
   */
  public Controller onAccessChange(Consumer<dev.slipway.model.spec.PlatformSpec> listener) {
    platformListeners.add(listener);
    return this;
  }

  @Override
  public AutoCloseable subscribe(Consumer<StatusEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void emit(StatusEvent e) {
    for (Consumer<StatusEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("event listener failed", "error", String.valueOf(ex));
      }
    }
  }

  @Override
  public boolean ready() {
    if (!polled.get() || rendered == null) {
      return false;
    }
    for (Cluster c : environmentClusters.values()) {
      OwnedWatch w = c.watch;
      if (w != null && !w.synced()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean simulated() {
    return settings.simulated();
  }

  /** Why the platform could not be read at the last poll, or null. */
  public String pollProblem() {
    return pollProblem;
  }

  @Override
  public void close() {
    stopped = true;
    queue.shutDown();
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (operations != null) {
      operations.shutdownNow();
    }
    if (workers != null) {
      workers.shutdownNow();
      try {
        workers.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    environmentClusters.values().forEach(Cluster::closeQuietly);
    source.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private RateLimiter limiter(String environment) {
    return limiters.computeIfAbsent(environment, e -> new RateLimiter(settings.qps(), settings.burst()));
  }

  /** {@code Kind/namespace/name} or {@code Kind/name} into group (unknown here: ""), kind, namespace, name. */
  private static String[] parseRef(String ref) {
    String[] p = ref.split("/");
    if (p.length >= 3) {
      return new String[] {"", p[0], p[1], String.join("/", java.util.Arrays.copyOfRange(p, 2, p.length))};
    }
    if (p.length == 2) {
      return new String[] {"", p[0], "", p[1]};
    }
    return new String[] {"", ref, "", ""};
  }

  private static String ref(RenderedObject o) {
    return o.namespace() == null ? o.kind() + "/" + o.name() : o.kind() + "/" + o.namespace() + "/" + o.name();
  }

  private static List<String> images(ApplicationBundle bundle) {
    Set<String> out = new TreeSet<>();
    for (RenderedObject o : bundle.objects()) {
      JsonNode spec = o.body().path("spec");
      JsonNode pod = o.kind().equals("CronJob") ? spec.path("jobTemplate").path("spec").path("template").path("spec")
          : spec.path("template").path("spec");
      for (String list : new String[] {"initContainers", "containers"}) {
        pod.path(list).forEach(c -> {
          if (c.hasNonNull("image")) {
            out.add(c.get("image").asText());
          }
        });
      }
    }
    return List.copyOf(out);
  }
}
