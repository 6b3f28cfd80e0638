package dev.slipway.server.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what where: groups mapped to a role per environment, from the platform spec's
 * {@code access:} list, so that the same reviewed file that defines the environments says who may
 * deploy to them. A caller's role in an environment is the highest any of its groups is given
 * there; anonymous callers get {@code anonymousRole} everywhere, or nothing.
 */
public final class AccessPolicy {

  /**
   * One entry of {@code access:}.
   *
   * @param environments the environments the role applies in; empty means all
   */
  public record Rule(String group, Role role, List<String> environments) {
    public Rule {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(role, "role");
      environments = environments == null ? List.of() : List.copyOf(environments);
    }

    boolean appliesIn(String environment) {
      return environments.isEmpty() || environments.contains(environment);
    }
  }

  /** Replaced as a whole when the platform's {@code access:} changes; read once per decision. */
  private volatile List<Rule> rules;
  private final Role anonymousRole;

  public AccessPolicy(List<Rule> rules, Optional<Role> anonymousRole) {
    this.rules = List.copyOf(rules);
    this.anonymousRole = anonymousRole.orElse(null);
  }

  /**
   * Takes the rules of {@code next} from now on (a new platform revision changed {@code access:});
   * the anonymous role, a server option, stays. Requests already authorised are not re-checked.
   */
  public void replaceRules(AccessPolicy next) {
    this.rules = next.rules;
  }

  /**
   * From the list shape of the spec's {@code access:} as a YAML or JSON reader returns it:
   * {@code [{group: developers, role: deployer, environments: [dev, staging]}, ...]}.
   *
   * @throws IllegalArgumentException naming the entry when one has no group or an unknown role
   */
  public static AccessPolicy fromList(List<? extends Map<String, ?>> access, Optional<Role> anonymousRole) {
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < access.size(); i++) {
      Map<String, ?> entry = access.get(i);
      Object group = entry.get("group");
      if (!(group instanceof String g) || g.isBlank()) {
        throw new IllegalArgumentException("access[" + i + "]: group is required");
      }
      Role role;
      try {
        role = Role.parse(String.valueOf(entry.get("role")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("access[" + i + "]: " + e.getMessage(), e);
      }
      Object envs = entry.get("environments");
      List<String> environments = new ArrayList<>();
      if (envs instanceof Collection<?> c) {
        c.forEach(e -> environments.add(String.valueOf(e)));
      } else if (envs != null) {
        throw new IllegalArgumentException("access[" + i + "]: environments must be a list");
      }
      rules.add(new Rule(g, role, environments));
    }
    return new AccessPolicy(rules, anonymousRole);
  }

  /** The caller's role in the environment, or empty when it may not even see it. */
  public Optional<Role> roleIn(Principal principal, String environment) {
    if (principal.anonymous()) {
      return Optional.ofNullable(anonymousRole);
    }
    Set<String> groups = Set.copyOf(principal.groups());
    Role best = null;
    for (Rule r : this.rules) {
      if (groups.contains(r.group()) && r.appliesIn(environment)) {
        best = Role.higher(best, r.role());
      }
    }
    return Optional.ofNullable(best);
  }

  public boolean allows(Principal principal, String environment, Role needed) {
    return roleIn(principal, environment).map(r -> r.allows(needed)).orElse(false);
  }

  public boolean anonymousAllowed() {
    return anonymousRole != null;
  }
}
