package dev.slipway.engine.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.policy.PodSpecs;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.RenderedObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the pods an application will run from its rendered objects, so capacity is planned from
 * exactly what would be applied: requests per pod, replicas (or an autoscaler's minimum and
 * maximum), zone spread and hostname anti-affinity.
 */
public final class Workloads {
  /** Minimum replicas (the floor) or maximum (the autoscaling ceiling). */
  public enum Scenario {
    MIN,
    MAX
  }

  private Workloads() {}

  public static List<PodGroup> groups(ApplicationBundle bundle, Scenario scenario) {
    List<PodGroup> out = new ArrayList<>();
    java.util.Map<String, RenderedObject> scalers = new java.util.HashMap<>();
    for (RenderedObject s : bundle.objects()) {
      if (s.kind().equals("HorizontalPodAutoscaler") || s.kind().equals("ScaledObject")) {
        scalers.put(s.body().path("spec").path("scaleTargetRef").path("name").asText(), s);
      }
    }
    for (RenderedObject o : bundle.objects()) {
      String kind = o.kind();
      if (!kind.equals("Deployment") && !kind.equals("StatefulSet") && !kind.equals("CronJob")) {
        continue;
      }
      int count = switch (kind) {
        case "CronJob" -> scenario == Scenario.MAX ? 1 : 0; // room for one run at a time, at peak
        case "StatefulSet" -> o.body().path("spec").path("replicas").asInt(1);
        default -> replicas(o, scalers.get(o.name()), scenario);
      };
      if (count == 0) {
        continue;
      }
      PodSpecs.Located pod = PodSpecs.find(o.body());
      long[] requests = podRequests(pod.spec());
      long cpu = requests[0];
      long mem = requests[1];
      out.add(new PodGroup(bundle.application(), o.component(), kind + "/" + o.name(), cpu, mem, count,
          hasConstraint(pod.spec().path("topologySpreadConstraints"), "topology.kubernetes.io/zone"),
          hasConstraint(pod.spec().path("affinity").path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution"),
              "kubernetes.io/hostname")));
    }
    return out;
  }

  /**
   * A pod's effective requests {cpu millis, memory MiB} as the scheduler computes them (KEP-753):
   * the containers' sum plus every native sidecar ({@code restartPolicy: Always} init container);
   * or, when larger, what an ordinary init container needs while it runs — its own request plus
   * the native sidecars started before it. Init containers run one at a time, so only the largest counts.
   */
  public static long[] podRequests(JsonNode podSpec) {
    long[] sum = new long[2];
    for (JsonNode c : podSpec.path("containers")) {
      add(sum, c);
    }
    long[] sidecars = new long[2];
    long[] init = new long[2];
    for (JsonNode c : podSpec.path("initContainers")) {
      if (c.path("restartPolicy").asText().equals("Always")) {
        add(sidecars, c);
      } else {
        long[] own = new long[2];
        add(own, c);
        init[0] = Math.max(init[0], own[0] + sidecars[0]);
        init[1] = Math.max(init[1], own[1] + sidecars[1]);
      }
    }
    return new long[] {Math.max(sum[0] + sidecars[0], init[0]), Math.max(sum[1] + sidecars[1], init[1])};
  }

  private static void add(long[] total, JsonNode container) {
    JsonNode req = container.path("resources").path("requests");
    total[0] += req.has("cpu") ? Resources.cpuMillis(req.path("cpu").asText()) : 0;
    total[1] += req.has("memory") ? Resources.memoryMiB(req.path("memory").asText()) : 0;
  }

  private static int replicas(RenderedObject deployment, RenderedObject scaler, Scenario scenario) {
    if (scaler != null) {
      JsonNode spec = scaler.body().path("spec");
      if (scaler.kind().equals("HorizontalPodAutoscaler")) {
        return scenario == Scenario.MIN ? spec.path("minReplicas").asInt(1) : spec.path("maxReplicas").asInt(1);
      }
      return scenario == Scenario.MIN ? spec.path("minReplicaCount").asInt(0) : spec.path("maxReplicaCount").asInt(100);
    }
    return deployment.body().path("spec").path("replicas").asInt(1);
  }

  private static boolean hasConstraint(JsonNode list, String topologyKey) {
    for (JsonNode c : list) {
      if (c.path("topologyKey").asText().equals(topologyKey)) {
        return true;
      }
    }
    return false;
  }
}
