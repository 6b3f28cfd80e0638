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

  /** {@code name}, or {@code namespace/name} for a namespaced Policy, as kyverno-test files name it. */
  public String qualifiedName() {
    return namespace == null ? name : namespace + "/" + name;
  }
}
