package dev.slipway.model.load;

import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.yaml.SpecNode;
import java.util.List;
import java.util.SortedMap;

/**
 * An application as it runs in one environment: every component resolved, plus the merged trees
 * the components were bound from (what {@code --explain} prints).
 *
 * @param typed the components of platform-defined types ({@code componentTypes/}), in name order
 */
public record ResolvedApplication(
    ApplicationSpec app,
    EnvironmentSpec environment,
    String namespace,
    List<ComponentSpec> components,
    SortedMap<String, SpecNode> trees,
    List<dev.slipway.model.spec.TypedComponent> typed) {

  public ResolvedApplication {
    typed = typed == null ? List.of() : List.copyOf(typed);
  }

  /** An application whose components are all of built-in types. */
  public ResolvedApplication(ApplicationSpec app, EnvironmentSpec environment, String namespace, List<ComponentSpec> components,
      SortedMap<String, SpecNode> trees) {
    this(app, environment, namespace, components, trees, List.of());
  }

  public String name() {
    return app.name();
  }
}
