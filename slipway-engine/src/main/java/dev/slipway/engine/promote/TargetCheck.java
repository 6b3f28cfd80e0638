package dev.slipway.engine.promote;

import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.model.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/**
 * What validation and policy said about the target environment rendered with the candidate
 * release, counted as {@code slipway sync} counts it: invalid objects block everywhere, policy
 * failures block where the environment enforces (and, failing closed, so do rules that could not
 * be evaluated there).
 *
 * @param problems the first few blocking problems, as {@code file: message}
 */
public record TargetCheck(boolean planned, int invalid, int enforced, int warnings, boolean blocked, List<String> problems) {
  static final int SHOWN = 3;

  /** The plan of one application in the target environment, made with the candidate's images. */
  public static TargetCheck of(Plan plan) {
    if (plan == null || plan.hasSpecErrors() || plan.environments().size() != 1 || plan.environments().get(0).applications().size() != 1) {
      return new TargetCheck(false, 0, 0, 0, true, List.of("the target could not be planned with the release"));
    }
    EnvironmentPlan e = plan.environments().get(0);
    ApplicationPlan a = e.applications().get(0);
    boolean enforce = e.environment().policy().enforcement() == dev.slipway.model.spec.EnvironmentSpec.Enforcement.ENFORCE;
    List<String> problems = new ArrayList<>();
    int invalid = 0;
    for (Diagnostic d : a.validation()) {
      if (d.isError()) {
        invalid++;
        if (problems.size() < SHOWN) {
          problems.add(d.file() + ": " + d.message());
        }
      }
    }
    int enforced = 0;
    int warnings = 0;
    for (PolicyFinding f : a.policy()) {
      boolean failed = f.outcome() == PolicyFinding.Outcome.FAIL;
      boolean unknown = f.outcome() == PolicyFinding.Outcome.ERROR || f.outcome() == PolicyFinding.Outcome.NOT_EVALUATED;
      if (enforce && f.enforce() && (failed || unknown)) {
        enforced++;
        if (problems.size() < SHOWN) {
          problems.add(f.file() + ": " + f.rule() + ": " + f.message());
        }
      } else if (failed) {
        warnings++;
      }
    }
    return new TargetCheck(true, invalid, enforced, warnings, invalid > 0 || enforced > 0, List.copyOf(problems));
  }
}
