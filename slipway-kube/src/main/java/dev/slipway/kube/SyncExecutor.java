package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.sync.ManagedKinds;
import dev.slipway.engine.sync.DiffPlanner;
import dev.slipway.engine.health.HealthRules;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.engine.sync.ObjectDiff;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.engine.sync.Ownership;
import dev.slipway.engine.sync.ThreeWayMerge;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Carries out a sync of one application in one environment: reads what Slipway owns (one list per
 * kind), compares it with what is rendered, applies wave by wave (client-side three-way merge sent
 * as an update carrying resourceVersion), waits for each wave to be healthy before the next, and
 * prunes what is no longer rendered when asked. Never prunes after a failed apply; never deletes
 * volume claims unless asked; never treats an object as its own unless its tracking annotation
 * says so ({@link Ownership}).
 */
public final class SyncExecutor {
  /** Kinds Slipway renders for applications: what it lists to find what it owns. */
  /** The kinds an application owns, as {apiVersion, kind}: {@link ManagedKinds#APPLICATION}. */
  static final List<String[]> OWNED_KINDS = ManagedKinds.APPLICATION.stream()
      .map(k -> new String[] {k.apiVersion(), k.kind()}).toList();

  /**
   * How to sync.
   *
   * @param timeout how long the sync may take in all (health waits included)
   * @param serverSide apply with server-side apply (field manager {@value ClusterClient#FIELD_MANAGER},
   *     forcing conflicts) instead of the client-side three-way merge
   * @param deadline when the sync must be over (null: {@code timeout} from the start of each apply)
   */
  public record Options(boolean dryRun, boolean prune, boolean pruneVolumes, Duration timeout, Duration pollInterval, boolean serverSide,
      Instant deadline) {
    public Options(boolean dryRun, boolean prune, boolean pruneVolumes, Duration timeout, Duration pollInterval, boolean serverSide) {
      this(dryRun, prune, pruneVolumes, timeout, pollInterval, serverSide, null);
    }

    public Options(boolean dryRun, boolean prune, boolean pruneVolumes, Duration timeout, Duration pollInterval) {
      this(dryRun, prune, pruneVolumes, timeout, pollInterval, false, null);
    }

    /** The same options with the whole sync bounded by {@code end}. */
    public Options until(Instant end) {
      return new Options(dryRun, prune, pruneVolumes, timeout, pollInterval, serverSide, end);
    }
  }

  /**
   * What happened to one object.
   *
   * @param wave the sync wave the object was applied in, or null for prunes and teardowns
   */
  public record Step(String ref, String action, String detail, Integer wave) {
    public Step(String ref, String action, String detail) {
      this(ref, action, detail, null);
    }
  }

  /**
   * One object a prune would act on: deleted when {@code delete}, otherwise kept for {@code reason}.
   *
   * @param live the object as listed, or null for a claim found by name
   */
  public record PruneAction(String ref, JsonNode live, boolean delete, String reason) {}

  /**
   * The result of applying (or pruning): every step, whether it succeeded, why not, how many writes
   * it made, and what a prune would do next (empty after a prune).
   */
  public record Outcome(List<Step> steps, boolean succeeded, String failure, int writes, List<PruneAction> prunes, Failure cause) {
    public Outcome {
      steps = List.copyOf(steps);
      prunes = List.copyOf(prunes);
    }

    /** An outcome whose failure, if any, is a refused write ({@link Failure#WRITE}). */
    public Outcome(List<Step> steps, boolean succeeded, String failure, int writes, List<PruneAction> prunes) {
      this(steps, succeeded, failure, writes, prunes, succeeded ? null : Failure.WRITE);
    }
  }

  /**
   * Why an outcome failed, so callers (the server's status, its metrics) need not read the message:
   * a write the API server refused, a wave that did not become healthy, the sync's time running
   * out, a read that failed before anything of the application was written.
   */
  public enum Failure {
    WRITE, UNHEALTHY, DEADLINE, READ, INTERRUPTED,
    /**
     * Not a failure: a wave was applied and is not healthy yet, and this executor does not wait
     * ({@link #yieldingWhileProgressing}). Nothing later was applied and nothing pruned; the caller
     * applies again once the objects change, and the waves already healthy are passed over.
     */
    PROGRESSING
  }

  private final ClusterClient client;
  private final Clock clock;
  private final boolean yieldWhileProgressing;
  private final HealthRules health;

