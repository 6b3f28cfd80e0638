package dev.slipway.server.api;

/**
 * A failed (or waived) policy rule on one rendered object, pointing into the spec.
 *
 * @param outcome {@code fail}, {@code waived} or {@code error}
 * @param enforced whether the environment's enforcement refuses the sync because of it
 * @param object {@code Kind/namespace/name}
 * @param file the spec file, relative to the platform directory
 * @param line 1-based line in {@code file}, 0 when unknown
 */
public record Finding(String rule, String outcome, boolean enforced, String object, String file, int line, String message) {}
