package dev.slipway.engine.plan;

import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.ResolvedApplication;
import java.util.List;

/**
 * One application in one environment: what it resolved to, what was rendered, what validation
 * and policy said.
 */
public record ApplicationPlan(
    ResolvedApplication resolved, ApplicationBundle bundle, List<Diagnostic> validation, List<PolicyFinding> policy) {

  public String name() {
    return resolved.name();
  }

  public long policyFailures() {
    return policy.stream().filter(f -> f.outcome() == PolicyFinding.Outcome.FAIL).count();
  }

  public long policyWaived() {
    return policy.stream().filter(f -> f.outcome() == PolicyFinding.Outcome.WAIVED).count();
  }
}
