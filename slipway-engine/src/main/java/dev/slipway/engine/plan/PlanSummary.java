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

  /**
   * Whether a rendered object is invalid where it counts: in an environment that enforces, an
   * invalid object blocks (unless a written waiver covers it); elsewhere it is reported as a warning.
   */
  public boolean hasValidationErrors() {
    return environments.stream().anyMatch(e -> clusterValidation(e).stream().anyMatch(Diagnostic::isError)
        || e.applications().stream().anyMatch(a -> a.validation().stream().anyMatch(Diagnostic::isError)));
  }

  /**
   * Policy results that fail a plan and block a sync: in environments whose enforcement is
   * {@code enforce}, for {@code Enforce} policies, every failure — and, failing closed, every rule
   * that could not be evaluated (an error) or that Slipway does not evaluate — unless waived.
   */
  public long enforcedViolations() {
    return environments.stream().filter(EnvironmentSummary::enforced).flatMap(e -> e.applications().stream())
        .flatMap(a -> a.findings().stream()).filter(PlanSummary::blocks).count();
  }

  private static boolean blocks(PolicyFinding f) {
    return f.enforce() && (f.outcome() == PolicyFinding.Outcome.FAIL || f.outcome() == PolicyFinding.Outcome.ERROR
        || f.outcome() == PolicyFinding.Outcome.NOT_EVALUATED);
  }

  /** Pods that can never be scheduled in an environment that enforces: they fail a plan like violations. */
  public boolean hasCapacityErrors() {
    return environments.stream().flatMap(e -> CapacityFindings.of(e).stream()).anyMatch(Diagnostic::isError);
  }

  /** Ingresses sharing an ALB group with conflicting settings (across applications and environments). */
  public List<Diagnostic> ingressGroupConflicts() {
    return IngressGroups.check(environments);
  }

  /** Whether anything blocks: what makes {@code plan} exit 1 and {@code sync} refuse to apply. */
  public boolean blocked() {
    return enforcedViolations() > 0 || hasValidationErrors() || hasCapacityErrors() || !ingressGroupConflicts().isEmpty();
  }

  public int objectCount() {
    return environments.stream().mapToInt(EnvironmentSummary::objectCount).sum();
  }

  /**
   * Every diagnostic of the plan: spec diagnostics; validation (errors where the environment
   * enforces, unless waived; warnings elsewhere); policy findings (see {@link #policyDiagnostics});
   * pods that cannot be scheduled; ALB group conflicts.
   */
  public List<Diagnostic> allDiagnostics() {
    List<Diagnostic> out = new ArrayList<>(specDiagnostics);
    for (EnvironmentSummary e : environments) {
      out.addAll(clusterValidation(e));
      for (ApplicationSummary a : e.applications()) {
        out.addAll(a.validation());
        out.addAll(policyDiagnostics(e.enforced(), a.findings()));
      }
      out.addAll(CapacityFindings.of(e));
    }
    out.addAll(ingressGroupConflicts());
    return out;
  }

  /** Validation of environment-wide objects: errors where the environment enforces, warnings elsewhere. */
  public static List<Diagnostic> clusterValidation(EnvironmentSummary e) {
    List<Diagnostic> out = new ArrayList<>();
    for (Diagnostic d : e.clusterValidation()) {
      out.add(d.isError() && !e.enforced() ? withSeverity(d, Diagnostic.Severity.WARNING, "") : d);
    }
    return out;
  }

  /** The code prefix of what could not be rendered at all (a platform type's expression that failed for these values). */
  public static final String RENDER_FAILED = "render.";

  /**
   * An application's validation results as they count: an invalid object is an error where the
   * environment enforces, unless the application waives it in writing (a waiver whose rule is
   * {@code validation} or the diagnostic's code), and a warning elsewhere. What could not be
   * rendered ({@link #RENDER_FAILED}) is an error everywhere.
   */
  public static List<Diagnostic> gateValidation(ApplicationPlan a) {
    var env = a.resolved().environment();
    boolean enforced = env.policy().enforcement() == dev.slipway.model.spec.EnvironmentSpec.Enforcement.ENFORCE;
    List<Diagnostic> out = new ArrayList<>();
    for (Diagnostic d : a.validation()) {
      if (!d.isError() || d.code().startsWith(RENDER_FAILED)) {
        // A component that could not be rendered is missing from what would be applied, and a
        // sync would prune its objects: an error in every environment, and no waiver covers it.
        out.add(d);
        continue;
      }
      if (!enforced) {
        out.add(withSeverity(d, Diagnostic.Severity.WARNING, ""));
        continue;
      }
      String component = componentOf(a, d.file());
      var waiver = a.resolved().app().waivers().stream()
          .filter(w -> w.covers("validation", component, env.name()) || w.covers(d.code(), component, env.name())).findFirst();
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
   * A policy finding as a diagnostic: a failure is an error where the environment enforces and the
   * policy's action is {@code Enforce}, a warning otherwise; there, failing closed, a rule that
   * could not be evaluated or is not evaluated is an error too (elsewhere a warning and info); a
   * waived result is info.
   */
  public static List<Diagnostic> policyDiagnostics(boolean enforced, List<PolicyFinding> findings) {
    List<Diagnostic> out = new ArrayList<>();
    for (PolicyFinding f : findings) {
      boolean enforcing = enforced && f.enforce();
      Diagnostic.Severity sev = switch (f.outcome()) {
        case PASS -> null;
        case WAIVED -> Diagnostic.Severity.INFO;
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
