package dev.slipway.server.api;

import dev.slipway.engine.sync.HealthStatus;

/**
 * One Kubernetes object of an application, as the resource tree shows it.
 *
 * @param health null when no health rule applies to the kind (Argo CD reports none then)
 * @param healthReason why, empty when there is nothing to say
 */
public record ResourceObject(
    String group, String kind, String namespace, String name, HealthStatus health, String healthReason, SyncState sync) {

  public ResourceObject {
    group = group == null ? "" : group;
    namespace = namespace == null ? "" : namespace;
    healthReason = healthReason == null ? "" : healthReason;
  }
}
