package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.spec.AddonsSpec.IngressAddon;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ComponentType;
import java.util.List;
import java.util.TreeMap;

/** Renders how traffic reaches a component: Service, Ingress and NetworkPolicy. */
final class TrafficRenderer {
  /**
   * How long the ALB lets in-flight requests to a deregistering pod finish
   * ({@code deregistration_delay.timeout_seconds}; ELB's default is 300 s, which would hold every
   * rolling update for five minutes per pod).
   */
  static final int DEREGISTRATION_DELAY_SECONDS = 30;
  /**
   * How long a pod behind an ALB keeps serving after it is told to stop: the controller must see
   * the endpoint go and deregister the target (a few seconds, more when the AWS API throttles),
   * then requests already sent drain for the deregistration delay.
   */
  static final int PRE_STOP_SLEEP_SECONDS = DEREGISTRATION_DELAY_SECONDS + 10;
  /** The pre-stop sleep plus Kubernetes' default 30 s for the application's own shutdown on SIGTERM. */
  static final int TERMINATION_GRACE_SECONDS = PRE_STOP_SLEEP_SECONDS + 30;
  static final String READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

  private TrafficRenderer() {}

  /** Whether the component receives traffic from an ALB straight to its pod IPs. */
  static boolean behindAlbTargetIp(RenderContext ctx, ComponentSpec c) {
    IngressAddon addon = ctx.addons().ingress();
    return addon != null && addon.albToPods() && c.ingress() != null && c.port() != null;
  }

  /**
   * The ALB rule order of an ingress in its group: longer paths first, since a rule for a prefix
   * of another path would take its requests (the controller evaluates lower orders first and
   * breaks ties by namespace/name). Orders run from 1 ({@code /} gets 999).
   */
  static int groupOrder(String path) {
    return 1000 - Math.min(path.length(), 999);
  }

  static void render(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    if (c.port() != null || !c.ports().isEmpty() || WorkloadRenderer.metricsPortSeparate(c)) {
      out.add(service(ctx, c));
    }
    if (c.ingress() != null && c.port() != null && ctx.addons().ingress() != null) {
      out.add(ingress(ctx, c));
    }
    RenderedObject np = networkPolicy(ctx, c);
    if (np != null) {
      out.add(np);
    }
  }

  /** Denies all inbound traffic to the namespace's pods unless a component's policy allows it. */
  static RenderedObject defaultDeny(RenderContext ctx) {
    ObjectNode spec = Json.obj();
    spec.set("podSelector", Json.obj());
    spec.set("policyTypes", Json.arr().add("Ingress"));
    return ctx.appObject("networking.k8s.io/v1", "NetworkPolicy", ctx.appScoped("default-deny"), spec, "spec");
  }

  private static RenderedObject service(RenderContext ctx, ComponentSpec c) {
    ObjectNode spec = Json.obj();
    if (c.type() == ComponentType.POSTGRES || c.type() == ComponentType.REDIS) {
      // Headless: the StatefulSet's pods get stable DNS names (database-0.database).
      spec.put("clusterIP", "None");
    }
    spec.put("type", "ClusterIP");
    spec.set("selector", Json.map(Labels.selector(ctx.appName(), c.name())));
    ArrayNode ports = Json.arr();
    if (c.port() != null) {
      String name = WorkloadRenderer.portName(c);
      ports.add(Json.obj().put("name", name).put("port", c.port()).put("targetPort", name).put("protocol", "TCP"));
    }
    c.ports().forEach((name, number) ->
        ports.add(Json.obj().put("name", name).put("port", number).put("targetPort", name).put("protocol", "TCP")));
    if (WorkloadRenderer.metricsPortSeparate(c)) {
      ports.add(Json.obj().put("name", "metrics").put("port", c.metrics().port()).put("targetPort", "metrics").put("protocol", "TCP"));
    }
    spec.set("ports", ports);
    return ctx.componentObject(c, "v1", "Service", c.name(), spec, "spec");
  }

