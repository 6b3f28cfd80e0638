package dev.slipway.server.api;

import java.util.List;

/**
 * The difference between what the spec renders and what is live, per object. The implementation
 * redacts Secret data (values become {@code <redacted>}) before it gets here: the HTTP layer sends
 * the text as it is.
 */
public record ApplicationDiff(String application, String environment, String revision, List<ObjectDiff> objects) {
  public ApplicationDiff {
    objects = objects == null ? List.of() : List.copyOf(objects);
  }

  /**
   * @param change {@code create} (not live), {@code update}, {@code delete} (live, no longer
   *     rendered, owned) or {@code none}
   * @param diff unified diff of the live YAML against the desired YAML; empty for {@code none}
   */
  public record ObjectDiff(String group, String kind, String namespace, String name, String change, String diff) {
    public ObjectDiff {
      group = group == null ? "" : group;
      namespace = namespace == null ? "" : namespace;
      diff = diff == null ? "" : diff;
    }
  }
}
