package dev.slipway.engine.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.spec.AddonsSpec.MetricsAddon;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ComponentType;
import java.util.List;

/**
 * Renders what the monitoring stack needs: a ServiceMonitor per component with a metrics
 * endpoint, one PrometheusRule per application with default alerts built on kube-state-metrics
 * and kubelet metrics, and a Grafana dashboard ConfigMap picked up by Grafana's sidecar.
 */
final class ObservabilityRenderer {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ObservabilityRenderer() {}

  static void renderServiceMonitor(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    MetricsAddon m = ctx.addons().metrics();
    if (m == null || !m.serviceMonitor() || c.metrics() == null || (c.port() == null && c.metrics().port() == null)) {
      return;
    }
    ObjectNode endpoint = Json.obj()
        .put("port", WorkloadRenderer.metricsPortSeparate(c) ? "metrics" : WorkloadRenderer.portName(c))
        .put("path", c.metrics().path())
        .put("interval", c.metrics().interval() != null ? c.metrics().interval() : m.interval());
    ObjectNode spec = Json.obj();
    spec.set("selector", Json.obj().set("matchLabels", Json.map(Labels.selector(ctx.appName(), c.name()))));
    spec.set("endpoints", Json.arr().add(endpoint));
    out.add(ctx.componentObject(c, "monitoring.coreos.com/v1", "ServiceMonitor", c.name(), spec, "spec"));
  }

  static void renderAppWide(RenderContext ctx, List<RenderedObject> out) {
    MetricsAddon m = ctx.addons().metrics();
    if (m == null) {
      return;
    }
    if (m.alerts()) {
      out.add(alerts(ctx));
    }
    if (m.dashboards()) {
      out.add(dashboard(ctx));
    }
  }

  private static RenderedObject alerts(RenderContext ctx) {
    String ns = ctx.namespace();
    ArrayNode rules = Json.arr();
    for (ComponentSpec c : ctx.components()) {
      String sel = "namespace=\"" + ns + "\"";
      switch (c.type()) {
        case WEB, API, WORKER -> {
          String d = sel + "," + deploymentMatcher(c);
          rules.add(rule(ctx, c, "DeploymentReplicasUnavailable",
              "kube_deployment_status_replicas_available{" + d + "} < kube_deployment_spec_replicas{" + d + "}",
              "10m", "warning", "Fewer replicas of " + c.name() + " are available than desired for 10 minutes."));
          if (c.autoscaling() != null && !c.autoscaling().usesKeda()) {
            String h = sel + ",horizontalpodautoscaler=\"" + c.name() + "\"";
            rules.add(rule(ctx, c, "AutoscalerAtMaximum",
                "kube_horizontalpodautoscaler_status_current_replicas{" + h + "} >= kube_horizontalpodautoscaler_spec_max_replicas{" + h + "}",
                "15m", "warning", c.name() + " has run at its maximum replicas for 15 minutes; raise autoscaling.max or find the load."));
          }
        }
        case REDIS -> {
          String s = sel + ",statefulset=\"" + c.name() + "\"";
          rules.add(rule(ctx, c, "StatefulSetNotReady",
              "kube_statefulset_status_replicas_ready{" + s + "} < kube_statefulset_replicas{" + s + "}",
              "5m", "critical", "Cache " + c.name() + " has not been ready for 5 minutes."));
        }
        case POSTGRES -> {
          String s = sel + ",statefulset=\"" + c.name() + "\"";
          rules.add(rule(ctx, c, "StatefulSetNotReady",
              "kube_statefulset_status_replicas_ready{" + s + "} < kube_statefulset_replicas{" + s + "}",
              "5m", "critical", "Database " + c.name() + " has not been ready for 5 minutes."));
          String v = sel + ",persistentvolumeclaim=~\"data-" + c.name() + "-[0-9]+\"";
          rules.add(rule(ctx, c, "VolumeFillingUp",
              "kubelet_volume_stats_available_bytes{" + v + "} / kubelet_volume_stats_capacity_bytes{" + v + "} < 0.15",
              "10m", "warning", "The volume of " + c.name() + " has less than 15% free space."));
        }
        case JOB -> rules.add(rule(ctx, c, "CronJobFailed",
            "kube_job_status_failed{" + sel + ",job_name=~\"" + c.name() + "-[0-9]+\"} > 0",
            "1m", "warning", "A run of scheduled job " + c.name() + " failed."));
      }
      String k = sel + ",container=\"" + c.name() + "\"";
      rules.add(rule(ctx, c, "ContainerRestarting",
          "increase(kube_pod_container_status_restarts_total{" + k + "}[15m]) > 3",
          "5m", "warning", c.name() + " restarted more than 3 times in 15 minutes (crash loop?)."));
      if (c.resources().memoryLimit() != null) {
        rules.add(rule(ctx, c, "MemoryNearLimit",
            "max by (pod) (container_memory_working_set_bytes{" + k + "}) / max by (pod) (kube_pod_container_resource_limits{" + k
                + ",resource=\"memory\"}) > 0.9",
            "15m", "warning", c.name() + " uses more than 90% of its memory limit; it may be OOM-killed."));
      }
      if (c.metrics() != null && ctx.addons().metrics().serviceMonitor()) {
        rules.add(rule(ctx, c, "MetricsTargetDown", "up{" + sel + ",service=\"" + c.name() + "\"} == 0",
            "5m", "critical", "Prometheus cannot scrape " + c.name() + "."));
      }
    }
    ObjectNode group = Json.obj().put("name", ctx.appName() + ".rules");
    group.set("rules", rules);
    ObjectNode spec = Json.obj();
    spec.set("groups", Json.arr().add(group));
    return ctx.appObject("monitoring.coreos.com/v1", "PrometheusRule", ctx.appName(), spec, "spec");
  }

