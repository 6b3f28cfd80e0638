package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.sync.DiffPlanner;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.engine.sync.ObjectDiff;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
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
 * volume claims unless asked.
 */
public final class SyncExecutor {
  /** Kinds Slipway renders for applications: what it lists to find what it owns. */
  static final List<String[]> OWNED_KINDS = List.of(
      new String[] {"v1", "Namespace"}, new String[] {"networking.k8s.io/v1", "NetworkPolicy"},
      new String[] {"policy/v1", "PodDisruptionBudget"}, new String[] {"v1", "ServiceAccount"},
      new String[] {"external-secrets.io/v1", "SecretStore"}, new String[] {"external-secrets.io/v1", "ExternalSecret"},
      new String[] {"v1", "ConfigMap"}, new String[] {"v1", "PersistentVolumeClaim"}, new String[] {"v1", "Service"},
      new String[] {"apps/v1", "StatefulSet"}, new String[] {"apps/v1", "Deployment"},
      new String[] {"autoscaling/v2", "HorizontalPodAutoscaler"}, new String[] {"keda.sh/v1alpha1", "ScaledObject"},
      new String[] {"batch/v1", "CronJob"}, new String[] {"networking.k8s.io/v1", "Ingress"},
      new String[] {"monitoring.coreos.com/v1", "ServiceMonitor"}, new String[] {"monitoring.coreos.com/v1", "PrometheusRule"});

  /**
   * How to sync.
   *
   * @param serverSide apply with server-side apply (field manager {@value ClusterClient#FIELD_MANAGER},
   *     forcing conflicts) instead of the client-side three-way merge
   */
  public record Options(boolean dryRun, boolean prune, boolean pruneVolumes, Duration timeout, Duration pollInterval, boolean serverSide) {
    public Options(boolean dryRun, boolean prune, boolean pruneVolumes, Duration timeout, Duration pollInterval) {
      this(dryRun, prune, pruneVolumes, timeout, pollInterval, false);
    }
  }

  /** What happened to one object. */
  public record Step(String ref, String action, String detail) {}

  /** The sync's result: every step, whether it succeeded, why not, and how many writes it made. */
  public record Outcome(List<Step> steps, boolean succeeded, String failure, int writes) {}

  private final ClusterClient client;
  private final Clock clock;

