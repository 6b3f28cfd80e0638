package dev.slipway.model.spec;

import java.util.List;
import java.util.Optional;

/**
 * The platform team's {@code slipway.yaml}: environments in promotion order, add-ons and policy
 * sources. One per platform repository.
 *
 * @param pricing overrides of the capacity and price catalogue, merged over the bundled one; null if none
 */
public record PlatformSpec(
    String name, String region, String file, List<EnvironmentSpec> environments, List<String> policies,
    dev.slipway.model.yaml.SpecNode pricing) {

  public Optional<EnvironmentSpec> environment(String name) {
    return environments.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  public List<String> environmentNames() {
    return environments.stream().map(EnvironmentSpec::name).toList();
  }
}
