package dev.slipway.engine.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Finds the pod spec inside any workload kind, as Kyverno's autogen does for pod rules. */
public final class PodSpecs {
  private PodSpecs() {}

  /** A pod spec and the field path it sits at. */
  public record Located(JsonNode spec, String path) {}

  public static Located find(JsonNode obj) {
    String kind = obj.path("kind").asText();
    return switch (kind) {
      case "Pod" -> at(obj, "spec");
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController" ->
          at(obj, "spec", "template", "spec");
      case "CronJob" -> at(obj, "spec", "jobTemplate", "spec", "template", "spec");
      default -> null;
    };
  }

  private static Located at(JsonNode obj, String... path) {
    JsonNode n = obj;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isObject() ? new Located(n, String.join(".", path)) : null;
  }

  /** Containers and init containers, each with its field path. */
  public static List<Located> containers(Located pod) {
    List<Located> out = new ArrayList<>();
    for (String key : List.of("initContainers", "containers")) {
      JsonNode list = pod.spec().path(key);
      for (int i = 0; i < list.size(); i++) {
        out.add(new Located(list.get(i), pod.path() + "." + key + "[" + i + "]"));
      }
    }
    return out;
  }

  public static boolean isLongRunning(JsonNode obj) {
    String kind = obj.path("kind").asText();
    return kind.equals("Deployment") || kind.equals("StatefulSet") || kind.equals("DaemonSet") || kind.equals("ReplicaSet");
  }
}
