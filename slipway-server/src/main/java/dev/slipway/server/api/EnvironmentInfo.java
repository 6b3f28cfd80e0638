package dev.slipway.server.api;

/**
 * An environment the controller reconciles.
 *
 * @param cluster the kubeconfig context (or sandbox cluster name) it deploys to
 * @param simulated whether the cluster is the in-process sandbox (shown as SIMULATED)
 */
public record EnvironmentInfo(String name, String cluster, boolean simulated) {}