  public SyncExecutor(ClusterClient client, Clock clock) {
    this(client, clock, false, HealthRules.BUILT_IN);
  }

  private SyncExecutor(ClusterClient client, Clock clock, boolean yieldWhileProgressing, HealthRules health) {
    this.client = client;
    this.clock = clock;
    this.yieldWhileProgressing = yieldWhileProgressing;
    this.health = health;
  }

  /**
   * An executor that judges health with {@code rules} (the platform's Lua health scripts in front
   * of the built-in rules) in its health waits, and hands them to {@link
   * dev.slipway.kube.deploy.StatusReader}s built on it.
   */
  public SyncExecutor withHealth(HealthRules rules) {
    return new SyncExecutor(client, clock, yieldWhileProgressing, rules == null ? HealthRules.BUILT_IN : rules);
  }

  /** How this executor judges health. */
  public HealthRules health() {
    return health;
  }

  /**
   * An executor that does not wait for a wave to become healthy: {@link #apply} judges the wave on
   * the objects as the server returned them (or as the snapshot holds them) and, when one is not
   * healthy yet, returns at once with {@link Failure#PROGRESSING}. A controller that watches the
   * objects calls it again when they change, as Argo CD's operation loop does, and holds no thread
   * while a rollout takes its time.
   */
  public SyncExecutor yieldingWhileProgressing() {
    return new SyncExecutor(client, clock, true, health);
  }

  /** The pseudo-application of an environment's cluster-wide objects (node pools, shared namespaces). */
  public static final String CLUSTER = Ownership.CLUSTER_APP;
  private static final List<String[]> CLUSTER_KINDS = ManagedKinds.ENVIRONMENT.stream()
      .map(k -> new String[] {k.apiVersion(), k.kind()}).toList();

  /**
   * What carries Slipway's labels for this application (or the environment, for {@link #CLUSTER})
   * in the cluster: candidates, of which only the objects {@link Ownership#owns} are Slipway's.
   */
  public List<JsonNode> owned(String environment, ApplicationBundle bundle) {
    if (bundle.application().equals(CLUSTER)) {
      Map<String, String> labels = new TreeMap<>(Map.of(Labels.ENVIRONMENT, environment, Labels.MANAGED_BY, "slipway"));
      List<JsonNode> out = new ArrayList<>();
      for (String[] k : CLUSTER_KINDS) {
        client.list(k[0], k[1], null, labels).stream()
            .filter(o -> !o.path("metadata").path("labels").has(Labels.APPLICATION)).forEach(out::add);
      }
      return out;
    }
    Map<String, String> labels = new TreeMap<>(Map.of(Labels.ENVIRONMENT, environment, Labels.APPLICATION, bundle.application(),
        Labels.MANAGED_BY, "slipway"));
    List<JsonNode> out = new ArrayList<>();
    for (String[] k : OWNED_KINDS) {
      String ns = ManagedKinds.namespaced(k[1]) ? bundle.namespace() : null;
      out.addAll(client.list(k[0], k[1], ns, labels));
    }
    return out;
  }

  /** The bundle with its components' objects as their rollouts want them now (read from the cluster; nothing written). */
  public dev.slipway.kube.rollout.RolloutSync.Shaped shaped(String environment, ApplicationBundle bundle) {
    return dev.slipway.kube.rollout.RolloutSync.shaped(client, clock, environment, bundle, false, line -> { });
  }

  public Clock clock() {
    return clock;
  }

  /** How the bundle compares with the cluster; components with a strategy as their rollouts want them now. */
  public List<ObjectDiff> diff(String environment, ApplicationBundle bundle) {
    ApplicationBundle shaped = dev.slipway.kube.rollout.RolloutSync.prepare(client, clock, environment, bundle, false);
    return DiffPlanner.compare(shaped.objects(), owned(environment, shaped));
  }

