package dev.slipway.engine.plan;

import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.model.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of a streamed {@code slipway plan}: either spec errors (nothing rendered) or, per
 * environment, a summary of each application with its validation and policy results. What fails a
 * plan is decided here, for streamed and full plans alike ({@link Plan#summary()}).
 */
public record PlanSummary(List<Diagnostic> specDiagnostics, List<EnvironmentSummary> environments) {

  public boolean hasSpecErrors() {
    return specDiagnostics.stream().anyMatch(Diagnostic::isError);
  }

  public boolean hasValidationErrors() {
    return environments.stream().anyMatch(e -> e.clusterValidation().stream().anyMatch(Diagnostic::isError)
        || e.applications().stream().anyMatch(a -> a.validation().stream().anyMatch(Diagnostic::isError)));
  }

  /** Failures of {@code Enforce} policies in environments whose enforcement is {@code enforce}: what fails a plan. */
  public long enforcedViolations() {
    return environments.stream().filter(EnvironmentSummary::enforced).flatMap(e -> e.applications().stream())
        .flatMap(a -> a.findings().stream())
        .filter(f -> f.outcome() == PolicyFinding.Outcome.FAIL && f.enforce()).count();
  }

  public int objectCount() {
    return environments.stream().mapToInt(EnvironmentSummary::objectCount).sum();
  }

  /**
   * Every diagnostic of the plan, policy findings included: a failure is an error where the
   * environment enforces and the policy's action is {@code Enforce}, a warning otherwise; a waived
   * failure, or a rule type not evaluated, is info; a rule that could not be evaluated is a warning.
   */
  public List<Diagnostic> allDiagnostics() {
    List<Diagnostic> out = new ArrayList<>(specDiagnostics);
    for (EnvironmentSummary e : environments) {
      out.addAll(e.clusterValidation());
      for (ApplicationSummary a : e.applications()) {
        out.addAll(a.validation());
        out.addAll(policyDiagnostics(e.enforced(), a.findings()));
      }
    }
    return out;
  }

  public static List<Diagnostic> policyDiagnostics(boolean enforced, List<PolicyFinding> findings) {
    List<Diagnostic> out = new ArrayList<>();
    for (PolicyFinding f : findings) {
      Diagnostic.Severity sev = switch (f.outcome()) {
        case PASS -> null;
        case WAIVED, NOT_EVALUATED -> Diagnostic.Severity.INFO;
        case ERROR -> Diagnostic.Severity.WARNING;
        case FAIL -> enforced && f.enforce() ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
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
