package dev.slipway.model.spec;

import dev.slipway.model.Position;
import java.time.Duration;

/**
 * One analysis template of the platform ({@code spec.analysis.templates.<name>} in
 * {@code slipway.yaml}), in Argo Rollouts' model: a Prometheus query measured {@code count} times,
 * {@code interval} apart, each result judged by the conditions (CEL over {@code result}, the list
 * of the query's sample values). The run fails once more than {@code failureLimit} measurements
 * failed, is inconclusive once more than {@code inconclusiveLimit} were inconclusive, and errs once
 * more than {@code consecutiveErrorLimit} queries in a row could not be made.
 *
 * <p>The query may use {@code {{namespace}}}, {@code {{application}}}, {@code {{component}}},
 * {@code {{service}}} (the Service of the new version: preview or canary), {@code {{revision}}}
 * and {@code {{environment}}}.
 *
 * @param successCondition CEL, true when the measurement passed; null when only the failure condition judges
 * @param failureCondition CEL, true when the measurement failed; null when only the success condition judges
 * @param at where the template is written, for messages
 */
public record AnalysisTemplate(
    String name,
    String query,
    String successCondition,
    String failureCondition,
    Duration interval,
    int count,
    int failureLimit,
    int inconclusiveLimit,
    int consecutiveErrorLimit,
    Position at) {

  /** The variables a query may use. */
  public static final java.util.List<String> VARIABLES = java.util.List.of("namespace", "application", "component", "service",
      "revision", "environment");
}
