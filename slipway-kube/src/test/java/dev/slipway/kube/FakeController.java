package dev.slipway.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sets status where Kubernetes' controllers would, on a mock API server: workloads available,
 * ingresses addressed, add-on resources ready. A conflict with a concurrent write is retried on the
 * next tick; any other failure is kept and rethrown by {@link #close()}, so a broken controller
 * fails the test with its cause instead of making it wait for health until it times out.
 */
public final class FakeController implements AutoCloseable {
  private final KubernetesClient client;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile boolean stopping;
  private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private FakeController(KubernetesClient client) {
    this.client = client;
  }

  public static FakeController start(KubernetesClient client) {
    FakeController c = new FakeController(client);
    c.loop.scheduleWithFixedDelay(c::tick, 0, 20, TimeUnit.MILLISECONDS);
    return c;
  }

  private void tick() {
    if (stopping) {
      return;
    }
    try {
      markReady("apps/v1", "Deployment", Map.of("observedGeneration", 1, "replicas", 1, "updatedReplicas", 1,
          "availableReplicas", 1, "readyReplicas", 1));
      markReady("apps/v1", "StatefulSet", Map.of("observedGeneration", 1, "replicas", 1, "readyReplicas", 1,
          "currentRevision", "r1", "updateRevision", "r1"));
      markReady("networking.k8s.io/v1", "Ingress", Map.of("loadBalancer", Map.of("ingress", List.of(Map.of("hostname", "alb.example")))));
      markReady("autoscaling/v2", "HorizontalPodAutoscaler", Map.of("currentReplicas", 1, "desiredReplicas", 1, "conditions", List.of(
          Map.of("type", "AbleToScale", "status", "True", "reason", "ReadyForNewScale"),
          Map.of("type", "ScalingActive", "status", "True", "reason", "ValidMetricFound"))));
      for (String[] k : List.of(new String[] {"external-secrets.io/v1", "ExternalSecret"}, new String[] {"external-secrets.io/v1", "SecretStore"},
          new String[] {"keda.sh/v1alpha1", "ScaledObject"}, new String[] {"karpenter.sh/v1", "NodePool"},
          new String[] {"karpenter.k8s.aws/v1", "EC2NodeClass"})) {
        markReady(k[0], k[1], Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True"))));
      }
      markReady("policy/v1", "PodDisruptionBudget", Map.of("conditions", List.of(
          Map.of("type", "DisruptionAllowed", "status", "True", "reason", "SufficientPods"))));
      // A CronJob with a status but no run yet: Argo CD's rule reads it as Healthy, not scheduled yet.
      markReady("batch/v1", "CronJob", Map.of("active", List.of()));
    } catch (KubernetesClientException e) {
      // Conflicts with the sync's own writes, objects deleted meanwhile and faults a test injected are
      // a controller's everyday life: it tries again on the next tick.
      if (!stopping && e.getCode() != 409 && e.getCode() != 404 && e.getCode() < 500 && e.getCode() != 403) {
        failure.compareAndSet(null, e);
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        failure.compareAndSet(null, e);
      }
    }
  }

  private void markReady(String apiVersion, String kind, Map<String, Object> wanted) {
    var ctx = ClusterClient.context(apiVersion, kind);
    for (GenericKubernetesResource r : client.genericKubernetesResources(ctx).inAnyNamespace().list().getItems()) {
      if (r.getMetadata().getNamespace() != null && held.contains(r.getMetadata().getNamespace())) {
        continue;
      }
      Map<String, Object> status = new HashMap<>(wanted);
      if (status.containsKey("availableReplicas")) {
        Object wantedReplicas = r.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec ? spec.get("replicas") : null;
        int n = wantedReplicas instanceof Number num ? num.intValue() : 1;
        status.replaceAll((k, v) -> k.equals("replicas") || k.endsWith("Replicas") ? n : v);
      }
      if (status.containsKey("observedGeneration") && r.getMetadata().getGeneration() != null) {
        status.put("observedGeneration", r.getMetadata().getGeneration().intValue());
      }
      if (status.equals(r.getAdditionalProperties().get("status"))) {
        continue;
      }
      r.setAdditionalProperty("status", status);
      var op = client.genericKubernetesResources(ctx);
      (r.getMetadata().getNamespace() == null ? op.resource(r) : op.inNamespace(r.getMetadata().getNamespace()).resource(r)).update();
    }
  }

  /** Leaves the objects of this namespace as they are (a rollout that takes its time) until {@link #release}. */
  public FakeController hold(String namespace) {
    held.add(namespace);
    return this;
  }

  public FakeController release(String namespace) {
    held.remove(namespace);
    return this;
  }

  /** Stops the controller; rethrows the first failure it met. */
  @Override
  public void close() {
    stopping = true;
    loop.shutdown();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RuntimeException e = failure.get();
    if (e != null) {
      throw new AssertionError("the fake controller failed: " + e, e);
    }
  }
}
