package dev.slipway.sandbox;

import static dev.slipway.sandbox.SimulatedStatus.array;
import static dev.slipway.sandbox.SimulatedStatus.condition;
import static dev.slipway.sandbox.SimulatedStatus.generation;
import static dev.slipway.sandbox.SimulatedStatus.hash;
import static dev.slipway.sandbox.SimulatedStatus.name;
import static dev.slipway.sandbox.SimulatedStatus.namespace;
import static dev.slipway.sandbox.SimulatedStatus.object;
import static dev.slipway.sandbox.SimulatedStatus.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.sandbox.SimulatedStatus.Next;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Status written by what runs beside the control plane on the seeds' EKS clusters: the volume
 * binder (EBS CSI), the AWS Load Balancer Controller (ALB for Ingresses, NLB for Services), the
 * horizontal pod autoscaler, External Secrets Operator, KEDA and Karpenter. Load-balancer host
 * names have the AWS shape under the reserved {@code .invalid} domain: nobody can reach them.
 */
final class AddonStatus {
  /** Domain of every simulated address: reserved (RFC 2606), so it never resolves. */
  static final String SIMULATED_DOMAIN = "simulated.invalid";
  /** Marks what the sandbox makes itself (the Secret of an ExternalSecret). */
  static final String SIMULATED_ANNOTATION = "sandbox.slipway.dev/simulated";

  private AddonStatus() {}

  static Next pvc(JsonNode o, Progress p, boolean done, SandboxOptions options) {
    if (!done) {
      return Next.of(object().put("phase", "Pending"), p.since().plus(options.delay()));
    }
    ObjectNode s = object().put("phase", "Bound");
    JsonNode modes = o.path("spec").path("accessModes");
    s.set("accessModes", modes.isArray() ? modes.deepCopy() : array().add("ReadWriteOnce"));
    String size = o.path("spec").path("resources").path("requests").path("storage").asText("1Gi");
    s.putObject("capacity").put("storage", size);
    return Next.of(s, null);
  }

  static Next service(JsonNode o, Progress p, boolean done, SandboxOptions options) {
    if (!o.path("spec").path("type").asText().equals("LoadBalancer")) {
      return Next.NONE;
    }
    ObjectNode s = object();
    ObjectNode lb = s.putObject("loadBalancer");
    if (!done) {
      return Next.of(s, p.since().plus(options.delay()));
    }
    // The NLB the AWS Load Balancer Controller would make: k8s-<ns>-<name>-<hash>.elb.<region>.amazonaws.com
    String base = "k8s-" + cut(namespace(o), 8) + "-" + cut(name(o), 8) + "-" + hash(namespace(o) + "/" + name(o), 10);
    lb.putArray("ingress").addObject().put("hostname", base + ".elb." + options.region() + "." + SIMULATED_DOMAIN);
    return Next.of(s, null);
  }

  static Next ingress(JsonNode o, Progress p, boolean done, SandboxOptions options) {
    ObjectNode s = object();
    ObjectNode lb = s.putObject("loadBalancer");
    if (!done) {
      return Next.of(s, p.since().plus(options.delay()));
    }
    // An ALB named as the AWS Load Balancer Controller names it: per ingress group when one is set.
    String group = o.path("metadata").path("annotations").path("alb.ingress.kubernetes.io/group.name").asText("");
    String lbName = group.isEmpty()
        ? "k8s-" + cut(namespace(o), 8) + "-" + cut(name(o), 8) + "-" + hash(namespace(o) + "/" + name(o), 10)
        : "k8s-" + cut(group, 17) + "-" + hash(group, 10);
    String id = String.format(Locale.ROOT, "%010d", Math.floorMod((long) lbName.hashCode() * 7919L, 10_000_000_000L));
    lb.putArray("ingress").addObject().put("hostname", lbName + "-" + id + "." + options.region() + ".elb." + SIMULATED_DOMAIN);
    return Next.of(s, null);
  }

