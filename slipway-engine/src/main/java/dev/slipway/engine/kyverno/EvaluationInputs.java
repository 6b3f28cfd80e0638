package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What an admission request would tell Kyverno beyond the object itself, supplied offline: the
 * operation, the user, namespace labels, values for variables and mocked context data (Kyverno's
 * CLI reads them from a test's values and userinfo files), and the clock of time functions.
 *
 * @param operation {@code CREATE} (Kyverno's CLI default), {@code UPDATE}, {@code DELETE} or {@code CONNECT}
 * @param user the requesting user, or null when unknown (a {@code match} by user is then not evaluated)
 * @param namespaceLabels labels by namespace name, or null when unknown (a {@code match} by
 *     {@code namespaceSelector} is then not evaluated); a namespace missing from a known map has no labels
 * @param subresources Kyverno's {@code subresources} entries: which kind a {@code Kind/subresource} request carries
 * @param exceptions Kyverno {@code PolicyException} objects: a rule they cover is skipped for the objects they match
 */
public record EvaluationInputs(String operation, UserInfo user, Map<String, JsonNode> namespaceLabels, ValuesSource values,
    List<JsonNode> subresources, List<JsonNode> exceptions, Clock clock) {

  /** Kyverno's CLI defaults: a CREATE by an unknown user, namespace labels unknown, no values, the system clock. */
  public static EvaluationInputs defaults() {
    return new EvaluationInputs("CREATE", null, null, ValuesSource.NONE, List.of(), List.of(), Clock.systemUTC());
  }

  public EvaluationInputs withOperation(String op) {
    return new EvaluationInputs(op, user, namespaceLabels, values, subresources, exceptions, clock);
  }

  public EvaluationInputs withClock(Clock c) {
    return new EvaluationInputs(operation, user, namespaceLabels, values, subresources, exceptions, c);
  }

  /**
   * The user of the request: Kyverno's {@code request.userInfo} ({@code username}, {@code groups})
   * and the RBAC roles ({@code namespace:name}) and cluster roles bound to them.
   */
  public record UserInfo(String username, List<String> groups, List<String> roles, List<String> clusterRoles) {
    /**
     * Kyverno's CLI without a userinfo file: a request with no admission information, for which
     * Kyverno drops the subjects/roles/clusterRoles part of match and exclude filters (as in its
     * background scans), so the resource part alone decides.
     */
    public static final UserInfo NO_ADMISSION_INFO = new UserInfo(null, List.of(), List.of(), List.of());

    ObjectNode json() {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("username", username);
      groups.forEach(n.putArray("groups")::add);
      return n;
    }
  }

  /**
   * Values for one rule on one resource: variables by dotted path ({@code request.operation},
   * {@code dictionary.data.env}), applied over the evaluation context, and per-element values of
   * {@code foreach} (each name to a list indexed by element).
   */
  public record RuleValues(Map<String, JsonNode> variables, Map<String, List<JsonNode>> foreachValues) {
    public static final RuleValues NONE = new RuleValues(Map.of(), Map.of());
  }

  /** Where values come from: a test's values file, or nothing. */
  @FunctionalInterface
  public interface ValuesSource {
    ValuesSource NONE = (policy, rule, resource) -> RuleValues.NONE;

    RuleValues forRule(String policy, String rule, JsonNode resource);
  }
}