  private static ObjectNode rule(RenderContext ctx, ComponentSpec c, String alert, String expr, String forDuration,
      String severity, String summary) {
    ObjectNode r = Json.obj().put("alert", alert).put("expr", expr).put("for", forDuration);
    r.set("labels", Json.obj().put("application", ctx.appName()).put("component", c.name())
        .put("environment", ctx.envName()).put("severity", severity));
    r.set("annotations", Json.obj().put("summary", summary));
    return r;
  }

  private static RenderedObject dashboard(RenderContext ctx) {
    String ns = ctx.namespace();
    ArrayNode panels = Json.arr();
    int y = 0;
    int id = 1;
    for (ComponentSpec c : ctx.components()) {
      String k = "namespace=\"" + ns + "\",container=\"" + c.name() + "\"";
      panels.add(panel(id++, c.name() + ": CPU (cores) vs request", 0, y,
          "sum by (pod) (rate(container_cpu_usage_seconds_total{" + k + "}[5m]))",
          "max(kube_pod_container_resource_requests{" + k + ",resource=\"cpu\"})"));
      panels.add(panel(id++, c.name() + ": memory (bytes) vs limit", 12, y,
          "sum by (pod) (container_memory_working_set_bytes{" + k + "})",
          "max(kube_pod_container_resource_limits{" + k + ",resource=\"memory\"})"));
      y += 8;
      String replicas = c.type() == ComponentType.POSTGRES
          ? "kube_statefulset_status_replicas_ready{namespace=\"" + ns + "\",statefulset=\"" + c.name() + "\"}"
          : c.type() == ComponentType.JOB
              ? "sum(kube_job_status_active{namespace=\"" + ns + "\",job_name=~\"" + c.name() + "-[0-9]+\"})"
              : "kube_deployment_status_replicas_available{namespace=\"" + ns + "\"," + deploymentMatcher(c) + "}";
      panels.add(panel(id++, c.name() + ": running replicas", 0, y, replicas, null));
      panels.add(panel(id++, c.name() + ": restarts (15m)", 12, y,
          "sum by (pod) (increase(kube_pod_container_status_restarts_total{" + k + "}[15m]))", null));
      y += 8;
    }
    ObjectNode ds = Json.obj().put("name", "datasource").put("type", "datasource").put("query", "prometheus").put("label", "Data source");
    ObjectNode d = Json.obj();
    d.put("title", ctx.appName() + " (" + ctx.envName() + ")");
    d.put("uid", dashboardUid(ctx));
    d.set("tags", Json.arr().add("slipway").add(ctx.appName()).add(ctx.envName()));
    d.put("timezone", "browser");
    d.put("schemaVersion", 39);
    d.put("refresh", "30s");
    d.set("time", Json.obj().put("from", "now-6h").put("to", "now"));
    d.set("templating", Json.obj().set("list", Json.arr().add(ds)));
    d.set("panels", panels);
    String json;
    try {
      json = JSON.writeValueAsString(d) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("dashboard JSON cannot be written", e);
    }
    RenderedObject cm = ctx.appObject("v1", "ConfigMap", ctx.appName() + "-dashboard",
        Json.obj(ctx.appName() + ".json", json), "data");
    ((ObjectNode) cm.body().get("metadata").get("labels")).put("grafana_dashboard", "1");
    return cm;
  }

  private static String dashboardUid(RenderContext ctx) {
    String uid = "slipway-" + ctx.envName() + "-" + ctx.appName();
    return uid.length() <= 40 ? uid : "slipway-" + WorkloadRenderer.sha256(uid).substring(0, 24);
  }

  private static ObjectNode panel(int id, String title, int x, int y, String expr, String reference) {
    ObjectNode p = Json.obj().put("id", id).put("type", "timeseries").put("title", title);
    p.set("datasource", Json.obj().put("type", "prometheus").put("uid", "${datasource}"));
    p.set("gridPos", Json.obj().put("h", 8).put("w", 12).put("x", x).put("y", y));
    ArrayNode targets = Json.arr().add(Json.obj().put("refId", "A").put("expr", expr).put("legendFormat", "{{pod}}"));
    if (reference != null) {
      targets.add(Json.obj().put("refId", "B").put("expr", reference).put("legendFormat", "reference"));
    }
    p.set("targets", targets);
    return p;
  }

  /**
   * The label matcher for the component's Deployments: its name, or with a delivery strategy every
   * revision's ({@code web-3f2a9c1b0d}).
   */
  static String deploymentMatcher(ComponentSpec c) {
    return c.strategy() == null ? "deployment=\"" + c.name() + "\"" : "deployment=~\"" + c.name() + "-[0-9a-f]{10}\"";
  }
}