  /**
   * The autoscaler reports the target's replicas and the count it wants within min and max; it
   * cannot scale a target that does not exist (FailedGetScale, which Argo CD's rules call Degraded).
   * The simulated autoscaler does not change the target's replicas: no metrics drive it.
   */
  static Next hpa(JsonNode o, Progress p, boolean done, SandboxOptions options, JsonNode target) {
    if (!done) {
      return Next.of(object().put("currentReplicas", 0).put("desiredReplicas", 0), p.since().plus(options.delay()));
    }
    JsonNode spec = o.path("spec");
    ObjectNode s = object();
    ArrayNode conditions = array();
    Instant at = p.since().plus(options.delay());
    if (target == null) {
      JsonNode ref = spec.path("scaleTargetRef");
      s.put("currentReplicas", 0).put("desiredReplicas", 0);
      condition(conditions, "AbleToScale", "False", "FailedGetScale", "the HPA controller was unable to get the target's current scale: "
          + ref.path("kind").asText().toLowerCase(Locale.ROOT) + "s/scale \"" + ref.path("name").asText() + "\" not found", at);
      s.set("conditions", conditions);
      return Next.of(s, null);
    }
    int current = target.path("status").path("replicas").asInt(SimulatedStatus.replicas(target));
    int min = spec.path("minReplicas").asInt(1);
    int max = spec.path("maxReplicas").asInt(Math.max(min, current));
    int desired = Math.max(min, Math.min(max, current));
    s.put("currentReplicas", current).put("desiredReplicas", desired);
    condition(conditions, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", at);
    condition(conditions, "ScalingActive", "True", "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", at);
    if (desired == current) {
      condition(conditions, "ScalingLimited", "False", "DesiredWithinRange", "the desired count is within the acceptable range", at);
    } else {
      condition(conditions, "ScalingLimited", "True", desired > current ? "TooFewReplicas" : "TooManyReplicas",
          "the desired replica count is " + (desired > current ? "less than the minimum" : "more than the maximum") + " replica count", at);
    }
    s.set("conditions", conditions);
    return Next.of(s, null);
  }

  /** External Secrets Operator: Ready once synced, and the target Secret made (values are placeholders). */
  static Next externalSecret(JsonNode o, Progress p, String fault, Instant now, SandboxOptions options) {
    Instant at = p.since().plus(options.delay());
    if (now.isBefore(at)) {
      return Next.of(object(), at);
    }
    ObjectNode s = object();
    ArrayNode conditions = array();
    if (fault != null) {
      condition(conditions, "Ready", "False", "SecretSyncedError", "could not get secret data from provider (simulated: " + fault + ")", at);
      s.set("conditions", conditions);
      return Next.of(s, null);
    }
    String target = o.path("spec").path("target").path("name").asText(name(o));
    condition(conditions, "Ready", "True", "SecretSynced", "Secret was synced (simulated: values are placeholders)", at);
    s.set("conditions", conditions);
    s.put("refreshTime", time(at)).put("syncedResourceVersion", generation(o) + "-" + hash(o.path("spec").toString(), 16));
    s.putObject("binding").put("name", target);
    return new Next(s, null, List.of(secret(o, target)));
  }

  /** The Secret an ExternalSecret makes, owned by it; each key holds a placeholder, never a real value. */
  static ObjectNode secret(JsonNode es, String name) {
    ObjectNode secret = object().put("apiVersion", "v1").put("kind", "Secret").put("type", "Opaque");
    ObjectNode meta = secret.putObject("metadata").put("name", name).put("namespace", namespace(es));
    meta.putObject("labels").put("reconcile.external-secrets.io/managed", "true");
    meta.putObject("annotations").put(SIMULATED_ANNOTATION, "true");
    meta.putArray("ownerReferences").addObject().put("apiVersion", es.path("apiVersion").asText()).put("kind", "ExternalSecret")
        .put("name", name(es)).put("uid", es.path("metadata").path("uid").asText()).put("controller", true)
        .put("blockOwnerDeletion", true);
    ObjectNode data = secret.putObject("data");
    for (JsonNode d : es.path("spec").path("data")) {
      String key = d.path("secretKey").asText("");
      if (!key.isEmpty()) {
        data.put(key, Base64.getEncoder().encodeToString(("simulated-" + key).getBytes(StandardCharsets.UTF_8)));
      }
    }
    if (es.path("spec").path("dataFrom").size() > 0) {
      data.put("simulated", Base64.getEncoder().encodeToString("simulated".getBytes(StandardCharsets.UTF_8)));
    }
    return secret;
  }

  static Next secretStore(JsonNode o, Progress p, String fault, boolean done, SandboxOptions options) {
    if (!done && fault == null) {
      return Next.of(object(), p.since().plus(options.delay()));
    }
    ObjectNode s = object();
    ArrayNode conditions = array();
    if (fault != null) {
      condition(conditions, "Ready", "False", "InvalidProviderConfig", "unable to validate store (simulated: " + fault + ")", p.since());
    } else {
      condition(conditions, "Ready", "True", "Valid", "store validated (simulated)", p.since().plus(options.delay()));
      s.put("capabilities", "ReadWrite");
    }
    s.set("conditions", conditions);
    return Next.of(s, null);
  }

  static Next scaledObject(JsonNode o, Progress p, String fault, boolean done, SandboxOptions options, JsonNode target) {
    if (!done && fault == null) {
      return Next.of(object(), p.since().plus(options.delay()));
    }
    Instant at = p.since().plus(options.delay());
    JsonNode ref = o.path("spec").path("scaleTargetRef");
    String kind = ref.path("kind").asText("Deployment");
    ObjectNode s = object().put("hpaName", "keda-hpa-" + name(o)).put("scaleTargetKind", ref.path("apiVersion").asText("apps/v1") + "." + kind);
    ArrayNode conditions = array();
    if (fault != null || target == null) {
      String why = fault != null ? "simulated: " + fault : kind.toLowerCase(Locale.ROOT) + "s.apps \"" + ref.path("name").asText() + "\" not found";
      condition(conditions, "Ready", "False", "ScaledObjectCheckFailed", "ScaledObject doesn't have correct scaleTargetRef specification ("
          + why + ")", at);
      condition(conditions, "Active", "False", "ScalerNotActive", "Scaling is not performed because the ScaledObject is not ready", at);
    } else {
      s.put("originalReplicaCount", SimulatedStatus.replicas(target));
      condition(conditions, "Ready", "True", "ScaledObjectReady", "ScaledObject is defined correctly and is ready for scaling", at);
      condition(conditions, "Active", "True", "ScalerActive", "Scaling is performed because triggers are active (simulated)", at);
      condition(conditions, "Fallback", "False", "NoFallbackFound", "No fallbacks are active on this scaled object", at);
      condition(conditions, "Paused", "False", "ScaledObjectUnpaused", "ScaledObject is not paused", at);
    }
    s.set("conditions", conditions);
    return Next.of(s, null);
  }

  /** The disruption controller's verdict: disruptions allowed once the delay passed, SyncFailed under a fault. */
  static Next podDisruptionBudget(JsonNode o, Progress p, String fault, boolean done, SandboxOptions options) {
    if (!done && fault == null) {
      return Next.of(object(), p.since().plus(options.delay()));
    }
    Instant at = p.since().plus(options.delay());
    ObjectNode s = object().put("observedGeneration", generation(o));
    ArrayNode conditions = array();
    if (fault != null) {
      condition(conditions, "DisruptionAllowed", "False", "SyncFailed", "simulated: " + fault, at);
    } else {
      condition(conditions, "DisruptionAllowed", "True", "SufficientPods", "", at);
    }
    s.set("conditions", conditions);
    return Next.of(s, null);
  }

  static Next nodePool(JsonNode o, Progress p, String fault, boolean done, SandboxOptions options) {
    return karpenter(o, p, fault, done, options, List.of("ValidationSucceeded", "NodeClassReady"), true);
  }

  static Next nodeClass(JsonNode o, Progress p, String fault, boolean done, SandboxOptions options) {
    return karpenter(o, p, fault, done, options, List.of("AMIsReady", "SubnetsReady", "SecurityGroupsReady", "InstanceProfileReady"), false);
  }

  private static Next karpenter(JsonNode o, Progress p, String fault, boolean done, SandboxOptions options, List<String> parts,
      boolean pool) {
    if (!done && fault == null) {
      return Next.of(object(), p.since().plus(options.delay()));
    }
    Instant at = p.since().plus(options.delay());
    ObjectNode s = object();
    ArrayNode conditions = array();
    for (String part : parts) {
      condition(conditions, part, "True", part, "", at).put("observedGeneration", generation(o));
    }
    if (fault != null) {
      condition(conditions, "Ready", "False", "UnhealthyDependents", "simulated: " + fault, at).put("observedGeneration", generation(o));
    } else {
      condition(conditions, "Ready", "True", "Ready", "", at).put("observedGeneration", generation(o));
    }
    s.set("conditions", conditions);
    if (pool) {
      s.putObject("resources").put("cpu", "0").put("memory", "0").put("nodes", "0").put("pods", "0");
    }
    return Next.of(s, null);
  }

  private static String cut(String s, int n) {
    String clean = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return clean.length() <= n ? clean : clean.substring(0, n);
  }
}
