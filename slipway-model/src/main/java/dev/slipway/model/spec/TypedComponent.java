package dev.slipway.model.spec;

import java.util.Map;

/**
 * A component of a platform-defined type ({@code type: <name>} naming a
 * {@code componentTypes/<name>.yaml}), resolved for one environment: its values after the schema's
 * defaults and every layer are merged and checked against the schema. The engine renders it from
 * the type's templates; it has no workload fields of its own, so it is not a {@link ComponentSpec}.
 *
 * @param type the platform type's name
 * @param values the fields as CEL reads them ({@code schema.spec}): {@code String}, {@code Long},
 *     {@code Double}, {@code Boolean}, lists and maps of those, keys in the schema's order
 * @param hatches the escape hatches written beside the schema's fields: every component takes
 *     them, so a type's shape never closes a door a built-in type leaves open; they apply to what
 *     the type renders
 */
public record TypedComponent(String name, String type, Map<String, Object> values, EscapeHatches hatches) {
  public TypedComponent {
    hatches = hatches == null ? EscapeHatches.NONE : hatches;
  }

  /** An instance without escape hatches (a type's sample instance). */
  public TypedComponent(String name, String type, Map<String, Object> values) {
    this(name, type, values, EscapeHatches.NONE);
  }
}