  private static RenderedObject ingress(RenderContext ctx, ComponentSpec c) {
    IngressAddon addon = ctx.addons().ingress();
    String host = ctx.host(c);
    boolean tls = c.ingress().tls();
    RenderedObject obj = ctx.componentObject(c, "networking.k8s.io/v1", "Ingress", c.name(), null, null);
    ObjectNode annotations = (ObjectNode) obj.body().get("metadata").get("annotations");
    if (addon.isAlb()) {
      TreeMap<String, String> a = new TreeMap<>();
      String scheme = c.ingress().publicFacing() == null ? addon.scheme()
          : c.ingress().publicFacing() ? "internet-facing" : "internal";
      a.put("alb.ingress.kubernetes.io/scheme", scheme);
      a.put("alb.ingress.kubernetes.io/target-type", addon.targetType());
      a.put("alb.ingress.kubernetes.io/group.name", ctx.fill(addon.group()));
      a.put("alb.ingress.kubernetes.io/group.order", Integer.toString(groupOrder(c.ingress().path())));
      a.put("alb.ingress.kubernetes.io/target-group-attributes",
          "deregistration_delay.timeout_seconds=" + DEREGISTRATION_DELAY_SECONDS);
      if (addon.ipAddressType() != null) {
        a.put("alb.ingress.kubernetes.io/ip-address-type", addon.ipAddressType());
      }
      if (!addon.inboundCidrs().isEmpty()) {
        a.put("alb.ingress.kubernetes.io/inbound-cidrs", String.join(",", addon.inboundCidrs()));
      }
      if (c.probes().readiness() != null && c.probes().readiness().path() != null) {
        a.put("alb.ingress.kubernetes.io/healthcheck-path", c.probes().readiness().path());
      }
      if (tls) {
        a.put("alb.ingress.kubernetes.io/listen-ports", "[{\"HTTP\": 80}, {\"HTTPS\": 443}]");
        a.put("alb.ingress.kubernetes.io/ssl-redirect", "443");
        if (addon.certificateArn() != null) {
          a.put("alb.ingress.kubernetes.io/certificate-arn", ctx.fill(addon.certificateArn()));
        }
        if (addon.sslPolicy() != null) {
          a.put("alb.ingress.kubernetes.io/ssl-policy", addon.sslPolicy());
        }
      } else {
        a.put("alb.ingress.kubernetes.io/listen-ports", "[{\"HTTP\": 80}]");
      }
      a.forEach(annotations::put);
    }
    ObjectNode spec = Json.obj();
    spec.put("ingressClassName", addon.className());
    if (tls) {
      ObjectNode t = Json.obj();
      t.set("hosts", Json.arr().add(host));
      if (!addon.isAlb()) {
        // Other controllers terminate TLS from a Secret (cert-manager fills it); ALB uses ACM by host.
        t.put("secretName", c.name() + "-tls");
      }
      spec.set("tls", Json.arr().add(t));
    }
    ObjectNode backend = Json.obj().set("service",
        Json.obj().put("name", c.name()).set("port", Json.obj("name", WorkloadRenderer.portName(c))));
    ObjectNode path = Json.obj().put("path", c.ingress().path()).put("pathType", "Prefix");
    path.set("backend", backend);
    ObjectNode rule = Json.obj().put("host", host);
    rule.set("http", Json.obj().set("paths", Json.arr().add(path)));
    spec.set("rules", Json.arr().add(rule));
    obj.body().set("spec", spec);
    return obj;
  }

  /**
   * Allows inbound traffic to a component from the components that depend on it, from the ingress
   * controller when it has an ingress, and from the monitoring namespace on its metrics port.
   */
  private static RenderedObject networkPolicy(RenderContext ctx, ComponentSpec c) {
    ArrayNode rules = Json.arr();
    List<Integer> servicePorts = new java.util.ArrayList<>();
    if (c.port() != null) {
      servicePorts.add(c.port());
    }
    servicePorts.addAll(c.ports().values());
    ArrayNode dependents = Json.arr();
    for (ComponentSpec other : ctx.components()) {
      if (other.dependsOn().contains(c.name())) {
        dependents.add(Json.obj().set("podSelector", Json.obj().set("matchLabels", Json.map(Labels.selector(ctx.appName(), other.name())))));
      }
    }
    if (!dependents.isEmpty() && !servicePorts.isEmpty()) {
      rules.add(rule(dependents, servicePorts));
    }
    if (c.port() != null) {
      IngressAddon addon = ctx.addons().ingress();
      if (c.ingress() != null && addon != null) {
        ArrayNode src = Json.arr();
        if (addon.isAlb()) {
          // The ALB connects from addresses in its own subnets. Without subnetCidrs the rule admits
          // sourceCidrs, and a VPC-wide block there admits every pod in the VPC as well (VPC CNI).
          List<String> cidrs = addon.subnetCidrs().isEmpty() ? addon.sourceCidrs() : addon.subnetCidrs();
          cidrs.forEach(cidr -> src.add(Json.obj().set("ipBlock", Json.obj("cidr", cidr))));
        } else {
          src.add(namespaceSelector(addon.controllerNamespace()));
        }
        rules.add(rule(src, List.of(c.port())));
      }
    }
    var metrics = ctx.addons().metrics();
    if (c.metrics() != null && metrics != null && metrics.serviceMonitor()) {
      int port = c.metrics().port() != null ? c.metrics().port() : c.port() != null ? c.port() : 0;
      if (port > 0) {
        rules.add(rule(Json.arr().add(namespaceSelector(metrics.namespace())), List.of(port)));
      }
    }
    if (rules.isEmpty()) {
      return null;
    }
    ObjectNode spec = Json.obj();
    spec.set("podSelector", Json.obj().set("matchLabels", Json.map(Labels.selector(ctx.appName(), c.name()))));
    spec.set("policyTypes", Json.arr().add("Ingress"));
    spec.set("ingress", rules);
    return ctx.componentObject(c, "networking.k8s.io/v1", "NetworkPolicy", c.name(), spec, "spec");
  }

  private static ObjectNode namespaceSelector(String namespace) {
    return Json.obj().set("namespaceSelector",
        Json.obj().set("matchLabels", Json.obj("kubernetes.io/metadata.name", namespace)));
  }

  private static ObjectNode rule(ArrayNode from, List<Integer> ports) {
    ObjectNode r = Json.obj();
    r.set("from", from);
    ArrayNode p = Json.arr();
    ports.forEach(port -> p.add(Json.obj().put("protocol", "TCP").put("port", port)));
    r.set("ports", p);
    return r;
  }
}
