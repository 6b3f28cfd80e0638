package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * One Kubernetes object Slipway renders, with what sync needs to order it.
 *
 * @param component the component it belongs to, or null for application- and cluster-wide objects
 * @param wave the sync wave (from {@code dependsOn}); lower waves are applied and healthy first
 */
public record RenderedObject(String apiVersion, String kind, String namespace, String name, String component, int wave, ObjectNode body) {

  /** Stable file name inside the application's output directory. */
  public String fileName() {
    return kind.toLowerCase(Locale.ROOT) + "-" + name + ".yaml";
  }

  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** {@code Kind/namespace/name} as users read it. */
  public String ref() {
    return kind + "/" + (namespace == null ? "" : namespace + "/") + name;
  }
}
