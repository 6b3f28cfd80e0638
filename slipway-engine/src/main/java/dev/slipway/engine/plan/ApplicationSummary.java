package dev.slipway.engine.plan;

import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.model.Diagnostic;
import java.util.List;

/**
 * What a plan keeps of one application in one environment after it was rendered, checked and
 * handed on: counts and findings, not the objects' bodies.
 *
 * @param validation validation results as they count ({@link PlanSummary#gateValidation}): an
 *     invalid object is an error where the environment enforces (unless waived), a warning elsewhere
 * @param invalidObjects how many validation errors there were, before gating
 * @param findings the policy findings other than passes
 * @param passed how many rule checks passed
 * @param facts per component, where capacity findings point ({@link CapacityFindings})
 * @param albIngresses its Ingresses in ALB groups ({@link IngressGroups})
 */
public record ApplicationSummary(
    String name, String namespace, int components, List<ObjectSummary> objects, List<Diagnostic> validation,
    List<PolicyFinding> findings, long passed, long invalidObjects, java.util.Map<String, CapacityFindings.Facts> facts,
    List<IngressGroups.Member> albIngresses) {

  public static ApplicationSummary of(ApplicationPlan p) {
    return new ApplicationSummary(p.name(), p.bundle().namespace(), p.resolved().components().size() + p.resolved().typed().size(),
        p.bundle().objects().stream().map(ObjectSummary::of).toList(), PlanSummary.gateValidation(p),
        p.policy().stream().filter(f -> f.outcome() != PolicyFinding.Outcome.PASS).toList(),
        p.policy().stream().filter(f -> f.outcome() == PolicyFinding.Outcome.PASS).count(),
        p.validation().stream().filter(Diagnostic::isError).count(), CapacityFindings.facts(p), IngressGroups.members(p));
  }


  public long policyFailures() {
    return findings.stream().filter(f -> f.outcome() == PolicyFinding.Outcome.FAIL).count();
  }

  public long policyWaived() {
    return findings.stream().filter(f -> f.outcome() == PolicyFinding.Outcome.WAIVED).count();
  }
}
