package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.capacity.Resources;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import dev.slipway.model.yaml.Quantities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Pending}: pods the scheduler cannot place. The scheduler's and Karpenter's messages are
 * the evidence; the cause is found by measuring the pod against what the environment's node pools
 * may launch (the capacity planner's instance types, allocatable after EKS's reservations and the
 * DaemonSets), against the pools' limits, and against the nodes' and pools' labels and taints.
 */
final class SchedulingAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "Pending";
  }

  @Override
  public void analyze(Scan scan) {
    Map<ObjectRef, List<JsonNode>> pending = new LinkedHashMap<>();
    for (JsonNode pod : scan.live.ofKind("Pod")) {
      JsonNode scheduled = LiveObjects.condition(pod, "PodScheduled");
      boolean unscheduled = scheduled.path("status").asText().equals("False")
          || !scan.live.events(LiveObjects.ref(pod), "FailedScheduling").isEmpty() && pod.path("spec").path("nodeName").isMissingNode();
      if (pod.path("status").path("phase").asText().equals("Pending") && unscheduled) {
        pending.computeIfAbsent(scan.live.workload(pod), k -> new ArrayList<>()).add(pod);
      }
    }
    pending.forEach((workload, pods) -> analyze(scan, workload, pods));
  }

  private void analyze(Scan scan, ObjectRef workload, List<JsonNode> pods) {
    JsonNode pod = pods.get(0);
    String component = scan.component(workload, pod);
    List<String> evidence = new ArrayList<>();
    evidence.add("pods: " + String.join(", ", pods.stream().map(LiveObjects::name).toList()) + " Pending");
    JsonNode cond = LiveObjects.condition(pod, "PodScheduled");
    if (!cond.isMissingNode()) {
      evidence.add(LiveObjects.describeCondition(cond));
    }
    List<JsonNode> events = scan.live.events(LiveObjects.ref(pod), "FailedScheduling", "NotTriggerScaleUp");
    events.stream().reduce((a, b) -> b).ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
    String text = (cond.path("message").asText("") + "\n"
        + String.join("\n", events.stream().map(LiveObjects::message).toList()));
    long[] requests = requests(pod);
    evidence.add("pod requests: " + requests[0] + "m CPU, " + requests[1] + "Mi memory");
    String envName = scan.spec.plan().name();
    long[] largest = scan.spec.largestRequests();
    Optional<SpecFacts.Node> node = scan.spec.largestNode();

    boolean cpuTooLarge = largest[0] > 0 && requests[0] > largest[0];
    boolean memTooLarge = largest[1] > 0 && requests[1] > largest[1];
    if (cpuTooLarge || memTooLarge) {
      String what = cpuTooLarge && memTooLarge ? "CPU and memory" : cpuTooLarge ? "CPU" : "memory";
      SpecRef at = scan.locate(workload, component, memTooLarge ? "resources.memory" : "resources.cpu", "resources");
      SpecRef types = scan.spec.platformField("nodePools.instanceTypes");
      String instances = String.join(", ", scan.spec.pools().stream()
          .flatMap(p -> p.types().stream().map(t -> t.name())).distinct().toList());
      scan.add(Severity.ERROR, workload, component, name(), evidence,
          "The pod requests more " + what + " than any node environment " + envName + "'s node pools may launch can give a pod: "
              + "the most is " + largest[0] + "m CPU and " + largest[1] + "Mi memory (of " + instances
              + ", after EKS's reservations and the DaemonSets), so it stays Pending forever.",
          "lower the " + what + " request" + (at == null ? "" : " at " + at) + " to at most " + (memTooLarge ? largest[1] + "Mi" : largest[0] + "m")
              + ", or allow a larger instance type at " + types,
          at);
      return;
    }
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("exceed limits for nodepool") || lower.contains("exceeds limits") || poolAtLimit(scan, evidence)) {
      SpecRef limits = scan.spec.platformField("nodePools.limits");
      scan.add(Severity.ERROR, workload, component, name(), evidence,
          "The nodes are full and the node pool may not grow: it has reached its limits, so Karpenter launches no node for the pod.",
          "raise the node pool's limits at " + limits + ", or lower the replicas or requests of this environment's applications",
          limits);
      return;
    }
    Map<String, String> selector = LiveObjects.map(pod.path("spec").path("nodeSelector"));
    if (!selector.isEmpty() && (lower.contains("node affinity/selector") || lower.contains("didn't match") || noNodeMatches(scan, selector))) {
      List<String> matching = scan.live.ofKind("Node").stream().filter(n -> LiveObjects.matches(selector, LiveObjects.labels(n)))
          .map(LiveObjects::name).toList();
      List<String> pools = scan.live.ofKind("NodePool").stream().filter(p -> poolOffers(p, selector)).map(LiveObjects::name).toList();
      if (matching.isEmpty() && pools.isEmpty()) {
        evidence.add("nodeSelector: " + selector);
        boolean rendered = scan.rendered(workload).map(r -> r.body().path("spec").path("template").path("spec").has("nodeSelector"))
            .orElse(true);
        scan.add(Severity.ERROR, workload, component, name(), evidence,
            "The pod's nodeSelector " + selector + " matches no node" + (scan.live.hasKind("NodePool") ? " and no NodePool's labels" : "")
                + ", so no node can ever take it.",
            rendered ? "label a NodePool's nodes with " + selector + " (spec.template.metadata.labels), or drop the selector"
                : "Slipway renders no nodeSelector here: it was added in the cluster; run slipway sync --env " + envName
                    + " --app " + scan.application(workload) + " to restore the rendered Deployment",
            null);
        return;
      }
    }
    List<String> taints = untolerated(scan, pod);
    if (lower.contains("untolerated taint") || lower.contains("had taint") || !taints.isEmpty() && !scan.live.ofKind("Node").isEmpty()
        && taints.size() == scan.live.ofKind("Node").size()) {
      taints.forEach(evidence::add);
      scan.add(Severity.ERROR, workload, component, name(), evidence,
          "Every node carries a taint the pod does not tolerate, and no NodePool launches an untainted node for it.",
          "remove the taint from a NodePool (spec.template.spec.taints), or give the pod a matching toleration", null);
      return;
    }
    if (lower.contains("unbound") && lower.contains("persistentvolumeclaim")) {
      scan.add(Severity.ERROR, workload, component, name(), evidence,
          "The pod waits for a PersistentVolumeClaim that is not bound; see the PersistentVolumeClaim finding.",
          "fix the claim's storage class or provisioner (see below)", null);
      return;
    }
    if (lower.contains("insufficient")) {
      scan.add(Severity.WARNING, workload, component, name(), evidence,
          "The nodes are full and no new node has joined yet" + node.map(n -> " (the pod fits a " + n.instanceType() + ")").orElse("")
              + ": Karpenter should launch one within a minute or two.",
          "if it stays Pending, read Karpenter's events and logs (kubectl -n kube-system logs deploy/karpenter) for why no node launches",
          null);
      return;
    }
    scan.add(Severity.WARNING, workload, component, name(), evidence,
        "The scheduler cannot place the pod: " + ContainerAnalyzers.firstLine(text.strip().isEmpty() ? "no reason recorded" : text.strip()),
        "read kubectl describe pod -n " + workload.namespace() + " " + LiveObjects.name(pod) + " for the scheduler's reasons", null);
  }

  /** The pod's requests as the scheduler sums them: containers added, the largest init container if larger. */
  static long[] requests(JsonNode pod) {
    long cpu = 0;
    long mem = 0;
    for (JsonNode c : pod.path("spec").path("containers")) {
      cpu += cpu(c);
      mem += mem(c);
    }
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      cpu = Math.max(cpu, cpu(c));
      mem = Math.max(mem, mem(c));
    }
    return new long[] {cpu, mem};
  }

  private static long cpu(JsonNode c) {
    String q = c.path("resources").path("requests").path("cpu").asText(null);
    return q != null && Quantities.isValid(q) ? Resources.cpuMillis(q) : 0;
  }

  private static long mem(JsonNode c) {
    String q = c.path("resources").path("requests").path("memory").asText(null);
    return q != null && Quantities.isValid(q) ? Resources.memoryMiB(q) : 0;
  }

  /** Whether a NodePool in the dump has reached its CPU or memory limit (status.resources against spec.limits). */
  private static boolean poolAtLimit(Scan scan, List<String> evidence) {
    boolean at = false;
    for (JsonNode p : scan.live.ofKind("NodePool")) {
      JsonNode limits = p.path("spec").path("limits");
      JsonNode used = p.path("status").path("resources");
      for (String r : List.of("cpu", "memory")) {
        String limit = limits.path(r).asText(null);
        String use = used.path(r).asText(null);
        if (limit == null || use == null || !Quantities.isValid(limit) || !Quantities.isValid(use)) {
          continue;
        }
        if (Quantities.amount(use).compareTo(Quantities.amount(limit)) >= 0) {
          evidence.add("NodePool " + LiveObjects.name(p) + ": " + r + " in use " + use + " of limit " + limit);
          at = true;
        }
      }
    }
    return at;
  }

  private static boolean noNodeMatches(Scan scan, Map<String, String> selector) {
    return scan.live.hasKind("Node") && scan.live.ofKind("Node").stream().noneMatch(n -> LiveObjects.matches(selector, LiveObjects.labels(n)));
  }

  /** Whether a Karpenter NodePool's nodes would carry {@code selector}: its template labels or its requirements. */
  private static boolean poolOffers(JsonNode pool, Map<String, String> selector) {
    JsonNode template = pool.path("spec").path("template");
    Map<String, String> labels = LiveObjects.map(template.path("metadata").path("labels"));
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (e.getValue().equals(labels.get(e.getKey()))) {
        continue;
      }
      boolean required = false;
      for (JsonNode r : template.path("spec").path("requirements")) {
        if (r.path("key").asText().equals(e.getKey()) && r.path("operator").asText().equals("In")) {
          for (JsonNode v : r.path("values")) {
            required |= v.asText().equals(e.getValue());
          }
        }
      }
      if (!required && !e.getKey().startsWith("kubernetes.io/") && !e.getKey().startsWith("topology.kubernetes.io/")
          && !e.getKey().startsWith("node.kubernetes.io/") && !e.getKey().startsWith("karpenter.")) {
        return false;
      }
    }
    return true;
  }

  /** Each node's NoSchedule/NoExecute taints the pod does not tolerate, as evidence lines; only nodes with such taints. */
  private static List<String> untolerated(Scan scan, JsonNode pod) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : scan.live.ofKind("Node")) {
      List<String> bad = new ArrayList<>();
      for (JsonNode t : n.path("spec").path("taints")) {
        String effect = t.path("effect").asText();
        if (effect.equals("PreferNoSchedule") || tolerated(pod, t)) {
          continue;
        }
        bad.add(t.path("key").asText() + (t.has("value") ? "=" + t.path("value").asText() : "") + ":" + effect);
      }
      if (!bad.isEmpty()) {
        out.add("node " + LiveObjects.name(n) + " taints: " + String.join(", ", bad));
      }
    }
    return out;
  }

  private static boolean tolerated(JsonNode pod, JsonNode taint) {
    for (JsonNode t : pod.path("spec").path("tolerations")) {
      boolean keyOk = !t.has("key") || t.path("key").asText().isEmpty() ? t.path("operator").asText().equals("Exists")
          : t.path("key").asText().equals(taint.path("key").asText());
      boolean valueOk = t.path("operator").asText("Equal").equals("Exists") || t.path("value").asText("").equals(taint.path("value").asText(""));
      boolean effectOk = !t.has("effect") || t.path("effect").asText().isEmpty() || t.path("effect").asText().equals(taint.path("effect").asText());
      if (keyOk && valueOk && effectOk) {
        return true;
      }
    }
    return false;
  }
}