  /**
   * What Slipway owns in a whole environment, read with one list per kind (across namespaces),
   * for syncing many applications without a list per kind per application. Objects changed after
   * the snapshot are caught by the update's resourceVersion (409, then re-read and re-merge).
   */
  public record Snapshot(List<JsonNode> objects) {
    /** The part of the snapshot {@link #owned} would return for this bundle. */
    public List<JsonNode> of(ApplicationBundle bundle) {
      List<JsonNode> out = new ArrayList<>();
      boolean cluster = bundle.application().equals(CLUSTER);
      for (JsonNode o : objects) {
        String kind = o.path("kind").asText();
        JsonNode app = o.path("metadata").path("labels").path(Labels.APPLICATION);
        if (cluster) {
          if (app.isMissingNode() && CLUSTER_KINDS.stream().anyMatch(k -> k[1].equals(kind))) {
            out.add(o);
          }
        } else if (app.asText().equals(bundle.application()) && OWNED_KINDS.stream().anyMatch(k -> k[1].equals(kind))
            && (!ManagedKinds.namespaced(kind) || o.path("metadata").path("namespace").asText().equals(bundle.namespace()))) {
          out.add(o);
        }
      }
      return out;
    }
  }

  public Snapshot snapshot(String environment) {
    Map<String, String> labels = new TreeMap<>(Map.of(Labels.ENVIRONMENT, environment, Labels.MANAGED_BY, "slipway"));
    Map<String, String[]> kinds = new LinkedHashMap<>();
    OWNED_KINDS.forEach(k -> kinds.put(k[1], k));
    CLUSTER_KINDS.forEach(k -> kinds.put(k[1], k));
    List<JsonNode> all = new ArrayList<>();
    for (String[] k : kinds.values()) {
      all.addAll(client.list(k[0], k[1], null, labels));
    }
    return new Snapshot(all);
  }

  public Outcome sync(String environment, ApplicationBundle bundle, Options options, Consumer<String> progress) {
    return sync(environment, bundle, options, progress, null);
  }

  /**
   * Syncs one bundle: applies it, then prunes when every apply succeeded. Comparing against
   * {@code snapshot} when given instead of listing what it owns. Several bundles synced together
   * should call {@link #apply} for each and {@link #prune} only once all applies succeeded.
   */
  public Outcome sync(String environment, ApplicationBundle bundle, Options options, Consumer<String> progress, Snapshot snapshot) {
    Outcome applied = apply(environment, bundle, options, progress, snapshot);
    if (!applied.succeeded()) {
      return applied;
    }
    Outcome pruned = prune(applied.prunes(), options, progress);
    List<Step> steps = new ArrayList<>(applied.steps());
    steps.addAll(pruned.steps());
    return new Outcome(steps, pruned.succeeded(), pruned.failure(), applied.writes() + pruned.writes(), List.of(), pruned.cause());
  }

  /**
   * Applies one bundle wave by wave and waits for each wave to be healthy; prunes nothing. The
   * outcome lists what a prune would do next. A failure to read what Slipway owns before anything is
   * written is thrown ({@link KubernetesClientException}); every failure after that is in the outcome.
   */
  public Outcome apply(String environment, ApplicationBundle bundle, Options options, Consumer<String> progress, Snapshot snapshot) {
    // Components with a delivery strategy: their rollout's objects (a new revision starts the rollout here).
    return applyShaped(environment, dev.slipway.kube.rollout.RolloutSync.prepare(client, clock, environment, bundle, !options.dryRun(),
        progress), options, progress, snapshot);
  }

