package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
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

  /** Whether {@code block} selects the resource, seen as {@code kind} (autogen swaps in a controller kind). */
  static boolean matches(JsonNode block, JsonNode resource, String apiVersion, String kind) {
    if (block == null || block.isNull() || block.isEmpty()) {
      return false;
    }
    if (block.has("any") || block.has("all")) {
      boolean ok = true;
      if (block.has("any") && block.get("any").size() > 0) {
        boolean any = false;
        for (JsonNode f : block.get("any")) {
          any |= filter(f, resource, apiVersion, kind);
        }
        ok = any;
      }
      if (block.has("all") && block.get("all").size() > 0) {
        for (JsonNode f : block.get("all")) {
          ok &= filter(f, resource, apiVersion, kind);
        }
      }
      return ok;
    }
    return filter(block, resource, apiVersion, kind);
  }

  private static boolean filter(JsonNode f, JsonNode resource, String apiVersion, String kind) {
    if (f.has("subjects") || f.has("roles") || f.has("clusterRoles")) {
      return false; // no admission request, so no user to match
    }
    JsonNode r = f.path("resources");
    if (r.isMissingNode() || r.isEmpty()) {
      return false;
    }
    JsonNode meta = resource.path("metadata");
    if (r.has("kinds") && !kinds(r.get("kinds"), apiVersion, kind)) {
      return false;
    }
    String name = meta.path("name").asText("");
    if (r.has("name") && !Values.wildcard(r.get("name").asText(), name)) {
      return false;
    }
    if (r.has("names") && !anyWildcard(r.get("names"), name)) {
      return false;
    }
    if (r.has("namespaces") && !anyWildcard(r.get("namespaces"), meta.path("namespace").asText(""))) {
      return false;
    }
    if (r.has("operations") && !anyWildcard(r.get("operations"), "CREATE")) {
      return false;
    }
    if (r.has("annotations") && !mapMatches(r.get("annotations"), meta.path("annotations"))) {
      return false;
    }
    if (r.has("selector") && !selector(r.get("selector"), meta.path("labels"))) {
      return false;
    }
    // Namespace labels are not known offline: a namespaceSelector cannot be satisfied.
    return !r.has("namespaceSelector");
  }

  static boolean kinds(JsonNode kinds, String apiVersion, String kind) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    for (JsonNode k : kinds) {
      String[] parts = k.asText().split("/");
      String subresourceFree = parts[parts.length - 1];
      boolean ok = switch (parts.length) {
        case 1 -> Values.wildcard(parts[0], kind);
        case 2 -> Values.wildcard(parts[0], version) && Values.wildcard(parts[1], kind);
        default -> Values.wildcard(parts[0], group) && Values.wildcard(parts[1], version) && Values.wildcard(subresourceFree, kind);
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
    for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      boolean found = false;
      for (Iterator<Map.Entry<String, JsonNode>> a = actual.fields(); a.hasNext(); ) {
        Map.Entry<String, JsonNode> x = a.next();
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
