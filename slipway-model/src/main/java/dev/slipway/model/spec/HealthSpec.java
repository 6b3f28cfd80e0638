package dev.slipway.model.spec;

import dev.slipway.model.Position;
import java.util.List;

/**
 * The platform's own health checks ({@code spec.health}): Argo CD-format Lua scripts that judge a
 * kind's health instead of Slipway's built-in rule. Users bring the scripts; Slipway bundles none.
 *
 * @param scripts a directory inside the platform laid out as Argo CD's {@code resource_customizations}
 *     ({@code <group>/<Kind>/health.lua}), or null
 * @param scriptsAt where {@code scripts} was written
 * @param inline scripts given in {@code slipway.yaml} per kind, in the order written; they win over
 *     the directory's, as Argo CD's {@code resource.customizations.health.<group_Kind>} win over its
 *     bundled scripts
 */
public record HealthSpec(String scripts, Position scriptsAt, List<InlineScript> inline) {
  /** No health scripts: the built-in rules alone. */
  public static final HealthSpec NONE = new HealthSpec(null, Position.NONE, List.of());

  public HealthSpec {
    inline = inline == null ? List.of() : List.copyOf(inline);
  }

  public boolean isEmpty() {
    return scripts == null && inline.isEmpty();
  }

  /**
   * One inline script.
   *
   * @param group the API group, empty for the core group; may hold {@code *} wildcards
   * @param kind the kind; may hold {@code *} wildcards
   * @param key the key as written ({@code keda.sh_ScaledObject} or {@code keda.sh/ScaledObject})
   * @param source the Lua text
   * @param at where the script's text starts in {@code slipway.yaml}
   */
  public record InlineScript(String group, String kind, String key, String source, Position at) {}
}
