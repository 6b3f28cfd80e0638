package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code Service}: a Service with a selector and no ready endpoint, so traffic to it fails. Reads
 * its Endpoints or EndpointSlices when the dump has them (else the pods), then says why: no pod
 * carries the selector's labels (with the nearest pod's differing labels), the pods are not ready,
 * or the target port is not a port of the pods.
 */
final class ServiceAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "Service";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode svc : scan.live.ofKind("Service")) {
      Map<String, String> selector = LiveObjects.map(svc.path("spec").path("selector"));
      if (selector.isEmpty() || svc.path("spec").path("type").asText().equals("ExternalName")) {
        continue;
      }
      ObjectRef ref = LiveObjects.ref(svc);
      int[] endpoints = endpoints(scan, ref);
      if (endpoints == null && !scan.live.hasKind("Pod")) {
        continue; // neither endpoints nor pods in the dump: nothing to judge by
      }
      List<JsonNode> pods = scan.live.ofKind("Pod").stream()
          .filter(p -> ref.namespace().equals(LiveObjects.namespace(p)) && LiveObjects.matches(selector, LiveObjects.labels(p))).toList();
      List<JsonNode> readyPods = pods.stream()
          .filter(p -> LiveObjects.condition(p, "Ready").path("status").asText().equals("True")).toList();
      int ready = endpoints != null ? endpoints[0] : readyPods.size();
      if (ready > 0) {
        continue;
      }
      String component = scan.component(svc);
      List<String> evidence = new ArrayList<>();
      evidence.add("selector: " + selector);
      evidence.add(endpoints == null ? "endpoints: not in the dump; counted from the pods"
          : "endpoints: " + endpoints[0] + " ready, " + endpoints[1] + " not ready");
      evidence.add("pods matching the selector: " + pods.size() + " (" + readyPods.size() + " ready)");
      String explanation;
      String fix;
      if (pods.isEmpty()) {
        JsonNode nearest = nearest(scan, ref.namespace(), selector);
        if (nearest != null) {
          Map<String, String> labels = LiveObjects.labels(nearest);
          List<String> diff = selector.entrySet().stream().filter(e -> !e.getValue().equals(labels.get(e.getKey())))
              .map(e -> e.getKey() + "=" + e.getValue() + " (pod " + LiveObjects.name(nearest) + " has "
                  + (labels.containsKey(e.getKey()) ? e.getKey() + "=" + labels.get(e.getKey()) : "no " + e.getKey()) + ")").toList();
          evidence.add("nearest pod " + LiveObjects.name(nearest) + " differs on: " + String.join("; ", diff));
        }
        boolean drifted = scan.rendered(ref).map(r -> !LiveObjects.map(r.body().path("spec").path("selector")).equals(selector)).orElse(false);
        explanation = "No pod in namespace " + ref.namespace() + " carries the Service's selector labels, so it has no endpoints and every "
            + "request to it fails" + (nearest == null ? " (there are no pods at all)." : ".");
        fix = drifted ? "the live selector differs from the rendered one: run slipway sync --env " + scan.spec.plan().name() + " --app "
            + scan.application(ref) + " to restore it"
            : nearest == null ? "start the workload behind it (check its Deployment's replicas and events)"
            : "make the selector and the pods' labels agree";
      } else if (readyPods.isEmpty()) {
        explanation = "The Service's " + pods.size() + " pod(s) exist but none is ready, so it has no ready endpoint and requests to it fail.";
        fix = "make the pods ready: see the findings about " + scan.live.workload(pods.get(0)) + " (crashes, probes, pulls)";
      } else {
        JsonNode port = svc.path("spec").path("ports").path(0).path("targetPort");
        boolean named = port.isTextual() && !port.asText().matches("\\d+");
        boolean podsHaveIt = !named || readyPods.stream().anyMatch(p -> p.path("spec").path("containers").findValues("ports").stream()
            .anyMatch(ps -> ps.findValues("name").stream().anyMatch(n -> n.asText().equals(port.asText()))));
        evidence.add("targetPort: " + port.asText());
        explanation = named && !podsHaveIt
            ? "The Service's targetPort " + port.asText() + " is not the name of a port of its pods, so none of them becomes an endpoint."
            : "The Service's pods are ready but none is an endpoint yet.";
        fix = named && !podsHaveIt ? "name the container's port " + port.asText() + " or target the port by number" : "check the EndpointSlice controller";
      }
      scan.add(Severity.ERROR, ref, component, name(), evidence, explanation, fix, null);
    }
  }

  /** Ready and not-ready addresses from Endpoints or EndpointSlices; null when the dump has neither kind. */
  private static int[] endpoints(Scan scan, ObjectRef svc) {
    if (scan.live.hasKind("EndpointSlice")) {
      int ready = 0;
      int notReady = 0;
      boolean any = false;
      for (JsonNode s : scan.live.ofKind("EndpointSlice")) {
        if (!svc.namespace().equals(LiveObjects.namespace(s)) || !svc.name().equals(LiveObjects.label(s, "kubernetes.io/service-name"))) {
          continue;
        }
        any = true;
        for (JsonNode e : s.path("endpoints")) {
          if (e.path("conditions").path("ready").asBoolean(true)) {
            ready += Math.max(1, e.path("addresses").size());
          } else {
            notReady += Math.max(1, e.path("addresses").size());
          }
        }
      }
      if (any) {
        return new int[] {ready, notReady};
      }
    }
    var ep = scan.live.get("Endpoints", svc.namespace(), svc.name());
    if (ep.isPresent()) {
      int ready = 0;
      int notReady = 0;
      for (JsonNode subset : ep.get().path("subsets")) {
        ready += subset.path("addresses").size();
        notReady += subset.path("notReadyAddresses").size();
      }
      return new int[] {ready, notReady};
    }
    return scan.live.hasKind("Endpoints") || scan.live.hasKind("EndpointSlice") ? new int[] {0, 0} : null;
  }

  /** The pod of the namespace that shares most of the selector's labels. */
  private static JsonNode nearest(Scan scan, String namespace, Map<String, String> selector) {
    JsonNode best = null;
    long bestScore = -1;
    for (JsonNode p : scan.live.ofKind("Pod")) {
      if (!namespace.equals(LiveObjects.namespace(p))) {
        continue;
      }
      Map<String, String> labels = LiveObjects.labels(p);
      long score = selector.entrySet().stream().filter(e -> e.getValue().equals(labels.get(e.getKey()))).count() * 2
          + selector.keySet().stream().filter(labels::containsKey).count();
      if (score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    return best;
  }
}
