package dev.slipway.engine.policy;

/**
 * The outcome of one policy rule on one rendered object.
 *
 * @param rule the rule's id: the rule name, or {@code policy/rule} when they differ
 * @param component the component the object belongs to (for waivers), or null
 * @param enforce whether the policy's {@code validationFailureAction} is {@code Enforce}
 * @param waiver the written reason when a waiver covers this finding, else null
 */
public record PolicyFinding(
    String rule, String objectRef, String file, String component, String message, Outcome outcome, boolean enforce, String waiver) {

  public enum Outcome {
    PASS,
    FAIL,
    WAIVED,
    /** The rule could not be evaluated (a broken expression, a context source not available offline). */
    ERROR,
    /** A rule type Slipway does not evaluate (mutate, generate, verifyImages). */
    NOT_EVALUATED
  }
}
