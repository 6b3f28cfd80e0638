package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Kyverno's {@code match} and {@code exclude}: {@code any}/{@code all} lists of resource filters
 * (kinds with group/version forms and wildcards, names, namespaces, label selectors with
 * wildcards, annotations, operations) or the older single {@code resources} form.
 */
final class ResourceMatcher {
  private ResourceMatcher() {}

  /** The resource filters of a match or exclude block: its {@code any} and {@code all} lists, or the block itself. */
  static java.util.List<JsonNode> filters(JsonNode block) {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    if (block == null || block.isNull()) {
      return out;
    }
    if (block.has("any") || block.has("all")) {
      block.path("any").forEach(out::add);
      block.path("all").forEach(out::add);
    } else {
      out.add(block);
    }
    return out;
  }

  /**
   * What a filter may ask beyond the object: the operation, the user and namespace labels (null
   * when unknown), and Kyverno's subresource entries. {@code strict}: an unknown the filter needs
   * makes the result "not evaluated" (for {@code match}); otherwise the filter simply does not
   * hold (for {@code exclude}, as Kyverno's CLI treats a request without user information).
   */
  record Request(String operation, EvaluationInputs.UserInfo user, java.util.Map<String, JsonNode> namespaceLabels,
      java.util.List<JsonNode> subresources, boolean strict) {
    static final Request CLI = new Request("CREATE", null, null, java.util.List.of(), false);

    Request lenient() {
      return new Request(operation, user, namespaceLabels, subresources, false);
    }
  }

  /** As {@link #matches(JsonNode, JsonNode, String, String, Request)} for Kyverno's CLI defaults. */
  static boolean matches(JsonNode block, JsonNode resource, String apiVersion, String kind) {
    return matches(block, resource, apiVersion, kind, Request.CLI);
  }

  /**
   * Whether {@code block} selects the resource, seen as {@code kind} (autogen swaps in a
   * controller kind). Throws {@link NotEvaluatedException} when the answer depends on something
   * the request does not carry and {@code request.strict()}.
   */
  static boolean matches(JsonNode block, JsonNode resource, String apiVersion, String kind, Request request) {
    if (block == null || block.isNull() || block.isEmpty()) {
      return false;
    }
    if (block.has("any") || block.has("all")) {
      boolean ok = true;
      if (block.has("any") && block.get("any").size() > 0) {
        boolean any = false;
        NotEvaluatedException unknown = null;
        for (JsonNode f : block.get("any")) {
          try {
            any |= filter(f, resource, apiVersion, kind, request);
          } catch (NotEvaluatedException e) {
            unknown = e;
          }
        }
        if (!any && unknown != null) {
          throw unknown;
        }
        ok = any;
      }
      if (ok && block.has("all") && block.get("all").size() > 0) {
        NotEvaluatedException unknown = null;
        for (JsonNode f : block.get("all")) {
          try {
            ok &= filter(f, resource, apiVersion, kind, request);
          } catch (NotEvaluatedException e) {
            unknown = e;
          }
        }
        if (ok && unknown != null) {
          throw unknown;
        }
      }
      return ok;
    }
    return filter(block, resource, apiVersion, kind, request);
  }

  private static boolean filter(JsonNode f, JsonNode resource, String apiVersion, String kind, Request request) {
    JsonNode r = f.path("resources");
    // Without admission information Kyverno drops the user part of a filter.
    boolean byUser = request.user() != EvaluationInputs.UserInfo.NO_ADMISSION_INFO
        && (f.has("subjects") || f.has("roles") || f.has("clusterRoles"));
    if ((r.isMissingNode() || r.isEmpty()) && !byUser) {
      return false;
    }
    JsonNode meta = resource.path("metadata");
    if (r.has("kinds") && !kinds(r.get("kinds"), apiVersion, kind, request.subresources())) {
      return false;
    }
    String name = meta.path("name").asText("");
    if (r.has("name") && !Values.wildcard(r.get("name").asText(), name)) {
      return false;
    }
    if (r.has("names") && !anyWildcard(r.get("names"), name)) {
      return false;
    }
    String namespace = meta.path("namespace").asText("");
    if (r.has("namespaces") && !anyWildcard(r.get("namespaces"), namespace)) {
      return false;
    }
    if (r.has("operations") && !anyWildcard(r.get("operations"), request.operation())) {
      return false;
    }
    if (r.has("annotations") && !mapMatches(r.get("annotations"), meta.path("annotations"))) {
      return false;
    }
    if (r.has("selector") && !selector(r.get("selector"), meta.path("labels"))) {
      return false;
    }
    if (r.has("namespaceSelector")) {
      // A Namespace is selected by its own labels; other objects by their namespace's.
      JsonNode labels = kind.equals("Namespace") ? meta.path("labels")
          : request.namespaceLabels() == null ? null
          : request.namespaceLabels().getOrDefault(namespace, com.fasterxml.jackson.databind.node.NullNode.getInstance());
      if (labels == null) {
        if (request.strict()) {
          throw new NotEvaluatedException("match by namespaceSelector needs the labels of namespace '" + namespace
              + "' (a test's values file gives them under namespaceSelector)");
        }
        return false;
      }
      if (!selector(r.get("namespaceSelector"), labels)) {
        return false;
      }
    }
    return !byUser || user(f, request);
  }

