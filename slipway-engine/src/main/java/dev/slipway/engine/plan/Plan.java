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

  /**
   * Whether a rendered object is invalid where it counts: in an environment that enforces, an
   * invalid object blocks (unless a written waiver covers it); elsewhere it is reported as a warning.
   */
  public boolean hasValidationErrors() {
    return environments.stream().anyMatch(e -> clusterValidation(e).stream().anyMatch(Diagnostic::isError)
        || e.applications().stream().anyMatch(a -> validationDiagnostics(e, a).stream().anyMatch(Diagnostic::isError)));
  }

  /**
   * Policy results that fail a plan and block a sync: in environments whose enforcement is
   * {@code enforce}, for {@code Enforce} policies, every failure — and, failing closed, every rule
   * that could not be evaluated (an error) or that Slipway does not evaluate — unless waived.
   */
  public long enforcedViolations() {
    return environments.stream().filter(EnvironmentPlan::enforced).flatMap(e -> e.applications().stream())
        .flatMap(a -> a.policy().stream()).filter(Plan::blocks).count();
  }

  private static boolean blocks(PolicyFinding f) {
    return f.enforce() && (f.outcome() == PolicyFinding.Outcome.FAIL || f.outcome() == PolicyFinding.Outcome.ERROR
        || f.outcome() == PolicyFinding.Outcome.NOT_EVALUATED);
  }

  /** Whether anything blocks: what makes {@code plan} exit 1 and {@code sync} refuse to apply. */
  public boolean blocked() {
    return enforcedViolations() > 0 || hasValidationErrors() || hasCapacityErrors();
  }

  /** Validation of environment-wide objects: errors where the environment enforces, warnings elsewhere. */
  public static List<Diagnostic> clusterValidation(EnvironmentPlan e) {
    List<Diagnostic> out = new ArrayList<>();
    for (Diagnostic d : e.clusterValidation()) {
      out.add(d.isError() && !e.enforced() ? withSeverity(d, Diagnostic.Severity.WARNING, "") : d);
    }
    return out;
  }

  /**
   * An application's validation results as they count: an invalid object is an error where the
   * environment enforces, unless the application waives it in writing (a waiver whose rule is
   * {@code validation} or the diagnostic's code), and a warning elsewhere.
   */
  public static List<Diagnostic> validationDiagnostics(EnvironmentPlan e, ApplicationPlan a) {
    List<Diagnostic> out = new ArrayList<>();
    for (Diagnostic d : a.validation()) {
      if (!d.isError()) {
        out.add(d);
        continue;
      }
      if (!e.enforced()) {
        out.add(withSeverity(d, Diagnostic.Severity.WARNING, ""));
        continue;
      }
      String component = componentOf(a, d.file());
      var waiver = a.resolved().app().waivers().stream()
          .filter(w -> w.covers("validation", component, e.name()) || w.covers(d.code(), component, e.name())).findFirst();
      out.add(waiver.isPresent() ? withSeverity(d, Diagnostic.Severity.INFO, " (waived: " + waiver.get().reason() + ")") : d);
    }
    return out;
  }

  private static String componentOf(ApplicationPlan a, String file) {
    for (var o : a.bundle().objects()) {
      if (file != null && file.endsWith("/" + o.fileName())) {
        return o.component();
      }
    }
    return null;
  }

  private static Diagnostic withSeverity(Diagnostic d, Diagnostic.Severity severity, String suffix) {
    return new Diagnostic(severity, d.code(), d.file(), d.line(), d.column(), d.path(), d.message() + suffix);
  }

  /**
   * Every diagnostic of the plan, policy findings included: a failure is an error where the
   * environment enforces and the policy's action is {@code Enforce}, a warning otherwise; a waived
   * failure, or a rule type not evaluated, is info; a rule that could not be evaluated is a warning.
   */
  public List<Diagnostic> allDiagnostics() {
    List<Diagnostic> out = new ArrayList<>(specDiagnostics);
    for (EnvironmentPlan e : environments) {
      out.addAll(clusterValidation(e));
      for (ApplicationPlan a : e.applications()) {
        out.addAll(validationDiagnostics(e, a));
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
      boolean enforcing = e.enforced() && f.enforce();
      Diagnostic.Severity sev = switch (f.outcome()) {
        case PASS -> null;
        case WAIVED -> Diagnostic.Severity.INFO;
        // Fail closed: what cannot be evaluated where the environment enforces blocks like a failure.
        case NOT_EVALUATED -> enforcing ? Diagnostic.Severity.ERROR : Diagnostic.Severity.INFO;
        case ERROR, FAIL -> enforcing ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
      };
      if (sev == null) {
        continue;
      }
      String prefix = switch (f.outcome()) {
        case ERROR -> "rule could not be evaluated: ";
        case NOT_EVALUATED -> "not evaluated: ";
        default -> "";
      };
      String closed = enforcing && (f.outcome() == PolicyFinding.Outcome.ERROR || f.outcome() == PolicyFinding.Outcome.NOT_EVALUATED)
          ? " (blocks: this environment enforces, and what cannot be evaluated fails closed; waive it in app.yaml to accept it)" : "";
      String msg = f.objectRef() + ": " + prefix + f.message() + closed + (f.waiver() != null ? " (waived: " + f.waiver() + ")" : "");
      out.add(new Diagnostic(sev, "policy." + f.rule(), f.file(), 0, 0, "", msg));
    }
    return out;
  }
}
