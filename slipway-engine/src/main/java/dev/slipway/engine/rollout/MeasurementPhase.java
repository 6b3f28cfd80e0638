package dev.slipway.engine.rollout;

/**
 * How one measurement of an analysis was judged, as Argo Rollouts judges it: the conditions passed,
 * failed, or could not decide (no data, or neither condition met); ERROR when the query itself could
 * not be made or a condition could not be evaluated. Errors are retried and do not count as
 * measurements taken.
 */
public enum MeasurementPhase {
  SUCCESSFUL,
  FAILED,
  INCONCLUSIVE,
  ERROR
}
