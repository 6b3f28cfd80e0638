package dev.slipway.engine.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Health of a live object by Argo CD's built-in rules (gitops-engine {@code pkg/health}):
 * workloads by their rollout status, Services and Ingresses by their load-balancer address,
 * volume claims by phase, Jobs and Pods by their conditions and container states, autoscalers
 * by their conditions. The kinds Argo CD judges with a bundled Lua script (CronJob,
 * PodDisruptionBudget and the add-ons Slipway renders) follow those scripts, in Java:
 * {@link AddOnHealth}. Pure: the object in, a status and message out.
 */
public final class Health {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A status with the reason a user can act on. */
  public record Assessment(HealthStatus status, String message) {
    static Assessment of(HealthStatus s, String m) {
      return new Assessment(s, m == null ? "" : m);
    }
  }

  private Health() {}

  /** The object's health, or null when no rule applies (Argo CD then reports no health). */
  public static Assessment assess(JsonNode obj) {
    if (obj == null || obj.isMissingNode() || obj.isNull()) {
      return Assessment.of(HealthStatus.MISSING, "the object does not exist");
    }
    Assessment builtIn = builtIn(obj);
    // An object of a platform-defined type is also judged by its type's readyWhen conditions, as
    // kro's readiness adds to what the kind's own controller reports: the worse of the two counts,
    // so a Deployment past its progress deadline is Degraded whatever its conditions say.
    dev.slipway.engine.types.ReadyWhen.Verdict ready = dev.slipway.engine.types.ReadyWhen.judge(obj);
    if (ready == null) {
      return builtIn;
    }
    Assessment conditions = switch (ready.state()) {
      case READY -> Assessment.of(HealthStatus.HEALTHY, ready.message());
      case WAITING -> Assessment.of(HealthStatus.PROGRESSING, ready.message());
      case BROKEN -> Assessment.of(HealthStatus.DEGRADED, ready.message());
    };
    if (builtIn == null || conditions.status().worst(builtIn.status()) == conditions.status()) {
      return conditions;
    }
    return builtIn;
  }

  private static Assessment builtIn(JsonNode obj) {
    String kind = obj.path("kind").asText();
    String group = group(obj.path("apiVersion").asText());
    return switch (group + "/" + kind) {
      case "apps/Deployment", "extensions/Deployment" -> deployment(obj);
      case "apps/StatefulSet" -> statefulSet(obj);
      case "apps/DaemonSet", "extensions/DaemonSet" -> daemonSet(obj);
      case "apps/ReplicaSet", "extensions/ReplicaSet" -> replicaSet(obj);
      case "/Service" -> service(obj);
      case "networking.k8s.io/Ingress", "extensions/Ingress" -> ingress(obj);
      case "/PersistentVolumeClaim" -> pvc(obj);
      case "batch/Job" -> job(obj);
      case "batch/CronJob" -> cronJob(obj);
      case "/Pod" -> pod(obj);
      case "autoscaling/HorizontalPodAutoscaler" -> hpa(obj);
      case "apiregistration.k8s.io/APIService" -> apiService(obj);
      case "policy/PodDisruptionBudget" -> AddOnHealth.podDisruptionBudget(obj);
      default -> AddOnHealth.assess(obj, group, kind);
    };
  }

  static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static long generation(JsonNode o) {
    return o.path("metadata").path("generation").asLong(0);
  }

  private static long observed(JsonNode o) {
    return o.path("status").path("observedGeneration").asLong(0);
  }

  static JsonNode condition(JsonNode o, String type) {
    for (JsonNode c : o.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }

  private static Assessment deployment(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    String name = o.path("metadata").path("name").asText();
    if (spec.path("paused").asBoolean(false)) {
      return Assessment.of(HealthStatus.SUSPENDED, "Deployment is paused");
    }
    if (generation(o) > observed(o)) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for rollout to finish: observed deployment generation less than desired generation");
    }
    JsonNode progressing = condition(o, "Progressing");
    if (progressing != null && progressing.path("reason").asText().equals("ProgressDeadlineExceeded")) {
      return Assessment.of(HealthStatus.DEGRADED, "Deployment \"" + name + "\" exceeded its progress deadline");
    }
    long updated = status.path("updatedReplicas").asLong(0);
    long replicas = status.path("replicas").asLong(0);
    long available = status.path("availableReplicas").asLong(0);
    if (spec.has("replicas") && updated < spec.path("replicas").asLong()) {
      return Assessment.of(HealthStatus.PROGRESSING, String.format(
          "Waiting for rollout to finish: %d out of %d new replicas have been updated...", updated, spec.path("replicas").asLong()));
    }
    if (replicas > updated) {
      return Assessment.of(HealthStatus.PROGRESSING, String.format(
          "Waiting for rollout to finish: %d old replicas are pending termination...", replicas - updated));
    }
    if (available < updated) {
      return Assessment.of(HealthStatus.PROGRESSING, String.format(
          "Waiting for rollout to finish: %d of %d updated replicas are available...", available, updated));
    }
    return Assessment.of(HealthStatus.HEALTHY, "");
  }

