package dev.slipway.engine.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Client-side three-way merge, as {@code kubectl apply} and Argo CD's default sync compute it:
 * the desired object, the live object and the last configuration Slipway applied decide the new
 * live object. A field Slipway set before and no longer renders is removed; a field only the
 * cluster or another controller set (status, defaults, replicas under an autoscaler, an injected
 * sidecar) is kept; everything Slipway renders wins. Lists of named things merge element by
 * element on Kubernetes' merge keys (containers by name, ports by port, env by name, volumes by
 * name, volume mounts by path...); other lists are replaced. Pure.
 */
public final class ThreeWayMerge {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Strategic-merge keys of the list fields Slipway renders, by field name. */
  private static final Map<String, List<String>> MERGE_KEYS = Map.ofEntries(
      Map.entry("containers", List.of("name")),
      Map.entry("initContainers", List.of("name")),
      Map.entry("ephemeralContainers", List.of("name")),
      Map.entry("env", List.of("name")),
      Map.entry("volumes", List.of("name")),
      Map.entry("volumeMounts", List.of("mountPath")),
      Map.entry("imagePullSecrets", List.of("name")),
      Map.entry("ports", List.of("containerPort", "port")),
      Map.entry("topologySpreadConstraints", List.of("topologyKey")),
      Map.entry("hostAliases", List.of("ip")),
      Map.entry("conditions", List.of("type")),
      // The API server fills in a claim template's apiVersion, kind and status: merged by name,
      // those stay the server's instead of reading as drift forever.
      Map.entry("volumeClaimTemplates", List.of("metadata.name")));

  /** The object to send, and whether it differs from the live one (false: no write needed). */
  public record Result(JsonNode merged, boolean changed) {}

  private ThreeWayMerge() {}

  /**
   * @param lastApplied what Slipway applied last time (null when it never applied this object)
   * @param desired what Slipway renders now
   * @param live the object in the cluster
   */
  public static Result merge(JsonNode lastApplied, JsonNode desired, JsonNode live) {
    JsonNode merged = value(lastApplied, desired, live, null);
    return new Result(merged, !merged.equals(live));
  }

  private static JsonNode value(JsonNode last, JsonNode desired, JsonNode live, String field) {
    if (desired == null || desired.isNull()) {
      return desired;
    }
    if (desired.isObject() && live != null && live.isObject()) {
      return object(last != null && last.isObject() ? last : null, (ObjectNode) desired, (ObjectNode) live);
    }
    if (desired.isArray() && live != null && live.isArray() && field != null && MERGE_KEYS.containsKey(field)) {
      return list(last != null && last.isArray() ? last : null, desired, live, MERGE_KEYS.get(field));
    }
    return desired.deepCopy();
  }

  private static ObjectNode object(JsonNode last, ObjectNode desired, ObjectNode live) {
    ObjectNode out = F.objectNode();
    // Live fields keep their order; fields Slipway stopped rendering are dropped.
    for (Iterator<Map.Entry<String, JsonNode>> it = live.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (desired.has(k)) {
        JsonNode v = value(last == null ? null : last.get(k), desired.get(k), e.getValue(), k);
        if (v != null && !v.isNull()) {
          out.set(k, v);
        }
      } else if (last == null || !last.has(k)) {
        out.set(k, e.getValue());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!live.has(e.getKey()) && e.getValue() != null && !e.getValue().isNull()) {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  private static ArrayNode list(JsonNode last, JsonNode desired, JsonNode live, List<String> keys) {
    Map<String, JsonNode> liveByKey = index(live, keys);
    Map<String, JsonNode> lastByKey = last == null ? Map.of() : index(last, keys);
    Map<String, JsonNode> desiredByKey = index(desired, keys);
    ArrayNode out = F.arrayNode();
    List<String> placed = new ArrayList<>();
    for (JsonNode d : desired) {
      String k = key(d, keys);
      out.add(value(lastByKey.get(k), d, liveByKey.get(k), null));
      placed.add(k);
    }
    // Elements someone else added (an injected sidecar) stay; ones Slipway applied and dropped go.
    for (JsonNode v : live) {
      String k = key(v, keys);
      if (!desiredByKey.containsKey(k) && !lastByKey.containsKey(k) && !placed.contains(k)) {
        out.add(v);
      }
    }
    return out;
  }

  private static Map<String, JsonNode> index(JsonNode list, List<String> keys) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    for (JsonNode e : list) {
      m.put(key(e, keys), e);
    }
    return m;
  }

  private static String key(JsonNode element, List<String> keys) {
    if (!element.isObject()) {
      return element.toString();
    }
    for (String k : keys) {
      if (k.contains(".")) {
        JsonNode at = element;
        for (String part : k.split("\\.")) {
          at = at.path(part);
        }
        if (!at.isMissingNode()) {
          return k + "=" + at.asText();
        }
        continue;
      }
      if (element.has(k)) {
        // Ports are keyed by number and protocol, as Kubernetes does.
        String protocol = element.path("protocol").asText("TCP");
        return k + "=" + element.get(k).asText() + (k.endsWith("ort") ? "/" + protocol : "");
      }
    }
    return element.toString();
  }
}