  /**
   * {@link #apply} of objects already shaped by their rollouts: what a rollout's driver applies
   * when it moves a rollout on.
   */
  public Outcome applyShaped(String environment, ApplicationBundle bundle, Options options, Consumer<String> progress, Snapshot snapshot) {
    List<JsonNode> live = snapshot == null ? owned(environment, bundle) : snapshot.of(bundle);
    List<ObjectDiff> diffs = DiffPlanner.compare(bundle.objects(), live);
    List<PruneAction> prunes = pruneActions(diffs, live, options);
    java.util.Set<String> autoscaled = DiffPlanner.autoscaledWorkloads(bundle.objects());
    Map<String, ObjectDiff> byRef = new LinkedHashMap<>();
    diffs.forEach(d -> byRef.put(d.ref(), d));
    Map<Integer, List<RenderedObject>> waves = new TreeMap<>();
    bundle.objects().forEach(o -> waves.computeIfAbsent(o.wave(), w -> new ArrayList<>()).add(o));
    List<Step> steps = new ArrayList<>();
    int writes = 0;
    Instant deadline = options.deadline() != null ? options.deadline() : clock.instant().plus(options.timeout());
    for (Map.Entry<Integer, List<RenderedObject>> wave : waves.entrySet()) {
      List<JsonNode> applied = new ArrayList<>();
      for (RenderedObject o : wave.getValue()) {
        ObjectDiff d = byRef.get(o.ref());
        if (!options.dryRun() && d.state() != SyncState.SYNCED && !clock.instant().isBefore(deadline)) {
          String why = "the sync's timeout of " + human(options.timeout()) + " ran out before " + o.ref() + " was applied";
          return new Outcome(steps, false, why, writes, List.of(), Failure.DEADLINE);
        }
        if (d.state() == SyncState.SYNCED) {
          steps.add(new Step(o.ref(), "unchanged", "", wave.getKey()));
          applied.add(d.live());
          continue;
        }
        String action = d.state() == SyncState.MISSING ? "create" : "update";
        progress.accept("wave " + wave.getKey() + ": " + action + " " + o.ref());
        if (options.dryRun()) {
          steps.add(new Step(o.ref(), "would " + action, d.diff(), wave.getKey()));
          continue;
        }
        try {
          if (options.serverSide() && d.live() != null && autoscaled.contains(DiffPlanner.key(d.desired()))) {
            handOverReplicas(d.live());
          }
          applied.add(options.serverSide() ? client.serverSideApply(d.desired())
              : apply(d, autoscaled.contains(DiffPlanner.key(d.desired()))));
          writes++;
          steps.add(new Step(o.ref(), action, "", wave.getKey()));
        } catch (KubernetesClientException e) {
          String why = action + " of " + o.ref() + " failed: " + message(e);
          steps.add(new Step(o.ref(), "failed", why, wave.getKey()));
          return new Outcome(steps, false, why, writes, List.of());
        }
      }
      if (!options.dryRun() && yieldWhileProgressing) {
        String waiting = unhealthy(applied);
        if (waiting != null) {
          if (!clock.instant().isBefore(deadline)) {
            return new Outcome(steps, false, "wave " + wave.getKey() + " not healthy within the sync's timeout of "
                + human(options.timeout()) + ": " + waiting + " (what was applied stays)", writes, List.of(), Failure.DEADLINE);
          }
          progress.accept("wave " + wave.getKey() + ": waiting for " + waiting);
          return new Outcome(steps, false, "wave " + wave.getKey() + ": waiting for " + waiting, writes, List.of(), Failure.PROGRESSING);
        }
      } else if (!options.dryRun()) {
        String unhealthy = waitHealthy(applied, wave.getKey(), options, deadline, progress);
        if (unhealthy != null) {
          Failure cause = unhealthy.startsWith("interrupted") ? Failure.INTERRUPTED
              : unhealthy.contains("within the sync's timeout") ? Failure.DEADLINE
              : unhealthy.contains(": cannot read ") ? Failure.READ : Failure.UNHEALTHY;
          return new Outcome(steps, false, unhealthy + " (what was applied stays)", writes, List.of(), cause);
        }
      }
    }
    return new Outcome(steps, true, null, writes, prunes);
  }

  /**
   * What a prune would do with the Extra objects: delete them when {@code --prune} allows it, but a
   * volume claim only with {@code --prune-volumes}; with a StatefulSet being pruned, the claims its
   * controller made from its templates go too only with {@code --prune-volumes}, and are otherwise
   * kept and said so. Claims of a StatefulSet that stays are never touched.
   */
  static List<PruneAction> pruneActions(List<ObjectDiff> diffs, List<JsonNode> live, Options options) {
    List<PruneAction> out = new ArrayList<>();
    for (ObjectDiff d : diffs) {
      if (d.state() != SyncState.EXTRA) {
        continue;
      }
      String kind = d.live().path("kind").asText();
      boolean volume = kind.equals("PersistentVolumeClaim");
      if (kind.equals("Namespace")) {
        // Deleting a namespace deletes everything in it: claims, history, objects that are not Slipway's.
        out.add(new PruneAction(d.ref(), d.live(), false, "a namespace is never pruned: deleting it would delete everything in it,"
            + " volume claims included; use slipway destroy, or delete it by hand once it is empty"));
      } else if (!options.prune()) {
        out.add(new PruneAction(d.ref(), d.live(), false, "use --prune to delete"));
      } else if (volume && !options.pruneVolumes()) {
        out.add(new PruneAction(d.ref(), d.live(), false, "volume claims are pruned only with --prune-volumes"));
      } else {
        out.add(new PruneAction(d.ref(), d.live(), true, ""));
      }
      if (kind.equals("StatefulSet") && options.prune()) {
        for (JsonNode claim : live) {
          if (Ownership.isClaimOf(claim, d.live())) {
            String ref = "PersistentVolumeClaim/" + claim.path("metadata").path("namespace").asText() + "/"
                + claim.path("metadata").path("name").asText();
            out.add(options.pruneVolumes() ? new PruneAction(ref, claim, true, "volume of pruned " + d.ref())
                : new PruneAction(ref, claim, false, "volume of pruned " + d.ref() + ": data is kept; use --prune-volumes to delete it"));
          }
        }
      }
    }
    return out;
  }

