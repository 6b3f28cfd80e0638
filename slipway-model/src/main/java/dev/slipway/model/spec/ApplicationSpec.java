package dev.slipway.model.spec;

import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode;
import java.util.List;
import java.util.SortedMap;

/**
 * An application team's {@code apps/<name>/app.yaml} as written: component trees (merged per
 * environment by the resolver), per-environment overrides and policy waivers.
 *
 * @param components component name → its tree, in name order
 * @param overrides environment name → that environment's {@code components} override trees
 * @param dependencies the other applications this one needs Healthy before it syncs
 *     ({@code spec.dependsOn}), in the order written
 */
public record ApplicationSpec(
    String name,
    String file,
    Position position,
    SortedMap<String, SpecNode> components,
    SortedMap<String, SortedMap<String, SpecNode>> overrides,
    List<Waiver> waivers,
    List<Dependency> dependencies,
    SortedMap<String, List<SpecNode>> manifestFiles) {

  public ApplicationSpec {
    dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    manifestFiles = manifestFiles == null ? new java.util.TreeMap<>() : manifestFiles;
  }

  /** An application without extra manifest files. */
  public ApplicationSpec(String name, String file, Position position, SortedMap<String, SpecNode> components,
      SortedMap<String, SortedMap<String, SpecNode>> overrides, List<Waiver> waivers, List<Dependency> dependencies) {
    this(name, file, position, components, overrides, waivers, dependencies, null);
  }

  /** The same application with the extra manifest files read from its folder. */
  public ApplicationSpec withManifestFiles(SortedMap<String, List<SpecNode>> files) {
    return new ApplicationSpec(name, file, position, components, overrides, waivers, dependencies, files);
  }

  /** An application that depends on no other. */
  public ApplicationSpec(String name, String file, Position position, SortedMap<String, SpecNode> components,
      SortedMap<String, SortedMap<String, SpecNode>> overrides, List<Waiver> waivers) {
    this(name, file, position, components, overrides, waivers, List.of());
  }

  /**
   * The names of the applications this one depends on ({@code spec.dependsOn}): the server syncs it
   * only once each of them is Healthy in the same environment (Argo CD #3454).
   */
  public List<String> dependsOn() {
    return dependencies.stream().map(Dependency::application).toList();
  }

  /** One entry of {@code spec.dependsOn}, with where it is written. */
  public record Dependency(String application, Position position) {}

  /**
   * A written exception to one policy rule. Shows in the plan with its reason.
   *
   * @param rule the rule id, e.g. {@code require-run-as-non-root}
   * @param components the components it applies to; empty for all
   * @param environments the environments it applies to; empty for all
   */
  public record Waiver(String rule, String reason, List<String> components, List<String> environments, Position position) {

    /** Whether this waiver covers rule {@code ruleId} ({@code policy/rule} or a rule name). */
    public boolean covers(String ruleId, String component, String environment) {
      boolean named = rule.equals(ruleId) || ruleId.endsWith("/" + rule) || ruleId.startsWith(rule + "/");
      return named
          && (components.isEmpty() || component != null && components.contains(component))
          && (environments.isEmpty() || environments.contains(environment));
    }
  }
}
