package dev.slipway.model.spec;

import java.util.List;
import java.util.Optional;

/**
 * The platform team's {@code slipway.yaml}: environments in promotion order, add-ons and policy
 * sources. One per platform repository.
 */
public record PlatformSpec(
    String name, String region, String file, List<EnvironmentSpec> environments, List<String> policies) {

  public Optional<EnvironmentSpec> environment(String name) {
    return environments.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  public List<String> environmentNames() {
    return environments.stream().map(EnvironmentSpec::name).toList();
  }
}
