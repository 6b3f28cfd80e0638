package dev.slipway.engine.plan;

import dev.slipway.engine.render.RenderedObject;

/** What a plan keeps of a rendered object once it is written: its identity and wave, not its body. */
public record ObjectSummary(String apiVersion, String kind, String namespace, String name, String component, int wave) {

  public static ObjectSummary of(RenderedObject o) {
    return new ObjectSummary(o.apiVersion(), o.kind(), o.namespace(), o.name(), o.component(), o.wave());
  }

  /** Its file in the file-per-object layout, as {@link RenderedObject#fileName()}. */
  public String fileName() {
    return kind.toLowerCase(java.util.Locale.ROOT) + "-" + name + ".yaml";
  }

  /** {@code Kind/namespace/name} as users read it. */
  public String ref() {
    return kind + "/" + (namespace == null ? "" : namespace + "/") + name;
  }
}
