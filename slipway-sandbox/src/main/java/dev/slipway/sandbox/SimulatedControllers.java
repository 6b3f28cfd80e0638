package dev.slipway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The simulated controllers of one cluster: an informer per kind (list, then watch) feeds a work
 * queue of object keys, drained by one thread that computes each object's status
 * ({@link SimulatedStatus}) and writes it through the {@code /status} subresource when it differs,
 * then looks again when the status is due to change. Watching matters on the mock: a plain update
 * there replaces the status with whatever the writer sent (usually none), so every write by
 * Slipway is answered with the status re-set, as a real cluster would have kept it.
 */
final class SimulatedControllers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedControllers.class);

  /** apiVersion, kind, and whether the kind is namespaced. */
  record Kind(String apiVersion, String kind, boolean namespaced) {
    ResourceDefinitionContext context() {
      String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
      String k = kind.toLowerCase(java.util.Locale.ROOT);
      String plural = k.endsWith("s") ? k + "es" : k.endsWith("y") ? k.substring(0, k.length() - 1) + "ies" : k + "s";
      return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind).withPlural(plural)
          .withNamespaced(namespaced).build();
    }
  }

  /** The kinds that get a simulated controller. */
  static final List<Kind> KINDS = List.of(
      new Kind("v1", "Namespace", false), new Kind("v1", "PersistentVolumeClaim", true), new Kind("v1", "Service", true),
      new Kind("apps/v1", "Deployment", true), new Kind("apps/v1", "StatefulSet", true), new Kind("apps/v1", "DaemonSet", true),
      new Kind("batch/v1", "Job", true), new Kind("networking.k8s.io/v1", "Ingress", true),
      new Kind("autoscaling/v2", "HorizontalPodAutoscaler", true), new Kind("external-secrets.io/v1", "ExternalSecret", true),
      new Kind("external-secrets.io/v1", "SecretStore", true), new Kind("external-secrets.io/v1", "ClusterSecretStore", false),
      new Kind("keda.sh/v1alpha1", "ScaledObject", true), new Kind("karpenter.sh/v1", "NodePool", false),
      new Kind("karpenter.k8s.aws/v1", "EC2NodeClass", false), new Kind("policy/v1", "PodDisruptionBudget", true),
      new Kind("batch/v1", "CronJob", true));

  /** What the controller remembers of one object (by key) between looks. */
  private static final class Track {
    String uid;
    Progress progress;
    String revision;
    JsonNode lastStatus;
    List<ObjectNode> made = List.of();
  }

  private final String cluster;
  private final KubernetesClient client;
  private final SandboxOptions options;
  private final Clock clock;
  private final ScheduledExecutorService loop;
  /** Filled by {@link #start()} while the first events may already be handled on the loop thread. */
  private final Map<Kind, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
  private static final int THREADS = 4;
  private final Map<String, Track> tracks = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  /** Keys being reconciled now: never two threads on one object. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Map<String, String> faults = new ConcurrentHashMap<>();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile boolean stopping;

  SimulatedControllers(String cluster, KubernetesClient client, SandboxOptions options, Clock clock) {
    this.cluster = cluster;
    this.client = client;
    this.options = options;
    this.clock = clock;
    // A few threads: each status write is a round trip to the API server, and a thousand
    // applications' rollouts in one thread lag minutes behind. One thread per object at a time.
    this.loop = Executors.newScheduledThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "sandbox-" + cluster + "-controllers");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the informers; returns once each has listed what the cluster holds. */
  SimulatedControllers start() {
    for (Kind k : KINDS) {
      var op = client.genericKubernetesResources(k.context());
      SharedIndexInformer<GenericKubernetesResource> informer = (k.namespaced() ? op.inAnyNamespace() : op).runnableInformer(0);
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(GenericKubernetesResource obj) {
          enqueue(k, obj);
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
          enqueue(k, after);
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
          enqueue(k, obj);
        }
      });
      informers.put(k, informer);
      informer.run();
    }
    return this;
  }

  /** Makes the object fail with {@code reason} (null clears it) until told otherwise. */
  void fault(Kind kind, String namespace, String name, String reason) {
    String key = key(kind, namespace, name);
    if (reason == null) {
      faults.remove(key);
    } else {
      faults.put(key, reason);
    }
    enqueue(key, 0);
  }

  /** The first unexpected failure of a controller, or null: what a test or the server reports. */
  String failure() {
    return failure.get();
  }

  static Kind kind(String apiVersion, String kind) {
    return KINDS.stream().filter(k -> k.apiVersion().equals(apiVersion) && k.kind().equals(kind)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the sandbox simulates no controller for " + apiVersion + " " + kind));
  }

  private static String key(Kind k, String namespace, String name) {
    return k.apiVersion() + "|" + k.kind() + "|" + (k.namespaced() ? namespace : "") + "|" + name;
  }

  private void enqueue(Kind k, GenericKubernetesResource obj) {
    enqueue(key(k, obj.getMetadata().getNamespace(), obj.getMetadata().getName()), 0);
  }

  private void enqueue(String key, long delayMillis) {
    if (stopping) {
      return;
    }
    try {
      if (delayMillis > 0) {
        loop.schedule(() -> enqueue(key, 0), delayMillis, TimeUnit.MILLISECONDS);
      } else if (queued.add(key)) {
        loop.execute(() -> {
          queued.remove(key);
          if (!running.add(key)) {
            enqueue(key, 20); // another thread is on it: look again right after
            return;
          }
          try {
            reconcile(key);
          } finally {
            running.remove(key);
          }
        });
      }
    } catch (RejectedExecutionException e) {
      // Closing: nothing more to do.
    }
  }

  private void reconcile(String key) {
    if (stopping) {
      return;
    }
    String[] parts = key.split("\\|", -1);
    Kind kind = kind(parts[0], parts[1]);
    String namespace = parts[2].isEmpty() ? null : parts[2];
    String name = parts[3];
    MDC.put("cluster", cluster);
    MDC.put("kind", kind.kind());
    MDC.put("namespace", namespace == null ? "" : namespace);
    MDC.put("name", name);
    try {
      SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
      if (informer == null) {
        return; // not started: nothing of this kind to look at yet
      }
      GenericKubernetesResource cached = informer.getStore().getByKey(namespace == null ? name : namespace + "/" + name);
      if (cached == null) {
        forget(key);
        return;
      }
      JsonNode obj = json(cached, kind);
      Track track = track(key, obj);
      String fault = faults.getOrDefault(key, SimulatedStatus.annotatedFault(obj));
      Instant now = clock.instant();
      SimulatedStatus.Next next = SimulatedStatus.next(obj, track.progress, fault, now, options, target(kind, obj));
      if (next.status() != null && !next.status().equals(obj.path("status"))) {
        cached.setAdditionalProperty("status", SimulatedStatus.JSON.convertValue(next.status(), Map.class));
        var op = client.genericKubernetesResources(kind.context());
        if (namespace == null) {
          // The mock serves no /status for cluster-scoped kinds (404): a whole update, guarded by the
          // cached resourceVersion so that it never overwrites a newer spec (409, and a look again).
          op.resource(cached).update();
        } else {
          op.inNamespace(namespace).resource(cached).updateStatus();
        }
        LOG.debug("SIMULATED status of {} {}/{} on {}", kind.kind(), namespace, name, cluster);
      }
      if (next.status() != null) {
        track.lastStatus = next.status();
      }
      for (ObjectNode made : next.made()) {
        make(made);
      }
      track.made = next.made().isEmpty() ? track.made : next.made();
      if (next.recheckAt() != null) {
        enqueue(key, Math.max(1, Duration.between(clock.instant(), next.recheckAt()).toMillis() + 1));
      }
      if (kind.kind().equals("Deployment") || kind.kind().equals("StatefulSet")) {
        autoscalersOf(kind, namespace, name);
      }
    } catch (KubernetesClientException e) {
      // Deleted meanwhile (404) or written meanwhile (409): the informer brings the news, look again.
      if (e.getCode() != 404 && e.getCode() != 409) {
        failure.compareAndSet(null, kind.kind() + " " + namespace + "/" + name + ": " + e.getMessage());
        LOG.warn("SIMULATED controller of {} {}/{} on {} failed: {}", kind.kind(), namespace, name, cluster, e.getMessage());
      }
      enqueue(key, 200);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, kind.kind() + " " + namespace + "/" + name + ": " + e);
      LOG.warn("SIMULATED controller of {} {}/{} on {} failed", kind.kind(), namespace, name, cluster, e);
    } finally {
      MDC.clear();
    }
  }

  /** The generation being rolled out, and what the one before left running. */
  private Track track(String key, JsonNode obj) {
    String uid = obj.path("metadata").path("uid").asText("");
    long generation = SimulatedStatus.generation(obj);
    String revision = SimulatedStatus.templateHash(obj);
    Track t = tracks.get(key);
    Instant now = clock.instant();
    if (t == null || !t.uid.equals(uid)) {
      t = new Track();
      t.uid = uid;
      t.progress = Progress.created(generation, now);
      t.revision = revision;
      tracks.put(key, t);
    } else if (t.progress.generation() != generation) {
      int available = t.lastStatus == null ? 0 : t.lastStatus.path("availableReplicas").asInt(t.lastStatus.path("readyReplicas").asInt(0));
      t.progress = new Progress(generation, now, available, t.revision);
      t.revision = revision;
    }
    return t;
  }

  /** What the garbage collector would do once the owner is gone: the mock has none. */
  private void forget(String key) {
    Track t = tracks.remove(key);
    if (t == null) {
      return;
    }
    for (ObjectNode made : t.made) {
      var op = client.genericKubernetesResources(new Kind("v1", made.path("kind").asText(), true).context());
      op.inNamespace(made.path("metadata").path("namespace").asText()).withName(made.path("metadata").path("name").asText()).delete();
    }
  }

  /** Creates or replaces an object the controller makes (only when it differs: no write loop). */
  private void make(ObjectNode made) {
    GenericKubernetesResource wanted = SimulatedStatus.JSON.convertValue(made, GenericKubernetesResource.class);
    var op = client.genericKubernetesResources(new Kind(made.path("apiVersion").asText(), made.path("kind").asText(), true).context())
        .inNamespace(wanted.getMetadata().getNamespace());
    GenericKubernetesResource live = op.withName(wanted.getMetadata().getName()).get();
    if (live == null) {
      op.resource(wanted).create();
    } else if (!java.util.Objects.equals(live.getAdditionalProperties().get("data"), wanted.getAdditionalProperties().get("data"))) {
      wanted.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
      op.resource(wanted).update();
    }
  }

  /** The workload an autoscaler scales, as the cluster has it, or null. */
  private JsonNode target(Kind kind, JsonNode obj) {
    if (!kind.kind().equals("HorizontalPodAutoscaler") && !kind.kind().equals("ScaledObject")) {
      return null;
    }
    JsonNode ref = obj.path("spec").path("scaleTargetRef");
    String targetKind = ref.path("kind").asText("Deployment");
    for (Map.Entry<Kind, SharedIndexInformer<GenericKubernetesResource>> e : informers.entrySet()) {
      if (e.getKey().kind().equals(targetKind)) {
        GenericKubernetesResource r = e.getValue().getStore().getByKey(SimulatedStatus.namespace(obj) + "/" + ref.path("name").asText());
        return r == null ? null : json(r, e.getKey());
      }
    }
    return null;
  }

  /** A workload changed: its autoscalers report the new replicas. */
  private void autoscalersOf(Kind kind, String namespace, String name) {
    for (Kind k : List.of(kind("autoscaling/v2", "HorizontalPodAutoscaler"), kind("keda.sh/v1alpha1", "ScaledObject"))) {
      SharedIndexInformer<GenericKubernetesResource> informer = informers.get(k);
      if (informer == null) {
        continue;
      }
      for (GenericKubernetesResource r : informer.getIndexer().byIndex(io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX, namespace)) {
        JsonNode ref = json(r, k).path("spec").path("scaleTargetRef");
        if (ref.path("name").asText().equals(name) && ref.path("kind").asText("Deployment").equals(kind.kind())) {
          enqueue(k, r);
        }
      }
    }
  }

  private static JsonNode json(GenericKubernetesResource r, Kind k) {
    ObjectNode n = SimulatedStatus.JSON.valueToTree(r);
    // Listed items may come without apiVersion and kind; the status rules need them.
    n.put("apiVersion", k.apiVersion());
    n.put("kind", k.kind());
    return n;
  }

  @Override
  public void close() {
    stopping = true;
    informers.values().forEach(SharedIndexInformer::close);
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
