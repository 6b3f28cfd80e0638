package dev.slipway.engine.plan;

import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.model.Diagnostic;
import java.util.List;

/**
 * What a plan keeps of one application in one environment after it was rendered, checked and
 * handed on: counts and findings, not the objects' bodies.
 *
 * @param findings the policy findings other than passes
 * @param passed how many rule checks passed
 */
public record ApplicationSummary(
    String name, String namespace, int components, List<ObjectSummary> objects, List<Diagnostic> validation,
    List<PolicyFinding> findings, long passed) {

  public static ApplicationSummary of(ApplicationPlan p) {
    return new ApplicationSummary(p.name(), p.bundle().namespace(), p.resolved().components().size(),
        p.bundle().objects().stream().map(ObjectSummary::of).toList(), p.validation(),
        p.policy().stream().filter(f -> f.outcome() != PolicyFinding.Outcome.PASS).toList(),
        p.policy().stream().filter(f -> f.outcome() == PolicyFinding.Outcome.PASS).count());
  }

  public long policyFailures() {
    return findings.stream().filter(f -> f.outcome() == PolicyFinding.Outcome.FAIL).count();
  }

  public long policyWaived() {
    return findings.stream().filter(f -> f.outcome() == PolicyFinding.Outcome.WAIVED).count();
  }
}
