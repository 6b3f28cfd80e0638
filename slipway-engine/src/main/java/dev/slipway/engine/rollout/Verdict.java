package dev.slipway.engine.rollout;

/**
 * The judgement of an analysis run so far.
 *
 * @param phase RUNNING, or the final outcome
 * @param message why, in words a person acts on (which limit was exceeded, and the last value or error)
 */
public record Verdict(RunPhase phase, String message) {}