  public SyncExecutor(ClusterClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The pseudo-application of an environment's cluster-wide objects (node pools, shared namespaces). */
  public static final String CLUSTER = "_cluster";
  private static final List<String[]> CLUSTER_KINDS = List.of(new String[] {"v1", "Namespace"},
      new String[] {"karpenter.k8s.aws/v1", "EC2NodeClass"}, new String[] {"karpenter.sh/v1", "NodePool"});

  /** What Slipway owns of this application (or of the environment, for {@link #CLUSTER}) in the cluster. */
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
      String ns = k[1].equals("Namespace") ? null : bundle.namespace();
      out.addAll(client.list(k[0], k[1], ns, labels));
    }
    return out;
  }

  public List<ObjectDiff> diff(String environment, ApplicationBundle bundle) {
    return DiffPlanner.compare(bundle.objects(), owned(environment, bundle));
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
            && (kind.equals("Namespace") || o.path("metadata").path("namespace").asText().equals(bundle.namespace()))) {
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

  /** Syncs one bundle, comparing against {@code snapshot} when given instead of listing what it owns. */
  public Outcome sync(String environment, ApplicationBundle bundle, Options options, Consumer<String> progress, Snapshot snapshot) {
    List<ObjectDiff> diffs = snapshot == null ? diff(environment, bundle) : DiffPlanner.compare(bundle.objects(), snapshot.of(bundle));
    Map<String, ObjectDiff> byRef = new LinkedHashMap<>();
    diffs.forEach(d -> byRef.put(d.ref(), d));
    Map<Integer, List<RenderedObject>> waves = new TreeMap<>();
    bundle.objects().forEach(o -> waves.computeIfAbsent(o.wave(), w -> new ArrayList<>()).add(o));
    List<Step> steps = new ArrayList<>();
    int writes = 0;
    for (Map.Entry<Integer, List<RenderedObject>> wave : waves.entrySet()) {
      List<JsonNode> applied = new ArrayList<>();
      for (RenderedObject o : wave.getValue()) {
        ObjectDiff d = byRef.get(o.ref());
        if (d.state() == SyncState.SYNCED) {
          steps.add(new Step(o.ref(), "unchanged", ""));
          applied.add(d.live());
          continue;
        }
        String action = d.state() == SyncState.MISSING ? "create" : "update";
        progress.accept("wave " + wave.getKey() + ": " + action + " " + o.ref());
        if (options.dryRun()) {
          steps.add(new Step(o.ref(), "would " + action, d.diff()));
          continue;
        }
        try {
          applied.add(options.serverSide() ? client.serverSideApply(d.desired()) : apply(d));
          writes++;
          steps.add(new Step(o.ref(), action, ""));
        } catch (KubernetesClientException e) {
          String why = action + " of " + o.ref() + " failed: " + message(e);
          steps.add(new Step(o.ref(), "failed", why));
          return new Outcome(steps, false, why + " (nothing was pruned)", writes);
        }
      }
      if (!options.dryRun()) {
        String unhealthy = waitHealthy(applied, wave.getKey(), options, progress);
        if (unhealthy != null) {
          return new Outcome(steps, false, unhealthy + " (what was applied stays; nothing was pruned)", writes);
        }
      }
    }
    for (ObjectDiff d : diffs) {
      if (d.state() != SyncState.EXTRA) {
        continue;
      }
      boolean volume = d.live().path("kind").asText().equals("PersistentVolumeClaim");
      if (!options.prune() || volume && !options.pruneVolumes()) {
        steps.add(new Step(d.ref(), "not pruned", volume ? "volume claims are pruned only with --prune-volumes" : "use --prune to delete"));
        continue;
      }
      progress.accept("prune " + d.ref());
      if (options.dryRun()) {
        steps.add(new Step(d.ref(), "would prune", ""));
        continue;
      }
      client.delete(d.live());
      writes++;
      steps.add(new Step(d.ref(), "pruned", ""));
    }
    return new Outcome(steps, true, null, writes);
  }

  /**
   * Teardown order, after seed 001: ingresses and services first (so cloud load balancers are
   * released), then autoscalers and workloads, then configuration and identities, then the
   * namespace. Volume claims go only when {@code deleteData} is set.
   */
  static final List<String> DESTROY_ORDER = List.of("Ingress", "Service", "ScaledObject", "HorizontalPodAutoscaler",
      "PodDisruptionBudget", "CronJob", "Deployment", "StatefulSet", "ServiceMonitor", "PrometheusRule", "ExternalSecret",
      "SecretStore", "ConfigMap", "NetworkPolicy", "ServiceAccount", "PersistentVolumeClaim", "Namespace");

  /** Deletes what Slipway owns of an application, in teardown order; keeps volume claims unless {@code deleteData}. */
  public Outcome destroy(String environment, ApplicationBundle bundle, boolean deleteData, boolean dryRun, Consumer<String> progress) {
    List<JsonNode> owned = new ArrayList<>(owned(environment, bundle));
    owned.sort(java.util.Comparator.comparingInt((JsonNode o) -> {
      int i = DESTROY_ORDER.indexOf(o.path("kind").asText());
      return i < 0 ? DESTROY_ORDER.size() - 1 : i;
    }).thenComparing(o -> o.path("metadata").path("name").asText()));
    List<Step> steps = new ArrayList<>();
    int writes = 0;
    boolean keptVolumes = false;
    for (JsonNode o : owned) {
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
      client.delete(o);
      writes++;
      steps.add(new Step(ref, "deleted", ""));
    }
    return new Outcome(steps, true, null, writes);
  }

  /** Creates or updates; on a conflict (someone wrote in between) re-reads, re-merges and retries. */
  private JsonNode apply(ObjectDiff d) {
    if (d.state() == SyncState.MISSING) {
      return client.create(d.merged());
    }
    JsonNode merged = d.merged();
    for (int attempt = 1; ; attempt++) {
      try {
        return client.update(merged);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
        JsonNode live = client.get(d.live().path("apiVersion").asText(), d.live().path("kind").asText(),
            d.live().path("metadata").path("namespace").asText(null), d.live().path("metadata").path("name").asText());
        merged = ThreeWayMerge.merge(lastApplied(live), d.desired(), live).merged();
      }
    }
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
  private String waitHealthy(List<JsonNode> objects, int wave, Options options, Consumer<String> progress) {
    Instant deadline = clock.instant().plus(options.timeout());
    Instant started = clock.instant();
    List<JsonNode> pending = new ArrayList<>(objects);
    boolean first = true;
    while (true) {
      String waitingFor = null;
      for (java.util.Iterator<JsonNode> it = pending.iterator(); it.hasNext(); ) {
        JsonNode o = it.next();
        JsonNode live = first ? o : client.get(o.path("apiVersion").asText(), o.path("kind").asText(),
            o.path("metadata").path("namespace").asText(null), o.path("metadata").path("name").asText());
        Health.Assessment h = Health.assess(live);
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
      if (!clock.instant().isBefore(deadline)) {
        long ms = options.timeout().toMillis();
        return "wave " + wave + " not healthy after " + (ms < 1000 ? ms + "ms" : ms / 1000 + "s") + ": " + waitingFor;
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

  private static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
