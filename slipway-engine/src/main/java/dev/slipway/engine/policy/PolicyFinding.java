package dev.slipway.engine.policy;

/**
 * The outcome of one rule on one object.
 *
 * @param component the component the object belongs to (for waivers), or null
 * @param waiver the written reason when a waiver covers this finding, else null
 */
public record PolicyFinding(
    String rule, String objectRef, String file, String component, String path, String message, Outcome outcome, String waiver) {

  public enum Outcome {
    PASS,
    FAIL,
    WAIVED
  }
}