  /**
   * Carries out prune actions in order, stopping at the first delete that fails (what was deleted
   * stays deleted; the failure is the outcome's, with the object and the server's reason).
   */
  public Outcome prune(List<PruneAction> actions, Options options, Consumer<String> progress) {
    List<Step> steps = new ArrayList<>();
    int writes = 0;
    for (PruneAction a : actions) {
      if (!a.delete()) {
        steps.add(new Step(a.ref(), a.ref().startsWith("PersistentVolumeClaim/") && options.prune() ? "kept" : "not pruned", a.reason()));
        continue;
      }
      progress.accept("prune " + a.ref());
      if (options.dryRun()) {
        steps.add(new Step(a.ref(), "would prune", a.reason()));
        continue;
      }
      try {
        // Listed minutes ago, maybe: delete only the very object that was listed, and only if it is still Slipway's.
        JsonNode now = read(a.live());
        if (now == null) {
          steps.add(new Step(a.ref(), "gone", "deleted since it was listed"));
          continue;
        }
        String uid = a.live().path("metadata").path("uid").asText("");
        boolean claim = a.live().path("kind").asText().equals("PersistentVolumeClaim") && !Ownership.owns(a.live());
        if (!uid.isEmpty() && !uid.equals(now.path("metadata").path("uid").asText()) || !claim && !Ownership.owns(now)) {
          steps.add(new Step(a.ref(), "not pruned", "it changed since it was listed (recreated, or no longer Slipway's)"));
          continue;
        }
        client.delete(now);
      } catch (KubernetesClientException e) {
        String why = "prune of " + a.ref() + " failed: " + message(e);
        steps.add(new Step(a.ref(), "failed", why));
        return new Outcome(steps, false, why + " (" + writes + " object(s) pruned before it)", writes, List.of());
      }
      writes++;
      steps.add(new Step(a.ref(), "pruned", a.reason()));
    }
    return new Outcome(steps, true, null, writes, List.of());
  }

  /**
   * Teardown order, after seed 001: ingresses and services first (so cloud load balancers are
   * released), then autoscalers and workloads, then configuration and identities, then the
   * namespace. Volume claims go only when {@code deleteData} is set.
   */
  static final List<String> DESTROY_ORDER = List.of("Ingress", "Service", "ScaledObject", "TriggerAuthentication", "HorizontalPodAutoscaler",
      "PodDisruptionBudget", "CronJob", "Deployment", "StatefulSet", "ServiceMonitor", "PrometheusRule", "ExternalSecret",
      "SecretStore", "ConfigMap", "NetworkPolicy", "ServiceAccount", "PersistentVolumeClaim", "Namespace");

