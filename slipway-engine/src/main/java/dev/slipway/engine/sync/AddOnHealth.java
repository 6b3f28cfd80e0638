package dev.slipway.engine.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.sync.Health.Assessment;
import java.util.ArrayList;
import java.util.List;

/**
 * Health of the kinds Argo CD judges with a Lua script of its own ({@code resource_customizations}):
 * CronJob, PodDisruptionBudget and the add-on resources Slipway renders or their controllers make
 * (External Secrets, KEDA, Karpenter, the Prometheus operator's Prometheus). Each rule is that
 * script's logic in Java, with its statuses and messages, so that sync and status agree with what
 * Argo CD shows for the same object; {@code AddOnHealthFixturesTest} checks them against Argo CD's
 * own cases. Kinds of these groups without an Argo CD script (ServiceMonitor, PrometheusRule,
 * TriggerAuthentication...) get no health, as in Argo CD.
 *
 * <p>The scripts read absent and null fields alike ({@code obj.status ~= nil}) and walk condition
 * lists with {@code ipairs}, so only a list counts as a list here.
 */
final class AddOnHealth {
  private AddOnHealth() {}

  static Assessment assess(JsonNode o, String group, String kind) {
    return switch (group + "/" + kind) {
      case "external-secrets.io/ExternalSecret", "external-secrets.io/SecretStore", "external-secrets.io/ClusterSecretStore",
          "external-secrets.io/PushSecret" -> readyCondition(o, "Waiting for " + kind, null);
      case "external-secrets.io/ClusterExternalSecret" -> clusterExternalSecret(o);
      case "keda.sh/ScaledObject" -> scaledObject(o);
      case "keda.sh/ScaledJob" -> scaledJob(o);
      case "karpenter.sh/NodePool" -> readyCondition(o, "Waiting for NodePool to be ready", null);
      case "karpenter.k8s.aws/EC2NodeClass" -> readyCondition(o, "Waiting for EC2NodeClass to be ready", "EC2NodeClass is ready");
      case "karpenter.sh/NodeClaim" -> nodeClaim(o);
      case "monitoring.coreos.com/Prometheus" -> prometheus(o);
      default -> null;
    };
  }

  private static boolean present(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }

  /** {@code obj.status.conditions} as {@code ipairs} walks it: only a list, only its tables. */
  private static List<JsonNode> conditions(JsonNode o) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode list = o.path("status").path("conditions");
    if (list.isArray()) {
      list.forEach(c -> {
        if (c.isObject()) {
          out.add(c);
        }
      });
    }
    return out;
  }

  private static boolean is(JsonNode c, String field, String value) {
    return c.path(field).isTextual() && c.path(field).asText().equals(value);
  }

  private static String text(JsonNode c, String field) {
    JsonNode v = c.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }

  /**
   * The first {@code Ready} condition that is True (Healthy) or False (Degraded) decides, with its
   * message (or {@code healthyMessage}); none: Progressing. External Secrets' and Karpenter's scripts.
   */
  private static Assessment readyCondition(JsonNode o, String waiting, String healthyMessage) {
    for (JsonNode c : conditions(o)) {
      if (is(c, "type", "Ready") && is(c, "status", "False")) {
        return Assessment.of(HealthStatus.DEGRADED, text(c, "message"));
      }
      if (is(c, "type", "Ready") && is(c, "status", "True")) {
        return Assessment.of(HealthStatus.HEALTHY, healthyMessage != null ? healthyMessage : text(c, "message"));
      }
    }
    return Assessment.of(HealthStatus.PROGRESSING, waiting);
  }

  /** New conditions are appended: the last one decides. */
  private static Assessment clusterExternalSecret(JsonNode o) {
    List<JsonNode> all = conditions(o);
    if (!all.isEmpty()) {
      JsonNode last = all.get(all.size() - 1);
      if (is(last, "type", "Ready") && is(last, "status", "True")) {
        return Assessment.of(HealthStatus.HEALTHY, text(last, "message"));
      }
      if ((is(last, "type", "PartiallyReady") || is(last, "type", "NotReady")) && is(last, "status", "True")) {
        return Assessment.of(HealthStatus.DEGRADED, text(last, "message"));
      }
    }
    return Assessment.of(HealthStatus.PROGRESSING, "Waiting for ClusterExternalSecret");
  }

  /** Ready False or a trigger in Fallback: Degraded; Ready and Paused: Suspended; the last matching condition's message. */
  private static Assessment scaledObject(JsonNode o) {
    return keda(o, c -> is(c, "status", "False") && is(c, "type", "Ready") || is(c, "status", "True") && is(c, "type", "Fallback"),
        "Creating HorizontalPodAutoscaler Object");
  }

  /** Like a ScaledObject, but Ready Unknown (some triggers failing) is Degraded too, and there is no Fallback. */
  private static Assessment scaledJob(JsonNode o) {
    return keda(o, c -> is(c, "type", "Ready") && (is(c, "status", "False") || is(c, "status", "Unknown")), "Waiting for ScaledJob");
  }

  /** KEDA's rule: a degrading condition wins, then Ready (Suspended when also Paused), else still coming up. */
  private static Assessment keda(JsonNode o, java.util.function.Predicate<JsonNode> degrading, String waiting) {
    boolean healthy = false;
    boolean degraded = false;
    boolean suspended = false;
    String message = "";
    for (JsonNode c : conditions(o)) {
      if (degrading.test(c)) {
        message = text(c, "message");
        degraded = true;
      }
      if (is(c, "status", "True") && is(c, "type", "Ready")) {
        message = text(c, "message");
        healthy = true;
      }
      if (is(c, "status", "True") && is(c, "type", "Paused")) {
        message = text(c, "message");
        suspended = true;
      }
    }
    if (degraded) {
      return Assessment.of(HealthStatus.DEGRADED, message);
    }
    if (healthy) {
      return Assessment.of(suspended ? HealthStatus.SUSPENDED : HealthStatus.HEALTHY, message);
    }
    return Assessment.of(HealthStatus.PROGRESSING, waiting);
  }

  /** Spec not yet reconciled, then Disrupting (Suspended), Ready, and the furthest phase reached. */
  private static Assessment nodeClaim(JsonNode o) {
    JsonNode generation = o.path("metadata").path("generation");
    JsonNode observed = o.path("status").path("observedGeneration");
    if (present(generation) && present(observed) && !generation.equals(observed)
        && !(generation.isNumber() && observed.isNumber() && generation.asDouble() == observed.asDouble())) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for NodeClaim spec to be reconciled");
    }
    List<JsonNode> all = conditions(o);
    for (JsonNode c : all) {
      if (is(c, "type", "Disrupting") && is(c, "status", "True")) {
        return Assessment.of(HealthStatus.SUSPENDED, text(c, "message"));
      }
    }
    for (JsonNode c : all) {
      if (is(c, "type", "Ready") && is(c, "status", "True")) {
        return Assessment.of(HealthStatus.HEALTHY, text(c, "message"));
      }
      if (is(c, "type", "Ready") && is(c, "status", "False")) {
        return Assessment.of(HealthStatus.DEGRADED, text(c, "message"));
      }
    }
    String[][] phases = {{"Initialized", "Node initialized, waiting for Ready"},
        {"Registered", "Node registered, waiting for initialization"}, {"Launched", "Node launched, waiting for registration"}};
    for (String[] phase : phases) {
      for (JsonNode c : all) {
        if (is(c, "type", phase[0]) && is(c, "status", "True")) {
          return Assessment.of(HealthStatus.PROGRESSING, phase[1]);
        }
      }
    }
    return Assessment.of(HealthStatus.PROGRESSING, "Waiting for NodeClaim to be launched");
  }

  /** The last {@code Available} condition decides; SomePodsNotReady is still Progressing. */
  private static Assessment prometheus(JsonNode o) {
    Assessment result = Assessment.of(HealthStatus.PROGRESSING, "Waiting for initialization");
    for (JsonNode c : conditions(o)) {
      if (!is(c, "type", "Available")) {
        continue;
      }
      if (is(c, "status", "True")) {
        result = Assessment.of(HealthStatus.HEALTHY, "All instances are available");
      } else {
        HealthStatus s = is(c, "reason", "SomePodsNotReady") ? HealthStatus.PROGRESSING : HealthStatus.DEGRADED;
        // Lua's "message or reason": only an absent message falls back to the reason.
        result = Assessment.of(s, present(c.path("message")) ? text(c, "message") : text(c, "reason"));
      }
    }
    return result;
  }

  /**
   * A False condition is Degraded unless its reason is InsufficientPods (a budget that allows no
   * disruption right now is a valid choice); no condition yet: Progressing.
   */
  static Assessment podDisruptionBudget(JsonNode o) {
    Assessment result = Assessment.of(HealthStatus.PROGRESSING, "Waiting for status");
    for (JsonNode c : conditions(o)) {
      String reason = text(c, "reason");
      if (is(c, "status", "False") && !reason.equals("InsufficientPods")) {
        return Assessment.of(HealthStatus.DEGRADED, "PodDisruptionBudget has " + reason);
      }
      result = Assessment.of(HealthStatus.HEALTHY, "PodDisruptionBudget has " + reason);
    }
    return result;
  }

  /**
   * Argo CD's CronJob rule: a suspended CronJob reads Healthy (Argo CD issue 24428 keeps it so), a
   * last run that did not succeed (last success before the last schedule, nothing active) is
   * Degraded, a CronJob not scheduled yet or never successful is Healthy with a note.
   */
  static Assessment cronJob(JsonNode o) {
    if (o.path("spec").path("suspend").isBoolean() && o.path("spec").path("suspend").asBoolean()) {
      return Assessment.of(HealthStatus.HEALTHY, "CronJob is Suspended");
    }
    JsonNode status = o.path("status");
    if (!present(status)) {
      return Assessment.of(HealthStatus.PROGRESSING, "Waiting for CronJob");
    }
    JsonNode scheduled = status.path("lastScheduleTime");
    if (!present(scheduled)) {
      return Assessment.of(HealthStatus.HEALTHY, "CronJob has not been scheduled yet");
    }
    JsonNode succeeded = status.path("lastSuccessfulTime");
    if (!present(succeeded)) {
      return Assessment.of(HealthStatus.HEALTHY, "The CronJob never completed successfully. It may not be healthy");
    }
    if (status.path("active").isArray() && status.path("active").size() > 0) {
      return Assessment.of(HealthStatus.HEALTHY, "The job is running. Its last execution may not have been successful");
    }
    // RFC 3339 times in UTC compare as text, as the script compares them.
    if (succeeded.asText().compareTo(scheduled.asText()) < 0) {
      return Assessment.of(HealthStatus.DEGRADED, "CronJob has not completed its last execution successfully");
    }
    return Assessment.of(HealthStatus.HEALTHY, "CronJob has completed its last execution successfully");
  }
}
