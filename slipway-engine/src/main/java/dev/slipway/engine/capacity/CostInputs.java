package dev.slipway.engine.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.RenderedObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What cost planning needs from one application's rendered objects, and nothing more: its pods
 * at the floor and the ceiling, its ALB ingress groups, volume size, external secrets and
 * monitors. A plan of thousands of applications keeps these instead of every object.
 *
 * @param albGroups the ALB ingress group of each ALB Ingress, in object order
 * @param volumeGb GiB of persistent volumes (claims and StatefulSet claim templates)
 */
public record CostInputs(
    String application, List<PodGroup> minPods, List<PodGroup> maxPods, List<String> albGroups, double volumeGb,
    List<SecretUse> secrets, List<Monitor> monitors) {

  /** One ExternalSecret: its refresh interval, entries and the keys it reads. */
  public record SecretUse(double refreshSeconds, int entries, List<String> keys) {}

  /** One ServiceMonitor: the component it scrapes and its interval. */
  public record Monitor(String component, double intervalSeconds) {}

  public static CostInputs of(ApplicationBundle b) {
    List<String> alb = new ArrayList<>();
    List<SecretUse> secrets = new ArrayList<>();
    List<Monitor> monitors = new ArrayList<>();
    for (RenderedObject o : b.objects()) {
      JsonNode spec = o.body().path("spec");
      switch (o.kind()) {
        case "Ingress" -> {
          if (spec.path("ingressClassName").asText().equals("alb")) {
            alb.add(o.body().path("metadata").path("annotations").path("alb.ingress.kubernetes.io/group.name")
                .asText(b.namespace() + "/" + o.name()));
          }
        }
        case "ExternalSecret" -> {
          List<String> keys = new ArrayList<>();
          spec.path("data").forEach(d -> keys.add(d.path("remoteRef").path("key").asText()));
          secrets.add(new SecretUse(CostPlanner.seconds(spec.path("refreshInterval").asText("1h")), spec.path("data").size(),
              List.copyOf(keys)));
        }
        case "ServiceMonitor" ->
            monitors.add(new Monitor(o.component(), CostPlanner.seconds(spec.path("endpoints").path(0).path("interval").asText("30s"))));
        default -> { }
      }
    }
    return new CostInputs(b.application(), Workloads.groups(b, Workloads.Scenario.MIN), Workloads.groups(b, Workloads.Scenario.MAX),
        List.copyOf(alb), CostPlanner.volumeGb(b), List.copyOf(secrets), List.copyOf(monitors));
  }

  List<PodGroup> pods(Workloads.Scenario s) {
    return s == Workloads.Scenario.MIN ? minPods : maxPods;
  }
}
