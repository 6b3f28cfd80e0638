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

  /** Failures of {@code Enforce} policies in environments whose enforcement is {@code enforce}: what fails a plan. */
  public long enforcedViolations() {
    return environments.stream().filter(EnvironmentPlan::enforced).flatMap(e -> e.applications().stream())
        .flatMap(a -> a.policy().stream())
        .filter(f -> f.outcome() == PolicyFinding.Outcome.FAIL && f.enforce()).count();
  }

  /**
   * Every diagnostic of the plan, policy findings included: a failure is an error where the
   * environment enforces and the policy's action is {@code Enforce}, a warning otherwise; a waived
   * failure, or a rule type not evaluated, is info; a rule that could not be evaluated is a warning.
   */
  public List<Diagnostic> allDiagnostics() {
    List<Diagnostic> out = new ArrayList<>(specDiagnostics);
    for (EnvironmentPlan e : environments) {
      out.addAll(e.clusterValidation());
      for (ApplicationPlan a : e.applications()) {
        out.addAll(a.validation());
        out.addAll(policyDiagnostics(e, a));
      }
      out.addAll(CapacityFindings.of(e));
    }
    return out;
  }

  /** Pods that can never be scheduled in an environment that enforces: they fail a plan like violations. */
  public boolean hasCapacityErrors() {
    return environments.stream().flatMap(e -> CapacityFindings.of(e).stream()).anyMatch(Diagnostic::isError);
  }

  public static List<Diagnostic> policyDiagnostics(EnvironmentPlan e, ApplicationPlan a) {
    List<Diagnostic> out = new ArrayList<>();
    for (PolicyFinding f : a.policy()) {
      Diagnostic.Severity sev = switch (f.outcome()) {
        case PASS -> null;
        case WAIVED, NOT_EVALUATED -> Diagnostic.Severity.INFO;
        case ERROR -> Diagnostic.Severity.WARNING;
        case FAIL -> e.enforced() && f.enforce() ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
      };
      if (sev == null) {
        continue;
      }
      String msg = f.objectRef() + ": " + (f.outcome() == PolicyFinding.Outcome.ERROR ? "rule could not be evaluated: " : "")
          + f.message() + (f.waiver() != null ? " (waived: " + f.waiver() + ")" : "");
      out.add(new Diagnostic(sev, "policy." + f.rule(), f.file(), 0, 0, "", msg));
    }
    return out;
  }
}
