package dev.slipway.engine.types;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.PlatformSpec;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The platform's own component types, compiled once per platform load (plan compiles them before
 * resolving any application); rendering an instance only evaluates the compiled programs.
 */
public final class PlatformTypes {
  public static final PlatformTypes NONE = new PlatformTypes(Map.of());

  private final Map<String, CompiledType> compiled;

  private PlatformTypes(Map<String, CompiledType> compiled) {
    this.compiled = Collections.unmodifiableMap(new TreeMap<>(compiled));
  }

  /** Compiles every type of the platform; a type with problems is left out and its problems reported. */
  public static PlatformTypes compile(PlatformSpec platform, Diagnostics d) {
    if (platform == null || platform.types().isEmpty()) {
      return NONE;
    }
    Map<String, CompiledType> out = new TreeMap<>();
    for (ComponentTypeSpec spec : platform.types().values()) {
      TypeCompiler.Result r = TypeCompiler.compile(spec);
      d.addAll(r.problems());
      if (r.type() != null) {
        out.put(spec.name(), r.type());
      }
    }
    return new PlatformTypes(out);
  }

  /** The compiled type, or null when it did not compile (its errors stop the plan before rendering). */
  public CompiledType get(String name) {
    return compiled.get(name);
  }

  public Map<String, CompiledType> all() {
    return compiled;
  }
}
