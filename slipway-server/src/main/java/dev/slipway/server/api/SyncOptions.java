package dev.slipway.server.api;

/**
 * @param dryRun compute what would change and return it; apply nothing
 * @param prune also delete owned objects the spec no longer renders (never after a failed apply)
 */
public record SyncOptions(boolean dryRun, boolean prune) {}