  private static Assessment statefulSet(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    if (observed(o) == 0 || generation(o) > observed(o)) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for statefulset spec update to be observed...");
    }
    long ready = status.path("readyReplicas").asLong(0);
    if (spec.has("replicas") && ready < spec.path("replicas").asLong()) {
      return Assessment.of(HealthStatus.PROGRESSING,
          String.format("Waiting for %d pods to be ready...", spec.path("replicas").asLong() - ready));
    }
    JsonNode strategy = spec.path("updateStrategy");
    if (strategy.path("type").asText().equals("RollingUpdate") && strategy.path("rollingUpdate").has("partition")) {
      long partition = strategy.path("rollingUpdate").path("partition").asLong();
      long want = spec.path("replicas").asLong(1) - partition;
      if (status.path("updatedReplicas").asLong(0) < want) {
        return Assessment.of(HealthStatus.PROGRESSING, String.format(
            "Waiting for partitioned roll out to finish: %d out of %d new pods have been updated...", status.path("updatedReplicas").asLong(0), want));
      }
      return Assessment.of(HealthStatus.HEALTHY, "partitioned roll out complete");
    }
    if (strategy.path("type").asText().equals("OnDelete")) {
      return Assessment.of(HealthStatus.HEALTHY, "statefulset has " + ready + " ready pods");
    }
    if (!status.path("updateRevision").asText().equals(status.path("currentRevision").asText())) {
      return Assessment.of(HealthStatus.PROGRESSING, "waiting for statefulset rolling update to complete");
    }
    return Assessment.of(HealthStatus.HEALTHY, "statefulset rolling update complete");
  }

  private static Assessment daemonSet(JsonNode o) {
    JsonNode status = o.path("status");
    if (observed(o) == 0 || generation(o) > observed(o)) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for rollout to finish: observed daemon set generation less than desired generation");
    }
    if (o.path("spec").path("updateStrategy").path("type").asText().equals("OnDelete")) {
      return Assessment.of(HealthStatus.HEALTHY, "daemon set has " + status.path("numberAvailable").asLong(0) + " available pods");
    }
    long desired = status.path("desiredNumberScheduled").asLong(0);
    if (status.path("updatedNumberScheduled").asLong(0) < desired) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for daemon set rollout to finish: pods are being updated");
    }
    if (status.path("numberAvailable").asLong(0) < desired) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for daemon set rollout to finish: pods are becoming available");
    }
    return Assessment.of(HealthStatus.HEALTHY, "");
  }

  private static Assessment replicaSet(JsonNode o) {
    if (generation(o) > observed(o)) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for rollout to finish: observed replica set generation less than desired generation");
    }
    JsonNode failure = condition(o, "ReplicaFailure");
    if (failure != null && failure.path("status").asText().equals("True")) {
      return Assessment.of(HealthStatus.DEGRADED, failure.path("message").asText());
    }
    JsonNode spec = o.path("spec");
    if (spec.has("replicas") && o.path("status").path("availableReplicas").asLong(0) < spec.path("replicas").asLong()) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for replicas to be available");
    }
    return Assessment.of(HealthStatus.HEALTHY, "");
  }

  private static boolean hasLoadBalancerAddress(JsonNode o) {
    return o.path("status").path("loadBalancer").path("ingress").size() > 0;
  }

  private static Assessment service(JsonNode o) {
    if (o.path("spec").path("type").asText().equals("LoadBalancer") && !hasLoadBalancerAddress(o)) {
      return Assessment.of(HealthStatus.PROGRESSING, "waiting for the load balancer to get an address");
    }
    return Assessment.of(HealthStatus.HEALTHY, "");
  }

  private static Assessment ingress(JsonNode o) {
    return hasLoadBalancerAddress(o) ? Assessment.of(HealthStatus.HEALTHY, "")
        : Assessment.of(HealthStatus.PROGRESSING, "waiting for the ingress to get an address");
  }

  private static Assessment pvc(JsonNode o) {
    return switch (o.path("status").path("phase").asText()) {
      case "Lost" -> Assessment.of(HealthStatus.DEGRADED, "the volume claim lost its volume");
      case "Pending" -> Assessment.of(HealthStatus.PROGRESSING, "waiting for a volume to be bound");
      case "Bound" -> Assessment.of(HealthStatus.HEALTHY, "");
      default -> Assessment.of(HealthStatus.UNKNOWN, "");
    };
  }

  private static Assessment job(JsonNode o) {
    boolean complete = false;
    boolean failed = false;
    boolean suspended = false;
    String message = "";
    String failMessage = "";
    for (JsonNode c : o.path("status").path("conditions")) {
      String type = c.path("type").asText();
      boolean isTrue = c.path("status").asText().equals("True");
      switch (type) {
        case "Failed" -> {
          failed = true;
          complete = true;
          failMessage = c.path("message").asText();
        }
        case "Complete" -> {
          complete = true;
          message = c.path("message").asText();
        }
        case "Suspended" -> {
          complete = true;
          message = c.path("message").asText();
          suspended = isTrue;
        }
        default -> {
          // other conditions do not decide health
        }
      }
    }
    if (!complete) {
      return Assessment.of(HealthStatus.PROGRESSING, message);
    }
    if (failed) {
      return Assessment.of(HealthStatus.DEGRADED, failMessage);
    }
    if (suspended) {
      return Assessment.of(HealthStatus.SUSPENDED, message);
    }
    return Assessment.of(HealthStatus.HEALTHY, message);
  }

  private static Assessment cronJob(JsonNode o) {
    return AddOnHealth.cronJob(o);
  }

  private static Assessment pod(JsonNode o) {
    JsonNode meta = o.path("metadata");
    JsonNode status = o.path("status");
    if (meta.has("deletionTimestamp") && !meta.path("deletionTimestamp").isNull()) {
      return Assessment.of(HealthStatus.PROGRESSING, "Pending deletion");
    }
    String policy = o.path("spec").path("restartPolicy").asText("Always");
    JsonNode annotations = meta.path("annotations");
    boolean hook = annotations.has("argocd.argoproj.io/hook") || annotations.has("helm.sh/hook");
    boolean ignorePolicy = annotations.path("argocd.argoproj.io/ignore-restart-policy").asText().equals("true") && !hook;
    boolean always = policy.equals("Always") || ignorePolicy;
    if (always) {
      List<String> messages = new ArrayList<>();
      for (JsonNode cs : status.path("containerStatuses")) {
        JsonNode waiting = cs.path("state").path("waiting");
        String reason = waiting.path("reason").asText("");
        if (!waiting.isMissingNode() && (reason.startsWith("Err") || reason.endsWith("Error") || reason.endsWith("BackOff"))) {
          messages.add(waiting.path("message").asText(reason));
        }
      }
      if (!messages.isEmpty()) {
        return Assessment.of(HealthStatus.DEGRADED, String.join(", ", messages));
      }
    }
    return switch (status.path("phase").asText()) {
      case "Pending" -> Assessment.of(HealthStatus.PROGRESSING, status.path("message").asText());
      case "Succeeded" -> Assessment.of(HealthStatus.HEALTHY, status.path("message").asText());
      case "Failed" -> Assessment.of(HealthStatus.DEGRADED, failMessage(status));
      case "Running" -> {
        if (!always) {
          // Pods that run to completion (typically hooks) are progressing until they succeed.
          yield Assessment.of(HealthStatus.PROGRESSING, status.path("message").asText());
        }
        if (ready(status)) {
          yield Assessment.of(HealthStatus.HEALTHY, "Running");
        }
        for (JsonNode cs : status.path("containerStatuses")) {
          if (cs.path("lastState").has("terminated")) {
            yield Assessment.of(HealthStatus.DEGRADED, cs.path("lastState").path("terminated").path("message").asText("container terminated"));
          }
        }
        yield Assessment.of(HealthStatus.PROGRESSING, status.path("message").asText());
      }
      default -> Assessment.of(HealthStatus.UNKNOWN, status.path("message").asText());
    };
  }

  private static boolean ready(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  private static String failMessage(JsonNode status) {
    if (!status.path("message").asText().isEmpty()) {
      return status.path("message").asText();
    }
    for (JsonNode cs : status.path("containerStatuses")) {
      JsonNode t = cs.path("state").path("terminated");
      if (!t.isMissingNode() && !t.path("message").asText().isEmpty()) {
        return t.path("message").asText();
      }
    }
    return "";
  }

  private static Assessment hpa(JsonNode o) {
    List<JsonNode> conditions = new ArrayList<>();
    o.path("status").path("conditions").forEach(conditions::add);
    String v1 = o.path("metadata").path("annotations").path("autoscaling.alpha.kubernetes.io/conditions").asText("");
    if (conditions.isEmpty() && !v1.isEmpty()) {
      try {
        JSON.readTree(v1).forEach(conditions::add);
      } catch (java.io.IOException e) {
        return Assessment.of(HealthStatus.UNKNOWN, "unreadable autoscaler conditions");
      }
    }
    // A failure anywhere degrades; otherwise the autoscaler is healthy once it is able to scale.
    for (JsonNode c : conditions) {
      String type = c.path("type").asText();
      String reason = c.path("reason").asText();
      if (type.equals("AbleToScale") && (reason.equals("FailedGetScale") || reason.equals("FailedUpdateScale"))
          || type.equals("ScalingActive") && c.path("status").asText().equals("False")
              && (reason.startsWith("FailedGet") || reason.equals("InvalidSelector"))) {
        return Assessment.of(HealthStatus.DEGRADED, c.path("message").asText());
      }
    }
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals("AbleToScale") && c.path("status").asText().equals("True")) {
        return Assessment.of(HealthStatus.HEALTHY, c.path("message").asText());
      }
    }
    return Assessment.of(HealthStatus.PROGRESSING, "Waiting to Autoscale");
  }

  private static Assessment apiService(JsonNode o) {
    JsonNode available = condition(o, "Available");
    if (available != null && available.path("status").asText().equals("True")) {
      return Assessment.of(HealthStatus.HEALTHY, available.path("message").asText());
    }
    return Assessment.of(HealthStatus.PROGRESSING, available == null ? "" : available.path("message").asText());
  }
}