  /**
   * Deletes what Slipway owns of an application, in teardown order: objects whose tracking
   * annotation names them, and objects Slipway renders under the same identity. Volume claims —
   * Slipway's own and those the StatefulSet controller made from its templates — go only when
   * {@code deleteData}; the namespace holding kept claims stays. A failed delete stops the
   * teardown and is the outcome's failure.
   */
  public Outcome destroy(String environment, ApplicationBundle bundle, boolean deleteData, boolean dryRun, Consumer<String> progress) {
    List<JsonNode> listed = owned(environment, bundle);
    java.util.Set<String> rendered = new java.util.HashSet<>();
    bundle.objects().forEach(o -> rendered.add(DiffPlanner.key(o.body())));
    List<JsonNode> mine = new ArrayList<>();
    for (JsonNode o : listed) {
      if (Ownership.owns(o) || rendered.contains(DiffPlanner.key(o))) {
        mine.add(o);
      }
    }
    // Claims the StatefulSet controller made from a live or rendered StatefulSet's templates (the
    // set may be gone already, after a destroy that kept the data).
    List<JsonNode> sets = new ArrayList<>(mine);
    bundle.objects().forEach(o -> sets.add(o.body()));
    for (JsonNode o : listed) {
      if (!mine.contains(o) && sets.stream().anyMatch(set -> Ownership.isClaimOf(o, set))) {
        mine.add(o);
      }
    }
    if (bundle.namespace() != null && !bundle.application().equals(CLUSTER)) {
      // The application's rollout states: a later deploy must not resume a rollout of what was destroyed.
      Map<String, String> rolloutLabels = new TreeMap<>(Map.of(Labels.ENVIRONMENT, environment,
          dev.slipway.kube.rollout.RolloutStore.ROLLOUT_OF, bundle.application()));
      mine.addAll(client.list("v1", "ConfigMap", bundle.namespace(), rolloutLabels));
    }
    mine.sort(java.util.Comparator.comparingInt((JsonNode o) -> {
      int i = DESTROY_ORDER.indexOf(o.path("kind").asText());
      return i < 0 ? DESTROY_ORDER.size() - 1 : i;
    }).thenComparing(o -> o.path("metadata").path("name").asText()));
    List<Step> steps = new ArrayList<>();
    int writes = 0;
    boolean keptVolumes = false;
    for (JsonNode o : mine) {
      String kind = o.path("kind").asText();
      String ref = kind + "/" + o.path("metadata").path("namespace").asText("") + "/" + o.path("metadata").path("name").asText();
      ref = ref.replace("//", "/");
      if (kind.equals("PersistentVolumeClaim") && !deleteData) {
        steps.add(new Step(ref, "kept", "data is kept; use --delete-data to delete it"));
        keptVolumes = true;
        continue;
      }
      if (kind.equals("Namespace") && keptVolumes) {
        steps.add(new Step(ref, "kept", "holds the kept volume claims"));
        continue;
      }
      progress.accept("delete " + ref);
      if (dryRun) {
        steps.add(new Step(ref, "would delete", ""));
        continue;
      }
      try {
        client.delete(o);
      } catch (KubernetesClientException e) {
        String why = "delete of " + ref + " failed: " + message(e);
        steps.add(new Step(ref, "failed", why));
        return new Outcome(steps, false, why + " (" + writes + " object(s) deleted before it)", writes, List.of());
      }
      writes++;
      steps.add(new Step(ref, "deleted", ""));
    }
    return new Outcome(steps, true, null, writes, List.of());
  }

