package dev.slipway.engine.render;

import java.util.List;
import java.util.Map;

/**
 * Everything rendered for one application in one environment, in sync order.
 *
 * @param sources for objects an escape hatch made or changed ({@link RenderedObject#ref()} →
 *     which patches changed it, or which manifest file it is from), so that a validation or policy
 *     finding about such an object names what the user wrote; empty for most applications
 */
public record ApplicationBundle(String environment, String application, String namespace, List<RenderedObject> objects,
    Map<String, String> sources) {

  public ApplicationBundle {
    sources = sources == null ? Map.of() : Map.copyOf(sources);
  }

  public ApplicationBundle(String environment, String application, String namespace, List<RenderedObject> objects) {
    this(environment, application, namespace, objects, null);
  }

  /** What a finding about {@code o} adds so it names the user's own input: {@code " (patched by ...)"}, or "". */
  public String sourceNote(RenderedObject o) {
    String s = sources.get(o.ref());
    return s == null ? "" : " (" + s + ")";
  }
}
