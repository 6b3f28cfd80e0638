package dev.slipway.model.score;

import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.PlatformSpec;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The platform a Score file is converted for: its own component types ({@code componentTypes/}),
 * which Score resources of those types become. Converting without a platform ({@code slipway
 * convert score} without {@code --platform}) maps to Slipway's built-in types only, and an
 * unknown resource type then says that a platform could provide it.
 *
 * @param types the platform's types by name; empty when it has none or is not known
 * @param known whether a platform was given at all
 */
public record ScorePlatform(SortedMap<String, ComponentTypeSpec> types, boolean known) {
  /** No platform given: built-in types only. */
  public static final ScorePlatform NONE = new ScorePlatform(new TreeMap<>(), false);

  public ScorePlatform {
    types = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(types));
  }

  /** The types of a loaded platform; {@link #NONE} when it could not be loaded. */
  public static ScorePlatform of(PlatformSpec platform) {
    return platform == null ? NONE : new ScorePlatform(platform.types(), true);
  }
}
