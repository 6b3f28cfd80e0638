package dev.slipway.engine.policy;

/** A rule's finding on one object: the field path and what is wrong. Never includes a secret value. */
public record Violation(String path, String message) {}
