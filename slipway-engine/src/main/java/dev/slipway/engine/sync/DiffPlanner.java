package dev.slipway.engine.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.slipway.engine.plan.YamlEmitter;
import dev.slipway.engine.render.RenderedObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares rendered objects with the objects Slipway owns in a cluster. Pure: the desired set and
 * the live set in, one {@link ObjectDiff} per object out, in sync order then extras. What "in
 * sync" means is what a sync would change: the three-way merge of last-applied, desired and live.
 * Only live objects that {@link Ownership#owns} are ever Extra; other unrendered objects that happen
 * to carry Slipway's labels are not compared at all.
 */
public final class DiffPlanner {
  /** Where Slipway keeps the configuration it applied, as kubectl keeps its own. */
  public static final String LAST_APPLIED = "slipway.dev/last-applied";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SERVER_FIELDS =
      List.of("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp");

  private DiffPlanner() {}

  /** The identity sync uses: group, kind, namespace, name. */
  public static String key(JsonNode obj) {
    String apiVersion = obj.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    JsonNode meta = obj.path("metadata");
    return group + "/" + obj.path("kind").asText() + "/" + meta.path("namespace").asText("") + "/" + meta.path("name").asText();
  }

  public static List<ObjectDiff> compare(List<RenderedObject> desired, List<JsonNode> owned) {
    Map<String, JsonNode> live = new LinkedHashMap<>();
    owned.forEach(o -> live.put(key(o), o));
    java.util.Set<String> autoscaled = autoscaled(desired);
    List<ObjectDiff> out = new ArrayList<>();
    for (RenderedObject d : desired) {
      JsonNode want = withLastApplied(d.body());
      JsonNode have = live.remove(key(d.body()));
      if (have == null) {
        out.add(new ObjectDiff(d.ref(), ObjectDiff.SyncState.MISSING, want, null, want, unified(d.ref(), null, want)));
        continue;
      }
      JsonNode last = lastApplied(have);
      if (last != null && scaledByAutoscaler(d.body(), autoscaled)) {
        last = withoutReplicas(last);
      }
      ThreeWayMerge.Result r = ThreeWayMerge.merge(last, want, have);
      ObjectDiff.SyncState state = r.changed() ? ObjectDiff.SyncState.OUT_OF_SYNC : ObjectDiff.SyncState.SYNCED;
      out.add(new ObjectDiff(d.ref(), state, want, have, r.merged(), r.changed() ? unified(d.ref(), have, r.merged()) : ""));
    }
    for (JsonNode extra : live.values()) {
      if (!Ownership.owns(extra)) {
        // Labels alone do not make an object Slipway's: a controller's object made from Slipway's
        // template (a StatefulSet's volume claim) or a copy of one of Slipway's objects.
        continue;
      }
      String ref = extra.path("kind").asText() + "/" + extra.path("metadata").path("namespace").asText("") + "/"
          + extra.path("metadata").path("name").asText();
      out.add(new ObjectDiff(ref.replace("//", "/"), ObjectDiff.SyncState.EXTRA, null, extra, null, unified(ref, extra, null)));
    }
    return out;
  }

  /**
   * Workloads an autoscaler in the same set scales ({@code namespace/Kind/name}): a
   * HorizontalPodAutoscaler's or a KEDA ScaledObject's {@code scaleTargetRef}.
   */
  static java.util.Set<String> autoscaled(List<RenderedObject> desired) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (RenderedObject o : desired) {
      String kind = o.body().path("kind").asText();
      if (kind.equals("HorizontalPodAutoscaler") || kind.equals("ScaledObject")) {
        JsonNode ref = o.body().path("spec").path("scaleTargetRef");
        out.add(o.body().path("metadata").path("namespace").asText("") + "/" + ref.path("kind").asText("Deployment") + "/"
            + ref.path("name").asText());
      }
    }
    return out;
  }

  /**
   * Whether the rendered workload leaves its replica count to an autoscaler: it carries no
   * {@code spec.replicas} and an autoscaler of the same set targets it. Then the live count is the
   * autoscaler's and must be kept — never reset to the API server's default of 1 by removing a
   * field Slipway applied before the component gained autoscaling.
   */
  public static boolean scaledByAutoscaler(JsonNode workload, java.util.Set<String> autoscaled) {
    return !workload.path("spec").has("replicas") && autoscaled.contains(workload.path("metadata").path("namespace").asText("") + "/"
        + workload.path("kind").asText() + "/" + workload.path("metadata").path("name").asText());
  }

  /** Workloads of {@code desired} whose replicas an autoscaler owns. */
  public static java.util.Set<String> autoscaledWorkloads(List<RenderedObject> desired) {
    java.util.Set<String> targets = autoscaled(desired);
    java.util.Set<String> out = new java.util.HashSet<>();
    for (RenderedObject o : desired) {
      if (scaledByAutoscaler(o.body(), targets)) {
        out.add(key(o.body()));
      }
    }
    return out;
  }

  private static JsonNode withoutReplicas(JsonNode lastApplied) {
    ObjectNode copy = lastApplied.deepCopy();
    if (copy.get("spec") instanceof ObjectNode spec) {
      spec.remove("replicas");
    }
    return copy;
  }

  /**
   * The three-way merge against a freshly read object, as {@link #compare} does it: for a workload
   * whose replicas an autoscaler owns, the count Slipway applied before is forgotten, so the live
   * count stays. {@code desired} carries its annotations already.
   */
  public static JsonNode remerge(JsonNode desired, JsonNode live, boolean autoscaled) {
    JsonNode last = lastApplied(live);
    if (last != null && autoscaled) {
      last = withoutReplicas(last);
    }
    return ThreeWayMerge.merge(last, desired, live).merged();
  }

  /** The desired object with its tracking annotation and the annotation recording it, as it will be applied. */
  static JsonNode withLastApplied(JsonNode desired) {
    ObjectNode copy = desired.deepCopy();
    Ownership.track(copy);
    ObjectNode meta = copy.with("metadata");
    ObjectNode annotations = meta.with("annotations");
    annotations.remove(LAST_APPLIED);
    try {
      annotations.set(LAST_APPLIED, TextNode.valueOf(JSON.writeValueAsString(copy)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return copy;
  }

  /** The configuration Slipway last applied to {@code live}, or null when there is none. */
  public static JsonNode lastApplied(JsonNode live) {
    String text = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
    if (text.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null; // an unreadable record counts as none: everything rendered is applied again
    }
  }

  /** The object as a person reviews it: no server-set fields, no status, no record annotation, Secret values masked. */
  static JsonNode normalise(JsonNode obj) {
    if (obj == null) {
      return null;
    }
    ObjectNode n = obj.deepCopy();
    n.remove("status");
    if (n.get("metadata") instanceof ObjectNode meta) {
      SERVER_FIELDS.forEach(meta::remove);
      if (meta.get("annotations") instanceof ObjectNode a) {
        a.remove(LAST_APPLIED);
        a.remove("kubectl.kubernetes.io/last-applied-configuration");
        if (a.isEmpty()) {
          meta.remove("annotations");
        }
      }
    }
    if (n.path("kind").asText().equals("Secret")) {
      for (String field : List.of("data", "stringData")) {
        if (n.get(field) instanceof ObjectNode data) {
          List<String> keys = new ArrayList<>();
          data.fieldNames().forEachRemaining(keys::add);
          keys.forEach(k -> data.put(k, "***"));
        }
      }
    }
    return n;
  }

  static String unified(String ref, JsonNode before, JsonNode after) {
    List<String> a = lines(normalise(before));
    List<String> b = lines(normalise(after));
    var patch = DiffUtils.diff(a, b);
    if (patch.getDeltas().isEmpty()) {
      return "";
    }
    return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("live/" + ref, "desired/" + ref, a, patch, 3)) + "\n";
  }

  private static List<String> lines(JsonNode n) {
    return n == null ? List.of() : Arrays.asList(YamlEmitter.write(n).split("\n"));
  }
}
