package dev.slipway.engine.plan;

import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.model.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of {@code slipway plan}: either spec errors (nothing rendered) or, per environment,
 * the rendered applications with their validation and policy results.
 */
public record Plan(List<Diagnostic> specDiagnostics, List<EnvironmentPlan> environments) {

  public boolean hasSpecErrors() {
    return specDiagnostics.stream().anyMatch(Diagnostic::isError);
  }

  public boolean hasValidationErrors() {
    return environments.stream().anyMatch(e -> e.clusterValidation().stream().anyMatch(Diagnostic::isError)
        || e.applications().stream().anyMatch(a -> a.validation().stream().anyMatch(Diagnostic::isError)));
  }

  /** Policy failures in environments whose enforcement is {@code enforce}. */
  public long enforcedViolations() {
    return environments.stream().filter(EnvironmentPlan::enforced)
        .flatMap(e -> e.applications().stream()).mapToLong(ApplicationPlan::policyFailures).sum();
  }

  /**
   * Every diagnostic of the plan, policy findings included: a failure is an error where policy
   * is enforced and a warning elsewhere; a waived failure is info carrying the waiver's reason.
   */
  public List<Diagnostic> allDiagnostics() {
    List<Diagnostic> out = new ArrayList<>(specDiagnostics);
    for (EnvironmentPlan e : environments) {
      out.addAll(e.clusterValidation());
      for (ApplicationPlan a : e.applications()) {
        out.addAll(a.validation());
        out.addAll(policyDiagnostics(e, a));
      }
    }
    return out;
  }

  public static List<Diagnostic> policyDiagnostics(EnvironmentPlan e, ApplicationPlan a) {
    List<Diagnostic> out = new ArrayList<>();
    for (PolicyFinding f : a.policy()) {
      if (f.outcome() == PolicyFinding.Outcome.PASS) {
        continue;
      }
      Diagnostic.Severity sev = f.outcome() == PolicyFinding.Outcome.WAIVED ? Diagnostic.Severity.INFO
          : e.enforced() ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
      String msg = f.objectRef() + ": " + f.message()
          + (f.waiver() != null ? " (waived: " + f.waiver() + ")" : "");
      out.add(new Diagnostic(sev, "policy." + f.rule(), f.file(), 0, 0, f.path(), msg));
    }
    return out;
  }
}
