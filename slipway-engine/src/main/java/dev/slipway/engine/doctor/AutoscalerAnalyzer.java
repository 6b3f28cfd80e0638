package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code Autoscaling}: a HorizontalPodAutoscaler or KEDA ScaledObject that cannot read its
 * metrics, so the workload stays at its current size whatever the load. An HPA that KEDA made
 * for a ScaledObject in the dump is judged through the ScaledObject.
 */
final class AutoscalerAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "Autoscaling";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode hpa : scan.live.ofKind("HorizontalPodAutoscaler")) {
      boolean keda = LiveObjects.controller(hpa).map(o -> o.kind().equals("ScaledObject")).orElse(false)
          || LiveObjects.name(hpa).startsWith("keda-hpa-");
      if (keda && scan.live.hasKind("ScaledObject")) {
        continue;
      }
      hpa(scan, hpa);
    }
    for (JsonNode so : scan.live.ofKind("ScaledObject")) {
      scaledObject(scan, so);
    }
  }

  private void hpa(Scan scan, JsonNode hpa) {
    JsonNode active = LiveObjects.condition(hpa, "ScalingActive");
    JsonNode able = LiveObjects.condition(hpa, "AbleToScale");
    boolean broken = active.path("status").asText().equals("False") && !active.path("reason").asText().equals("ScalingDisabled")
        || able.path("status").asText().equals("False");
    if (!broken) {
      return;
    }
    ObjectRef ref = LiveObjects.ref(hpa);
    String component = scan.component(hpa);
    List<String> evidence = new ArrayList<>();
    for (JsonNode c : List.of(able, active)) {
      if (!c.isMissingNode()) {
        evidence.add(LiveObjects.describeCondition(c));
      }
    }
    scan.live.events(ref, "FailedGetResourceMetric", "FailedComputeMetricsReplicas", "FailedGetExternalMetric", "FailedGetPodsMetric",
        "FailedGetScale").stream().reduce((a, b) -> b).ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
    String text = (active.path("message").asText("") + "\n" + able.path("message").asText("") + "\n"
        + String.join("\n", scan.live.events(ref).stream().map(LiveObjects::message).toList())).toLowerCase(Locale.ROOT);
    String target = hpa.path("spec").path("scaleTargetRef").path("kind").asText() + "/" + hpa.path("spec").path("scaleTargetRef").path("name").asText();
    String explanation;
    String fix;
    SpecRef at = null;
    if (text.contains("missing request for")) {
      String resource = text.contains("missing request for memory") ? "memory" : "cpu";
      at = scan.locate(ref, component, "resources." + resource, "resources");
      explanation = "The autoscaler scales on " + resource + " utilization, a percentage of the request, but a container of " + target
          + " has no " + resource + " request, so it cannot compute one and does not scale.";
      fix = "give every container of the pod a " + resource + " request" + (at == null ? "" : " (" + at + ")");
    } else if (text.contains("metrics api") || text.contains("no metrics returned") || text.contains("unable to fetch metrics")
        || text.contains("unable to get metrics")) {
      at = scan.locate(ref, component, "autoscaling");
      explanation = "The autoscaler cannot read " + target + "'s CPU or memory from the resource metrics API: metrics-server is not "
          + "installed or not ready, or the pods are too new to have metrics; " + target + " stays at its current size.";
      fix = "install metrics-server (or check it: kubectl get apiservice v1beta1.metrics.k8s.io), or scale on KEDA triggers instead"
          + (at == null ? "" : " (" + at + ")");
    } else if (text.contains("not found") || able.path("reason").asText().equals("FailedGetScale")) {
      explanation = "The autoscaler's target " + target + " does not exist or cannot be scaled.";
      fix = "sync the application so that its workload exists (slipway sync --env " + scan.spec.plan().name() + " --app "
          + scan.application(ref) + ")";
    } else {
      explanation = "The autoscaler cannot compute a replica count, so " + target + " does not scale: "
          + ContainerAnalyzers.firstLine(active.path("message").asText(able.path("message").asText("")));
      fix = "correct what the condition names";
    }
    scan.add(Severity.ERROR, ref, component, name(), evidence, explanation, fix, at);
  }

  private void scaledObject(Scan scan, JsonNode so) {
    JsonNode ready = LiveObjects.condition(so, "Ready");
    JsonNode fallback = LiveObjects.condition(so, "Fallback");
    List<JsonNode> failures = scan.live.events(LiveObjects.ref(so), "KEDAScalerFailed", "ScaledObjectCheckFailed",
        "KEDAMetricSourceFailed", "KEDAScaleTargetActivationFailed");
    boolean notReady = ready.path("status").asText().equals("False");
    boolean inFallback = fallback.path("status").asText().equals("True");
    if (!notReady && !inFallback) {
      return;
    }
    ObjectRef ref = LiveObjects.ref(so);
    String component = scan.component(so);
    List<String> evidence = new ArrayList<>();
    evidence.add(LiveObjects.describeCondition(ready));
    if (inFallback) {
      evidence.add(LiveObjects.describeCondition(fallback));
    }
    failures.stream().reduce((a, b) -> b).ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
    List<String> triggers = new ArrayList<>();
    for (JsonNode t : so.path("spec").path("triggers")) {
      triggers.add(t.path("type").asText() + (t.path("metadata").has("serverAddress") ? " " + t.path("metadata").path("serverAddress").asText() : ""));
    }
    evidence.add("triggers: " + String.join(", ", triggers));
    String text = (ready.path("message").asText("") + "\n" + String.join("\n", failures.stream().map(LiveObjects::message).toList()))
        .toLowerCase(Locale.ROOT);
    String target = so.path("spec").path("scaleTargetRef").path("name").asText();
    String explanation;
    String fix;
    SpecRef at;
    if (text.contains("no such host") || text.contains("connection refused") || text.contains("i/o timeout") || text.contains("dial tcp")) {
      SpecRef trigger = scan.locate(ref, component, "autoscaling.triggers");
      SpecRef platform = scan.spec.platformSpecField("addons.metrics.prometheusAddress");
      at = platform != null ? platform : trigger;
      explanation = "KEDA cannot reach the metrics server its trigger queries, so it cannot read the metric and " + target
          + (inFallback ? " runs at the fallback replica count." : " does not scale on it.");
      fix = "point the Prometheus address at a server KEDA can reach" + (platform == null ? "" : " at " + platform)
          + (trigger == null ? "" : " (or the trigger's serverAddress, " + trigger + ")");
    } else if (text.contains("parse") || text.contains("bad_data") || text.contains("invalid") && text.contains("query")) {
      at = scan.locate(ref, component, "autoscaling.triggers");
      explanation = "The trigger's Prometheus query does not parse, so KEDA cannot read the metric and " + target + " does not scale on it.";
      fix = "correct the query" + (at == null ? "" : " at " + at) + " (try it in Prometheus first)";
    } else if (text.contains("empty") || text.contains("no data") || text.contains("returned no")) {
      at = scan.locate(ref, component, "autoscaling.triggers");
      explanation = "The trigger's query returns no data: the series it reads does not exist (a wrong label or metric name, or "
          + "nothing scrapes the application).";
      fix = "correct the query" + (at == null ? "" : " at " + at) + ", or check that the ServiceMonitor scrapes the pods";
    } else {
      at = scan.locate(ref, component, "autoscaling");
      explanation = "KEDA reports the ScaledObject not ready: " + ContainerAnalyzers.firstLine(ready.path("message").asText("")
          + (failures.isEmpty() ? "" : " " + LiveObjects.message(failures.get(failures.size() - 1))));
      fix = "correct what KEDA's event names" + (at == null ? "" : " (autoscaling at " + at + ")");
    }
    scan.add(notReady ? Severity.ERROR : Severity.WARNING, ref, component, name(), evidence, explanation, fix, at);
  }
}