  /** Kyverno's subjects, roles and clusterRoles filters: any listed subject, role or cluster role of the user. */
  private static boolean user(JsonNode f, Request request) {
    EvaluationInputs.UserInfo u = request.user();
    if (u == null) {
      if (request.strict()) {
        throw new NotEvaluatedException("match by subjects, roles or clusterRoles needs the requesting user "
            + "(a test's userinfo file gives it)");
      }
      return false;
    }
    if (f.has("roles") && !f.get("roles").isEmpty() && !anyIn(f.get("roles"), u.roles())) {
      return false;
    }
    if (f.has("clusterRoles") && !f.get("clusterRoles").isEmpty() && !anyIn(f.get("clusterRoles"), u.clusterRoles())) {
      return false;
    }
    if (f.has("subjects") && !f.get("subjects").isEmpty()) {
      boolean any = false;
      for (JsonNode s : f.get("subjects")) {
        String sname = s.path("name").asText();
        any |= switch (s.path("kind").asText()) {
          case "ServiceAccount" -> u.username() != null
              && u.username().equals("system:serviceaccount:" + s.path("namespace").asText() + ":" + sname);
          case "Group" -> u.groups().stream().anyMatch(g -> Values.wildcard(sname, g));
          default -> u.username() != null && Values.wildcard(sname, u.username());
        };
      }
      return any;
    }
    return true;
  }

  private static boolean anyIn(JsonNode wanted, java.util.List<String> have) {
    for (JsonNode w : wanted) {
      if (have.stream().anyMatch(h -> Values.wildcard(w.asText(), h))) {
        return true;
      }
    }
    return false;
  }

  /** Built-in subresource kinds, as Kubernetes serves them: {@code Deployment/scale} carries a {@code Scale}. */
  private static final java.util.Map<String, String> SUBRESOURCE_KINDS = java.util.Map.ofEntries(
      java.util.Map.entry("Deployment/scale", "Scale"), java.util.Map.entry("StatefulSet/scale", "Scale"),
      java.util.Map.entry("ReplicaSet/scale", "Scale"), java.util.Map.entry("ReplicationController/scale", "Scale"),
      java.util.Map.entry("Pod/exec", "PodExecOptions"), java.util.Map.entry("Pod/attach", "PodAttachOptions"),
      java.util.Map.entry("Pod/portforward", "PodPortForwardOptions"), java.util.Map.entry("Pod/eviction", "Eviction"),
      java.util.Map.entry("Pod/binding", "Binding"), java.util.Map.entry("Pod/proxy", "PodProxyOptions"));

  /**
   * A {@code Kind/subresource} filter selects objects of the kind the subresource carries (a
   * {@code Scale} for {@code Deployment/scale}), from the test's {@code subresources} entries or
   * the built-in table. Subresources of the parent's own kind ({@code Pod/status}) never match a
   * plain object: they stand for a different request.
   */
  private static boolean subresource(String parent, String sub, String kind, java.util.List<JsonNode> entries) {
    for (JsonNode e : entries) {
      JsonNode p = e.path("parentResource");
      JsonNode s = e.path("subresource");
      if (Values.wildcard(parent, p.path("kind").asText()) && s.path("name").asText().endsWith("/" + sub)
          && s.path("kind").asText().equals(kind)) {
        return true;
      }
    }
    String builtIn = SUBRESOURCE_KINDS.get(parent + "/" + sub);
    return builtIn != null && builtIn.equals(kind);
  }

  static boolean kinds(JsonNode kinds, String apiVersion, String kind) {
    return kinds(kinds, apiVersion, kind, java.util.List.of());
  }

  static boolean kinds(JsonNode kinds, String apiVersion, String kind, java.util.List<JsonNode> subresources) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    for (JsonNode k : kinds) {
      String[] parts = k.asText().split("/");
      // A lower-case last part names a subresource: Pod/exec, apps/v1/Deployment/scale.
      String last = parts[parts.length - 1];
      if (parts.length > 1 && !last.isEmpty() && Character.isLowerCase(last.charAt(0)) && !last.equals("*")) {
        if (subresource(parts[parts.length - 2], last, kind, subresources)) {
          return true;
        }
        continue;
      }
      boolean ok = switch (parts.length) {
        case 1 -> Values.wildcard(parts[0], kind);
        case 2 -> Values.wildcard(parts[0], version) && Values.wildcard(parts[1], kind);
        default -> Values.wildcard(parts[0], group) && Values.wildcard(parts[1], version) && Values.wildcard(last, kind);
      };
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyWildcard(JsonNode patterns, String value) {
    for (JsonNode p : patterns) {
      if (Values.wildcard(p.asText(), value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mapMatches(JsonNode wanted, JsonNode actual) {
    for (Map.Entry<String, JsonNode> e : wanted.properties()) {
      boolean found = false;
      for (Map.Entry<String, JsonNode> x : actual.properties()) {
        if (Values.wildcard(e.getKey(), x.getKey()) && Values.wildcard(e.getValue().asText(), x.getValue().asText())) {
          found = true;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  static boolean selector(JsonNode selector, JsonNode labels) {
    if (selector.has("matchLabels") && !mapMatches(selector.get("matchLabels"), labels)) {
      return false;
    }
    for (JsonNode e : selector.path("matchExpressions")) {
      String key = e.path("key").asText();
      JsonNode v = labels.get(key);
      boolean has = v != null;
      boolean inValues = has && anyWildcard(e.path("values"), v.asText());
      boolean ok = switch (e.path("operator").asText()) {
        case "In" -> inValues;
        case "NotIn" -> !inValues;
        case "Exists" -> has;
        case "DoesNotExist" -> !has;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
