package dev.slipway.engine.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.Labels;

/**
 * Which live objects are Slipway's. Labels find candidates cheaply (one list per kind with
 * equality selectors), but labels are copied: into objects a controller creates from Slipway's
 * templates (a StatefulSet's volume claims, a Deployment's ReplicaSets) and into copies people
 * make of Slipway's objects. So ownership is decided by the tracking annotation, written on every
 * object Slipway applies and naming that object itself — environment, application, group, kind,
 * namespace and name, as Argo CD's annotation tracking does. A live object is Slipway's only when
 * its annotation names exactly the object it is on. Only such objects are ever Extra, and so only
 * they can be pruned.
 */
public final class Ownership {
  /** The annotation recording which object Slipway applied, and for which environment and application. */
  public static final String TRACKING = "slipway.dev/tracking-id";
  /** How environment-wide objects (node pools, shared namespaces) name their application. */
  public static final String CLUSTER_APP = "_cluster";

  private Ownership() {}

  /**
   * The tracking id of an object: {@code <env>/<app>:<group>/<Kind>:<namespace>/<name>}, from its
   * own labels and identity. Null when the object carries no environment label.
   */
  public static String trackingId(JsonNode obj) {
    JsonNode labels = obj.path("metadata").path("labels");
    String env = labels.path(Labels.ENVIRONMENT).asText("");
    if (env.isEmpty()) {
      return null;
    }
    String app = labels.path(Labels.APPLICATION).asText(CLUSTER_APP);
    String apiVersion = obj.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    JsonNode meta = obj.path("metadata");
    return env + "/" + app + ":" + group + "/" + obj.path("kind").asText() + ":" + meta.path("namespace").asText("") + "/"
        + meta.path("name").asText();
  }

  /** Whether a live object is Slipway's: its tracking annotation names this very object. */
  public static boolean owns(JsonNode live) {
    String recorded = live.path("metadata").path("annotations").path(TRACKING).asText("");
    return !recorded.isEmpty() && recorded.equals(trackingId(live));
  }

  /** Writes the tracking annotation on a desired object (top-level metadata only, never on templates). */
  static void track(ObjectNode desired) {
    String id = trackingId(desired);
    if (id != null) {
      desired.with("metadata").with("annotations").put(TRACKING, id);
    }
  }

  /**
   * Whether {@code claim} is a volume claim the StatefulSet controller created for {@code set}
   * from one of its claim templates: same namespace, named {@code <template>-<set>-<ordinal>}.
   */
  public static boolean isClaimOf(JsonNode claim, JsonNode set) {
    if (!claim.path("kind").asText().equals("PersistentVolumeClaim") || !set.path("kind").asText().equals("StatefulSet")) {
      return false;
    }
    String ns = set.path("metadata").path("namespace").asText("");
    if (!claim.path("metadata").path("namespace").asText("").equals(ns)) {
      return false;
    }
    String name = claim.path("metadata").path("name").asText();
    String setName = set.path("metadata").path("name").asText();
    for (JsonNode t : set.path("spec").path("volumeClaimTemplates")) {
      String prefix = t.path("metadata").path("name").asText() + "-" + setName + "-";
      if (name.startsWith(prefix) && name.length() > prefix.length() && name.substring(prefix.length()).chars().allMatch(Character::isDigit)) {
        return true;
      }
    }
    return false;
  }
}
