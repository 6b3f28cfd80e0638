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
 */
public record ApplicationSpec(
    String name,
    String file,
    Position position,
    SortedMap<String, SpecNode> components,
    SortedMap<String, SortedMap<String, SpecNode>> overrides,
    List<Waiver> waivers) {

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
