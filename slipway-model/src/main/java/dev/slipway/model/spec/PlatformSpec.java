package dev.slipway.model.spec;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The platform team's {@code slipway.yaml}: environments in promotion order, add-ons and policy
 * sources. One per platform repository.
 *
 * @param pricing overrides of the capacity and price catalogue, merged over the bundled one; null if none
 * @param access who may do what where ({@code access:}); empty when not written (then no group has access)
 * @param health the platform's Lua health scripts ({@code health:}); {@link HealthSpec#NONE} when not written
 * @param types the platform's own component types ({@code componentTypes/<name>.yaml}) by name; empty when there are none
 */
public record PlatformSpec(
    String name, String region, String file, List<EnvironmentSpec> environments, List<String> policies,
    dev.slipway.model.yaml.SpecNode pricing, List<AccessRule> access, HealthSpec health,
    java.util.SortedMap<String, ComponentTypeSpec> types) {

  public PlatformSpec {
    access = access == null ? List.of() : List.copyOf(access);
    health = health == null ? HealthSpec.NONE : health;
    types = types == null ? java.util.Collections.emptySortedMap()
        : java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(types));
  }

  /** A platform without component types of its own. */
  public PlatformSpec(String name, String region, String file, List<EnvironmentSpec> environments, List<String> policies,
      dev.slipway.model.yaml.SpecNode pricing, List<AccessRule> access, HealthSpec health) {
    this(name, region, file, environments, policies, pricing, access, health, null);
  }

  /** The same platform with its component types ({@code componentTypes/}). */
  public PlatformSpec withTypes(java.util.Map<String, ComponentTypeSpec> platformTypes) {
    return new PlatformSpec(name, region, file, environments, policies, pricing, access, health, new java.util.TreeMap<>(platformTypes));
  }

  /** A platform without health scripts. */
  public PlatformSpec(String name, String region, String file, List<EnvironmentSpec> environments, List<String> policies,
      dev.slipway.model.yaml.SpecNode pricing, List<AccessRule> access) {
    this(name, region, file, environments, policies, pricing, access, HealthSpec.NONE);
  }

  /** A platform without an access list. */
  public PlatformSpec(String name, String region, String file, List<EnvironmentSpec> environments, List<String> policies,
      dev.slipway.model.yaml.SpecNode pricing) {
    this(name, region, file, environments, policies, pricing, List.of());
  }

  /**
   * The highest role any of {@code groups} has in {@code environment}; empty when none of them has
   * access there (or the environment is not the platform's).
   */
  public Optional<Role> role(Collection<String> groups, String environment) {
    if (environment(environment).isEmpty()) {
      return Optional.empty();
    }
    return access.stream().filter(a -> groups.contains(a.group()) && a.covers(environment)).map(AccessRule::role)
        .max(Role::compareTo);
  }

  public Optional<EnvironmentSpec> environment(String name) {
    return environments.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  public List<String> environmentNames() {
    return environments.stream().map(EnvironmentSpec::name).toList();
  }
}
