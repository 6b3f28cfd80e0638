package dev.slipway.server.api;

import java.util.List;

/**
 * Everything about one application in one environment: the application page.
 *
 * @param resources the resource tree in sync order
 * @param lastOperation null when nothing was ever run
 * @param history newest first
 * @param cost null when not estimated
 * @param diagnostics why the spec does not load; empty unless {@code status.sync} is InvalidSpec
 */
public record ApplicationDetail(
    ApplicationStatus status,
    List<ResourceGroup> resources,
    Operation lastOperation,
    List<HistoryEntry> history,
    CostBreakdown cost,
    List<Finding> policyFindings,
    List<SpecProblem> diagnostics) {

  public ApplicationDetail {
    resources = resources == null ? List.of() : List.copyOf(resources);
    history = history == null ? List.of() : List.copyOf(history);
    policyFindings = policyFindings == null ? List.of() : List.copyOf(policyFindings);
    diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
  }
}
