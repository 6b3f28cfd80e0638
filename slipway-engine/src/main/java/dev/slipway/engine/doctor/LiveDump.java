package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.YamlLoader;
import java.util.ArrayList;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A saved {@code kubectl get -o yaml} (or {@code -o json}) dump: a {@code v1 List} with
 * {@code items}, a multi-document YAML stream of objects, or both. Read with the same loader and
 * limits as manifests, so a malformed dump is a diagnostic with its file and line. Objects of
 * kinds the analyzers do not read (Secrets among them) are dropped here.
 */
public final class LiveDump {
  private LiveDump() {}

  /** The objects in {@code content}; problems are added to {@code d} with {@code label} as the file. */
  public static List<JsonNode> parse(String content, String label, Diagnostics d) {
    List<JsonNode> out = new ArrayList<>();
    for (YamlLoader.Document doc : new YamlLoader(YamlLoader.Limits.MANIFESTS, false).load(content, label, Layer.APP, d)) {
      if (doc.root() == null || doc.root() instanceof SpecNode.Null) {
        continue;
      }
      collect(doc.root(), out, d);
    }
    return out;
  }

  /**
   * When the dump was taken, as near as it tells: its latest timestamp (events, conditions,
   * terminations, creations). Ages (how long a claim or an Ingress has waited) are measured from
   * it, so a dump reads the same whenever it is diagnosed.
   */
  public static Optional<Instant> observedAt(List<JsonNode> objects) {
    Instant latest = null;
    for (JsonNode o : objects) {
      latest = latest(o, latest);
    }
    return Optional.ofNullable(latest);
  }

  private static Instant latest(JsonNode n, Instant best) {
    if (n.isObject()) {
      var it = n.fields();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getValue().isTextual() && (e.getKey().endsWith("Timestamp") || e.getKey().endsWith("Time") || e.getKey().endsWith("At"))) {
          try {
            Instant t = Instant.parse(e.getValue().asText());
            best = best == null || t.isAfter(best) ? t : best;
          } catch (DateTimeParseException ignored) {
            // not a timestamp: not a clue to when the dump was taken
          }
        } else {
          best = latest(e.getValue(), best);
        }
      }
    } else if (n.isArray()) {
      for (JsonNode i : n) {
        best = latest(i, best);
      }
    }
    return best;
  }

  private static void collect(SpecNode node, List<JsonNode> out, Diagnostics d) {
    collect(node, null, out, d);
  }

  /**
   * @param itemKind the kind of the list this object is an item of ({@code PodMetrics} for a
   *     {@code PodMetricsList}): the API's raw lists (metrics.k8s.io) leave it off their items
   */
  private static void collect(SpecNode node, String itemKind, List<JsonNode> out, Diagnostics d) {
    if (!(node instanceof MapNode m)) {
      d.error("doctor.dump", node.position(), "", "expected a Kubernetes object or a List of them, found a " + node.typeName());
      return;
    }
    String kind = m.get("kind") instanceof SpecNode.Scalar k ? k.value() : itemKind;
    if (kind == null) {
      d.error("doctor.dump", m.position(), "kind", "an object in the dump has no kind");
      return;
    }
    if (kind.endsWith("List") && m.has("items")) {
      if (m.get("items") instanceof ListNode items) {
        String of = kind.length() > "List".length() ? kind.substring(0, kind.length() - "List".length()) : null;
        items.items().forEach(i -> collect(i, of, out, d));
      } else if (!(m.get("items") instanceof SpecNode.Null)) {
        d.error("doctor.dump", m.get("items").position(), "items", "items must be a list, found a " + m.get("items").typeName());
      }
      return;
    }
    if (!LiveObjects.KINDS.contains(kind)) {
      return; // a kind no analyzer reads (and every Secret): not kept, never printed
    }
    if (!(m.get("metadata") instanceof MapNode meta) || !(meta.get("name") instanceof SpecNode.Scalar)) {
      d.error("doctor.dump", m.position(), "metadata.name", "a " + kind + " in the dump has no metadata.name");
      return;
    }
    com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) JsonView.of(m);
    o.put("kind", kind);
    out.add(o);
  }
}
