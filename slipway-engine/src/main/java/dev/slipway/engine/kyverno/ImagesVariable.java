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

  /**
   * The variable for an object with containers: a Pod, or a controller through its pod template
   * ({@code spec.template}, a CronJob's {@code spec.jobTemplate.spec.template}); null when it has none.
   */
  static JsonNode of(JsonNode object) {
    if (object == null || !object.path("spec").isObject()) {
      return null;
    }
    JsonNode spec = object.path("spec");
    JsonNode pod = spec.has("containers") ? object
        : spec.path("template").path("spec").isObject() ? spec.path("template")
        : spec.path("jobTemplate").path("spec").path("template");
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