  /**
   * Creates or updates; on a conflict (someone wrote in between) re-reads, re-merges and retries.
   * A create answered "already exists" — the first response was lost and the retry found the
   * object, or another run created it — reads the object and continues with an update.
   */
  private JsonNode apply(ObjectDiff d, boolean autoscaled) {
    JsonNode merged;
    JsonNode live;
    if (d.state() == SyncState.MISSING) {
      try {
        return client.create(d.merged());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        live = read(d.desired());
        if (live == null) {
          throw e;
        }
        if (!sameOwner(live, d.desired())) {
          throw new KubernetesClientException(d.ref() + " already exists and is not Slipway's (it lacks this application's"
              + " labels); Slipway does not take over objects it did not create: label it or delete it", 409, null);
        }
        merged = DiffPlanner.remerge(d.desired(), live, autoscaled);
      }
    } else {
      live = d.live();
      merged = d.merged();
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return client.update(merged);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          // Deleted since it was listed: create it again.
          return client.create(d.desired());
        }
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
        live = read(live);
        if (live == null) {
          return client.create(d.desired());
        }
        merged = DiffPlanner.remerge(d.desired(), live, autoscaled);
      }
    }
  }

  /**
   * Whether an object found under a rendered object's name belongs to the same environment and
   * application (another run of Slipway created it, or this run's lost response did).
   */
  static boolean sameOwner(JsonNode live, JsonNode desired) {
    JsonNode l = live.path("metadata").path("labels");
    JsonNode w = desired.path("metadata").path("labels");
    return l.path(Labels.MANAGED_BY).asText().equals("slipway") && l.path(Labels.ENVIRONMENT).asText().equals(w.path(Labels.ENVIRONMENT).asText())
        && l.path(Labels.APPLICATION).asText("").equals(w.path(Labels.APPLICATION).asText(""));
  }

  /** The field manager that takes over a workload's replica count before Slipway stops applying it. */
  public static final String HANDOVER_MANAGER = "slipway-handover";

  /**
   * Server-side apply removes a field its manager applied before and no longer applies. When a
   * workload gains an autoscaler, Slipway stops applying {@code spec.replicas}; so that the API
   * server does not reset it to 1, the live count is first applied by a second field manager
   * (Kubernetes' documented hand-over to an autoscaler): both then own the value, and dropping it
   * from Slipway's apply leaves it in place for the autoscaler. Only when Slipway's manager owns
   * the field.
   */
  private void handOverReplicas(JsonNode live) {
    if (!live.path("spec").has("replicas") || !managesReplicas(live)) {
      return;
    }
    com.fasterxml.jackson.databind.node.ObjectNode handover = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    handover.put("apiVersion", live.path("apiVersion").asText()).put("kind", live.path("kind").asText());
    handover.putObject("metadata").put("name", live.path("metadata").path("name").asText())
        .put("namespace", live.path("metadata").path("namespace").asText());
    handover.putObject("spec").set("replicas", live.path("spec").path("replicas"));
    client.serverSideApply(handover, HANDOVER_MANAGER, false);
  }

  private static boolean managesReplicas(JsonNode live) {
    for (JsonNode m : live.path("metadata").path("managedFields")) {
      if (ClusterClient.FIELD_MANAGER.equals(m.path("manager").asText()) && m.path("fieldsV1").path("f:spec").has("f:replicas")) {
        return true;
      }
    }
    return false;
  }

  private JsonNode read(JsonNode like) {
    return client.get(like.path("apiVersion").asText(), like.path("kind").asText(),
        like.path("metadata").path("namespace").asText(null), like.path("metadata").path("name").asText());
  }

  private static JsonNode lastApplied(JsonNode live) {
    return DiffPlanner.lastApplied(live);
  }

  /**
   * Waits until every object of the wave is healthy (or suspended). The first pass judges the
   * objects as the server last returned them (listed, created or updated), so a wave with nothing
   * to wait for costs no request; later passes re-read only the objects not yet healthy.
   * Returns why the wave is not healthy by the deadline, or null.
   */
  private String waitHealthy(List<JsonNode> objects, int wave, Options options, Instant deadline, Consumer<String> progress) {
    Instant started = clock.instant();
    String previous = null;
    List<JsonNode> pending = new ArrayList<>(objects);
    boolean first = true;
    while (true) {
      String waitingFor = null;
      for (java.util.Iterator<JsonNode> it = pending.iterator(); it.hasNext(); ) {
        JsonNode o = it.next();
        JsonNode live;
        if (!first && !clock.instant().isBefore(deadline)) {
          // Out of time: report what the last look found rather than reading again.
          waitingFor = waitingFor != null ? waitingFor : previous;
          break;
        }
        try {
          live = first ? o : read(o);
        } catch (KubernetesClientException e) {
          return "wave " + wave + ": cannot read " + o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()
              + " while waiting for it to be healthy: " + message(e);
        }
        Health.Assessment h = health.assess(live);
        if (h != null && h.status() != HealthStatus.HEALTHY && h.status() != HealthStatus.SUSPENDED) {
          if (waitingFor == null) {
            waitingFor = live == null ? "missing" : o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()
                + " is " + h.status().label() + (h.message().isEmpty() ? "" : ": " + h.message());
          }
        } else {
          it.remove();
        }
      }
      first = false;
      if (waitingFor == null) {
        return null;
      }
      previous = waitingFor;
      if (!clock.instant().isBefore(deadline)) {
        return "wave " + wave + " not healthy within the sync's timeout of " + human(options.timeout()) + ": " + waitingFor;
      }
      progress.accept("wave " + wave + ": waiting for " + waitingFor + " ("
          + Duration.between(started, clock.instant()).toSeconds() + "s)");
      try {
        Thread.sleep(options.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while waiting for wave " + wave;
      }
    }
  }

  /** The first object of the list that is neither healthy nor suspended, as "Kind/name is Status: message", or null. */
  private String unhealthy(List<JsonNode> objects) {
    for (JsonNode o : objects) {
      Health.Assessment h = health.assess(o);
      if (h != null && h.status() != HealthStatus.HEALTHY && h.status() != HealthStatus.SUSPENDED) {
        return o == null ? "missing" : o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()
            + " is " + h.status().label() + (h.message().isEmpty() ? "" : ": " + h.message());
      }
    }
    return null;
  }

  private static String human(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? ms + "ms" : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static String message(KubernetesClientException e) {
    String m = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    return e.getCode() > 0 ? "HTTP " + e.getCode() + ": " + m : m;
  }
}
