package dev.slipway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The status Kubernetes' controllers (and the add-ons' operators) would write on an object, as a
 * pure function of the object, what the simulated controller remembers of it ({@link Progress}),
 * an injected fault and the time. Field names, condition types and reasons are the real ones, since
 * Slipway's health rules (Argo CD's) read them; messages of simulated outcomes say "simulated".
 * The I/O (watching, writing, scheduling) is {@link SimulatedControllers}'.
 */
final class SimulatedStatus {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Annotation that makes an object (or a workload's pods, on the pod template) fail, with the reason as value. */
  static final String FAIL_ANNOTATION = "sandbox.slipway.dev/fail";

  private SimulatedStatus() {}

  /**
   * What to write now.
   *
   * @param status the whole status to set, or null when the kind gets none
   * @param recheckAt when the status will change by itself (a rollout finishing), or null
   * @param made objects the controller makes beside the status (the Secret of an ExternalSecret)
   */
  record Next(ObjectNode status, Instant recheckAt, List<ObjectNode> made) {
    static Next of(ObjectNode status, Instant recheckAt) {
      return new Next(status, recheckAt, List.of());
    }

    static final Next NONE = new Next(null, null, List.of());
  }

  /**
   * What the sandbox's controllers make of this object now.
   *
   * @param fault an injected failure reason (API or {@value #FAIL_ANNOTATION}), or null
   * @param target for an autoscaler, the workload it scales as the cluster has it (null if absent)
   */
  static Next next(JsonNode obj, Progress p, String fault, Instant now, SandboxOptions options, JsonNode target) {
    String kind = obj.path("kind").asText();
    String apiVersion = obj.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    boolean done = fault == null && !now.isBefore(p.since().plus(options.delay()));
    return switch (group + "/" + kind) {
      case "apps/Deployment" -> WorkloadStatus.deployment(obj, p, fault, now, options);
      case "apps/StatefulSet" -> WorkloadStatus.statefulSet(obj, p, fault, now, options);
      case "apps/DaemonSet" -> WorkloadStatus.daemonSet(obj, p, fault, now, options);
      case "batch/Job" -> WorkloadStatus.job(obj, p, fault, now, options);
      case "/Namespace" -> Next.of(object().put("phase", "Active"), null);
      case "/PersistentVolumeClaim" -> AddonStatus.pvc(obj, p, done, options);
      case "/Service" -> AddonStatus.service(obj, p, done, options);
      case "networking.k8s.io/Ingress" -> AddonStatus.ingress(obj, p, done, options);
      case "autoscaling/HorizontalPodAutoscaler" -> AddonStatus.hpa(obj, p, done, options, target);
      case "external-secrets.io/ExternalSecret" -> AddonStatus.externalSecret(obj, p, fault, now, options);
      case "external-secrets.io/SecretStore", "external-secrets.io/ClusterSecretStore" -> AddonStatus.secretStore(obj, p, fault, done, options);
      case "keda.sh/ScaledObject" -> AddonStatus.scaledObject(obj, p, fault, done, options, target);
      case "karpenter.sh/NodePool" -> AddonStatus.nodePool(obj, p, fault, done, options);
      case "karpenter.k8s.aws/EC2NodeClass" -> AddonStatus.nodeClass(obj, p, fault, done, options);
      case "policy/PodDisruptionBudget" -> AddonStatus.podDisruptionBudget(obj, p, fault, done, options);
      // A status without a run (none is simulated): Argo CD's rule reads it as not scheduled yet.
      case "batch/CronJob" -> Next.of(object().set("active", array()), null);
      default -> Next.NONE;
    };
  }

  /** The failure asked for by annotation: on the object itself, or on a workload's pod template. */
  static String annotatedFault(JsonNode obj) {
    String own = obj.path("metadata").path("annotations").path(FAIL_ANNOTATION).asText(null);
    if (own != null && !own.isBlank()) {
      return own;
    }
    String pods = obj.path("spec").path("template").path("metadata").path("annotations").path(FAIL_ANNOTATION).asText(null);
    if (pods == null || pods.isBlank()) {
      // CronJobs and Jobs made from them: the Job template's pod template.
      pods = obj.path("spec").path("jobTemplate").path("spec").path("template").path("metadata").path("annotations")
          .path(FAIL_ANNOTATION).asText(null);
    }
    return pods == null || pods.isBlank() ? null : pods;
  }

  static ArrayNode array() {
    return JSON.createArrayNode();
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static long generation(JsonNode o) {
    return o.path("metadata").path("generation").asLong(1);
  }

  static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  static String namespace(JsonNode o) {
    return o.path("metadata").path("namespace").asText("");
  }

  /** A condition as the Kubernetes API conventions write it. */
  static ObjectNode condition(ArrayNode into, String type, String status, String reason, String message, Instant at) {
    ObjectNode c = into.addObject();
    c.put("type", type).put("status", status).put("reason", reason).put("message", message);
    c.put("lastTransitionTime", time(at));
    return c;
  }

  /**
   * A short stable hash in the alphabet Kubernetes uses for generated names ({@code rand.SafeEncodeString}:
   * no vowels, no digits that read as letters), like a pod-template-hash.
   */
  static String hash(String text, int length) {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    long v = crc.getValue() * 2_654_435_761L + text.length();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt((int) Math.floorMod(v, alphabet.length())));
      v = v / alphabet.length() ^ (v << 7) + i;
    }
    return sb.toString();
  }

  /** Replicas asked for; the API server defaults an absent {@code spec.replicas} to 1. */
  static int replicas(JsonNode o) {
    JsonNode r = o.path("spec").path("replicas");
    return r.isNumber() ? Math.max(0, r.asInt()) : 1;
  }

  static String templateHash(JsonNode o) {
    return hash(o.path("spec").path("template").toString(), 10);
  }
}
