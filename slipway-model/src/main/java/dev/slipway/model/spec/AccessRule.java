package dev.slipway.model.spec;

import dev.slipway.model.Position;
import java.util.List;

/**
 * One entry of the platform's {@code access:} list: members of {@code group} have {@code role} in
 * {@code environments} (all environments when empty). The server maps an authenticated user's
 * groups to a role per environment with {@link PlatformSpec#role}.
 */
public record AccessRule(String group, Role role, List<String> environments, Position position) {
  public AccessRule {
    environments = List.copyOf(environments);
  }

  /** Whether this rule grants something in {@code environment}. */
  public boolean covers(String environment) {
    return environments.isEmpty() || environments.contains(environment);
  }
}
