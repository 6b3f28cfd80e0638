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
 */
public record ResolvedApplication(
    ApplicationSpec app,
    EnvironmentSpec environment,
    String namespace,
    List<ComponentSpec> components,
    SortedMap<String, SpecNode> trees) {

  public String name() {
    return app.name();
  }
}
