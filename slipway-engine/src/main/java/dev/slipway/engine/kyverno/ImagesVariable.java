package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kyverno's built-in {@code images} variable: for a Pod (or the pod template a rule is applied
 * to through autogen), {@code images.containers.<name>}, {@code images.initContainers.<name>} and
 * {@code images.ephemeralContainers.<name>}, each with {@code registry}, {@code path},
 * {@code name}, {@code tag}, {@code digest} and {@code reference}.
 */
final class ImagesVariable {
  private ImagesVariable() {}

  /** The variable for a pod-shaped object, or null when it has no containers. */
  static JsonNode of(JsonNode pod) {
    if (pod == null || !pod.path("spec").isObject()) {
      return null;
    }
    ObjectNode images = JsonNodeFactory.instance.objectNode();
    for (String group : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
      JsonNode list = pod.path("spec").path(group);
      if (!list.isArray() || list.isEmpty()) {
        continue;
      }
      ObjectNode byName = images.putObject(group);
      for (JsonNode c : list) {
        if (c.path("image").isTextual()) {
          byName.set(c.path("name").asText(), ImageInfo.parse(c.path("image").asText()).json());
        }
      }
    }
    return images.isEmpty() ? null : images;
  }
}
