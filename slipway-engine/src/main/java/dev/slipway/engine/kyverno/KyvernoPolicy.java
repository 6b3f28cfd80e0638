package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.Position;
import java.util.List;

/**
 * A Kyverno {@code ClusterPolicy} or namespaced {@code Policy} (kyverno.io/v1), as written.
 *
 * @param namespace the namespace of a {@code Policy}, null for a {@code ClusterPolicy}
 * @param failureAction {@code Audit} or {@code Enforce}
 */
public record KyvernoPolicy(String name, String namespace, String file, Position position, String failureAction,
    JsonNode annotations, List<Rule> rules) {

  /** One rule; only {@code validate} rules are evaluated. */
  public record Rule(String name, Position position, JsonNode match, JsonNode exclude, JsonNode preconditions,
      JsonNode context, JsonNode validate, String otherType) {}

  /**
   * Whether a resource of {@code kind} could match any rule (directly or through autogen); a
   * cheap test that spares evaluating policies that cannot apply. Kinds with wildcards or
   * group/version forms count as "could match".
   */
  public boolean mayApplyTo(String kind) {
    return CANDIDATES.computeIfAbsent(new Identity(this), i -> candidateKinds()).map(k -> k.contains(kind)).orElse(true);
  }

  /** Policies compared by identity: a record's own equality would hash its whole JSON on every call. */
  private record Identity(KyvernoPolicy policy) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity i && i.policy == policy;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(policy);
    }
  }

  /**
   * Computed once per loaded policy (a plan asks for every object). Policies are loaded once per
   * run, so the few entries live as long as the run.
   */
  private static final java.util.Map<Identity, java.util.Optional<java.util.Set<String>>> CANDIDATES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private java.util.Optional<java.util.Set<String>> candidateKinds() {
    java.util.Set<String> kinds = new java.util.HashSet<>();
    for (Rule r : rules) {
      for (JsonNode f : ResourceMatcher.filters(r.match())) {
        JsonNode ks = f.path("resources").path("kinds");
        if (ks.isMissingNode() || ks.isEmpty()) {
          return java.util.Optional.empty();
        }
        for (JsonNode k : ks) {
          String text = k.asText();
          if (text.contains("*") || text.contains("?") || text.contains("/")) {
            return java.util.Optional.empty();
          }
          kinds.add(text);
          if (text.equals("Pod")) {
            kinds.addAll(KyvernoEngine.CONTROLLERS);
          }
        }
      }
    }
    return java.util.Optional.of(kinds);
  }

  /** {@code name}, or {@code namespace/name} for a namespaced Policy, as kyverno-test files name it. */
  public String qualifiedName() {
    return namespace == null ? name : namespace + "/" + name;
  }
}
