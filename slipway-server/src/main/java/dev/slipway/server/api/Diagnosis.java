package dev.slipway.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What {@code slipway doctor} finds wrong with one application in one environment, as the server
 * sees it: each finding with severity, object, evidence, explanation, fix and the spec position
 * of the fix (the same JSON as {@code slipway doctor -o json}). Secret values are never read.
 *
 * @param source where the live objects came from: the controller's informer cache for what Slipway
 *     owns, and one bounded read of the namespace for what the cache does not hold (pods, events,
 *     ReplicaSets, endpoints, Jobs, nodes)
 * @param observedAt when the live state was read
 * @param notRead kinds the cluster does not serve or does not let the server list, so not analyzed
 */
public record Diagnosis(String application, String environment, String source, String observedAt, List<JsonNode> findings,
    int errors, int warnings, List<String> notRead) {}
