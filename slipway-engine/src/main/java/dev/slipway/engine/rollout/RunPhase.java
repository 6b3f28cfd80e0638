package dev.slipway.engine.rollout;

/**
 * Where an analysis run stands: RUNNING until {@code count} measurements were taken
 * (SUCCESSFUL) or a limit was exceeded (FAILED, INCONCLUSIVE or ERROR, as Argo Rollouts' AnalysisRun
 * phases). Every phase but RUNNING is final.
 */
public enum RunPhase {
  RUNNING,
  SUCCESSFUL,
  FAILED,
  INCONCLUSIVE,
  ERROR;

  /** Whether the run is over: no more measurements are taken. */
  public boolean terminal() {
    return this != RUNNING;
  }
}
