package dev.slipway.engine.plan;

import dev.slipway.engine.health.HealthRules;
import dev.slipway.model.Diagnostic;
import java.util.List;

/**
 * The result of {@code slipway plan} with every rendered object kept: either spec errors (nothing
 * rendered) or, per environment, the rendered applications with their validation and policy
 * results. For commands that act on a few applications (diff, sync, status); a plan of a whole
 * large platform streams instead ({@link Planner#plan(dev.slipway.model.load.Workspace, Planner.Scope, PlanSink)}).
 *
 * @param health how the platform judges health (its Lua health scripts, then the built-in rules),
 *     for the commands that sync or read status
 */
public record Plan(List<Diagnostic> specDiagnostics, List<EnvironmentPlan> environments, HealthRules health) {

  public Plan {
    health = health == null ? HealthRules.BUILT_IN : health;
  }

  /** A plan judged by the built-in health rules. */
  public Plan(List<Diagnostic> specDiagnostics, List<EnvironmentPlan> environments) {
    this(specDiagnostics, environments, HealthRules.BUILT_IN);
  }

  /** The same plan without the objects' bodies. */
  public PlanSummary summary() {
    return new PlanSummary(specDiagnostics, environments.stream().map(EnvironmentPlan::summary).toList());
  }

  public boolean hasSpecErrors() {
    return specDiagnostics.stream().anyMatch(Diagnostic::isError);
  }

  public boolean hasValidationErrors() {
    return summary().hasValidationErrors();
  }

  /** Policy results that block (see {@link PlanSummary#enforcedViolations()}). */
  public long enforcedViolations() {
    return summary().enforcedViolations();
  }

  public boolean hasCapacityErrors() {
    return summary().hasCapacityErrors();
  }

  /** Whether anything blocks a sync of this plan (see {@link PlanSummary#blocked()}). */
  public boolean blocked() {
    return summary().blocked();
  }

  /** Every diagnostic of the plan, policy findings included (see {@link PlanSummary#allDiagnostics()}). */
  public List<Diagnostic> allDiagnostics() {
    return summary().allDiagnostics();
  }
}
