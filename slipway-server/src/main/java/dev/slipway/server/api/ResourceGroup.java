package dev.slipway.server.api;

import java.util.List;

/**
 * The objects of one component in one sync wave: the resource tree is a list of these in sync
 * order (wave, then component), each object list in kind order then name.
 *
 * @param component the component name from the application spec; empty for application-wide
 *     objects (namespace, service account)
 */
public record ResourceGroup(String component, int wave, List<ResourceObject> objects) {
  public ResourceGroup {
    component = component == null ? "" : component;
    objects = objects == null ? List.of() : List.copyOf(objects);
  }
}
