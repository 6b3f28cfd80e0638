package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PodDisruptionBudget}: a budget that allows no eviction, so node drains, Karpenter's
 * consolidation and node upgrades wait on it. With every pod healthy the budget itself forbids
 * any eviction (minAvailable equal to the replicas), an error; with unhealthy pods it blocks until
 * they recover, a warning that points at them.
 */
final class DisruptionBudgetAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "PodDisruptionBudget";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode pdb : scan.live.ofKind("PodDisruptionBudget")) {
      JsonNode s = pdb.path("status");
      int allowed = s.path("disruptionsAllowed").asInt(-1);
      int expected = s.path("expectedPods").asInt(0);
      int healthy = s.path("currentHealthy").asInt(0);
      int desired = s.path("desiredHealthy").asInt(0);
      if (allowed != 0 || expected == 0 || healthy > desired) {
        continue;
      }
      ObjectRef ref = LiveObjects.ref(pdb);
      String component = scan.component(pdb);
      JsonNode spec = pdb.path("spec");
      String rule = spec.has("minAvailable") ? "minAvailable " + spec.path("minAvailable").asText() : "maxUnavailable " + spec.path("maxUnavailable").asText();
      List<String> evidence = new ArrayList<>();
      evidence.add(rule + "; status: expectedPods " + expected + ", currentHealthy " + healthy + ", desiredHealthy " + desired
          + ", disruptionsAllowed 0");
      String consolidation = scan.spec.environment().nodePools().stream().map(p -> p.consolidation()).filter(c -> c != null)
          .findFirst().orElse(null);
      String blocks = "node drains" + (consolidation == null ? "" : ", Karpenter's consolidation (" + consolidation + ")")
          + " and node upgrades wait on it";
      if (healthy < expected) {
        scan.add(Severity.WARNING, ref, component, name(), evidence,
            "Only " + healthy + " of " + expected + " pods are healthy and the budget needs " + desired + ", so no pod may be evicted until "
                + "the others recover; " + blocks + ".",
            "make the unhealthy pods healthy (see the other findings of this application)", null);
        continue;
      }
      var rendered = scan.rendered(ref);
      boolean drifted = rendered.isPresent() && !rendered.get().body().path("spec").equals(spec);
      SpecRef at = scan.locate(ref, component, "autoscaling.min", "replicas");
      String renderedRule = rendered.map(r -> r.body().path("spec").has("maxUnavailable")
          ? "maxUnavailable " + r.body().path("spec").path("maxUnavailable").asText() : "minAvailable " + r.body().path("spec").path("minAvailable").asText())
          .orElse(null);
      if (rendered.isPresent()) {
        evidence.add("rendered: " + renderedRule);
      }
      scan.add(Severity.ERROR, ref, component, name(), evidence,
          "The budget allows no eviction even with every pod healthy (" + rule + " of " + expected + " pods): " + blocks + " forever.",
          drifted ? "the live budget differs from the rendered one (" + renderedRule + "): run slipway sync --env " + scan.spec.plan().name()
              + " --app " + scan.application(ref) + " to restore it"
              : "allow at least one disruption: lower minAvailable below the replicas, or run more replicas" + (at == null ? "" : " (" + at + ")"),
          drifted ? null : at);
    }
  }
}
