package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ComponentSpec.Queue;
import dev.slipway.model.spec.ComponentSpec.Autoscaling;
import dev.slipway.model.spec.ComponentSpec.Trigger;
import java.util.List;

/** Renders HorizontalPodAutoscaler or KEDA ScaledObject, and the PodDisruptionBudget. */
final class ScalingRenderer {
  private ScalingRenderer() {}

  static void render(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    Autoscaling a = c.autoscaling();
    if (a != null && c.type().stateless()) {
      out.add(a.usesKeda() ? scaledObject(ctx, c, a) : hpa(ctx, c, a));
    }
    if (c.queue() != null) {
      out.add(queueAuthentication(ctx, c));
    }
    if (c.type().longRunning() && c.minReplicas() > 1) {
      ObjectNode spec = Json.obj().put("maxUnavailable", 1);
      spec.set("selector", Json.obj().set("matchLabels", Json.map(Labels.selector(ctx.appName(), c.name()))));
      out.add(ctx.componentObject(c, "policy/v1", "PodDisruptionBudget", c.name(), spec, "spec"));
    }
  }

  private static ObjectNode target(ComponentSpec c) {
    return Json.obj().put("apiVersion", "apps/v1").put("kind", "Deployment").put("name", c.name());
  }

  private static RenderedObject hpa(RenderContext ctx, ComponentSpec c, Autoscaling a) {
    ObjectNode spec = Json.obj();
    spec.set("scaleTargetRef", target(c));
    spec.put("minReplicas", a.min());
    spec.put("maxReplicas", a.max());
    ArrayNode metrics = Json.arr();
    if (a.cpu() != null) {
      metrics.add(resourceMetric("cpu", a.cpu()));
    }
    if (a.memory() != null) {
      metrics.add(resourceMetric("memory", a.memory()));
    }
    spec.set("metrics", metrics);
    return ctx.componentObject(c, "autoscaling/v2", "HorizontalPodAutoscaler", c.name(), spec, "spec");
  }

  private static ObjectNode resourceMetric(String name, int utilization) {
    ObjectNode target = Json.obj().put("type", "Utilization").put("averageUtilization", utilization);
    return Json.obj().put("type", "Resource").set("resource", Json.obj().put("name", name).set("target", target));
  }

  static String queueAuthenticationName(ComponentSpec c) {
    return c.name() + "-queue";
  }

  /**
   * How KEDA reads the queue's length: as the workload, through the role of the worker's own
   * ServiceAccount (IRSA), so that no role broader than the worker's is needed. The role must
   * trust KEDA's operator role to assume it (see docs/specs.md, "Queue workers").
   */
  private static RenderedObject queueAuthentication(RenderContext ctx, ComponentSpec c) {
    ObjectNode identity = Json.obj().put("provider", "aws").put("identityOwner", "workload");
    return ctx.componentObject(c, "keda.sh/v1alpha1", "TriggerAuthentication", queueAuthenticationName(c),
        Json.obj().set("podIdentity", identity), "spec");
  }

  /** KEDA creates and owns the HPA itself; Slipway renders only the ScaledObject. */
  private static RenderedObject scaledObject(RenderContext ctx, ComponentSpec c, Autoscaling a) {
    ObjectNode spec = Json.obj();
    spec.set("scaleTargetRef", target(c));
    spec.put("minReplicaCount", a.min());
    spec.put("maxReplicaCount", a.max());
    ArrayNode triggers = Json.arr();
    for (Trigger t : a.triggers()) {
      ObjectNode md = Json.obj();
      if (t.type().equals(ComponentResolver.SQS_TRIGGER)) {
        Queue q = c.queue();
        md.put("queueURL", q.url()).put("queueLength", Integer.toString(q.messagesPerReplica()))
            .put("activationQueueLength", Integer.toString(q.activationMessages())).put("awsRegion", q.region());
        triggers.add(Json.obj().put("type", t.type()).<ObjectNode>set("metadata", md)
            .set("authenticationRef", Json.obj("name", queueAuthenticationName(c))));
        continue;
      }
      if (t.type().equals("cron")) {
        md.put("timezone", t.timezone()).put("start", t.start()).put("end", t.end())
            .put("desiredReplicas", Integer.toString(t.replicas()));
      } else {
        String server = t.serverAddress() != null ? t.serverAddress()
            : ctx.addons().metrics() != null ? ctx.addons().metrics().prometheusAddress()
            : "http://prometheus-operated.monitoring.svc:9090";
        md.put("serverAddress", server).put("query", t.query()).put("threshold", t.threshold());
      }
      triggers.add(Json.obj().put("type", t.type()).set("metadata", md));
    }
    if (a.cpu() != null) {
      triggers.add(Json.obj().put("type", "cpu").put("metricType", "Utilization")
          .set("metadata", Json.obj("value", Integer.toString(a.cpu()))));
    }
    if (a.memory() != null) {
      triggers.add(Json.obj().put("type", "memory").put("metricType", "Utilization")
          .set("metadata", Json.obj("value", Integer.toString(a.memory()))));
    }
    spec.set("triggers", triggers);
    return ctx.componentObject(c, "keda.sh/v1alpha1", "ScaledObject", c.name(), spec, "spec");
  }
}
