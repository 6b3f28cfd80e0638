package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.EscapeHatches;
import dev.slipway.model.spec.EscapeHatches.Container;
import dev.slipway.model.spec.EscapeHatches.Hook;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Puts a component's pod-level escape hatches into its pod template: sidecars and init
 * containers (with the main container's secure defaults: every capability dropped, a read-only
 * root file system with a writable {@code /tmp} of their own, requests and limits), scheduling
 * constraints, the main container's hooks and the pod's extra labels and annotations.
 */
final class PodHatches {
  private PodHatches() {}

  static void apply(RenderContext ctx, ComponentSpec c, ObjectNode template) {
    EscapeHatches h = c.hatches();
    if (h == null || h.isEmpty()) {
      return;
    }
    ObjectNode meta = (ObjectNode) template.get("metadata");
    ObjectNode spec = (ObjectNode) template.get("spec");
    h.podLabels().forEach((k, v) -> meta.with("labels").put(k, v));
    h.podAnnotations().forEach((k, v) -> meta.with("annotations").put(k, v));
    if (!h.nodeSelector().isEmpty()) {
      spec.set("nodeSelector", Json.map(h.nodeSelector()));
    }
    if (!h.tolerations().isEmpty()) {
      ArrayNode list = spec.putArray("tolerations");
      for (var t : h.tolerations()) {
        ObjectNode o = list.addObject();
        if (t.key() != null) {
          o.put("key", t.key());
        }
        o.put("operator", t.operator());
        if (t.value() != null) {
          o.put("value", t.value());
        }
        if (t.effect() != null) {
          o.put("effect", t.effect());
        }
        if (t.tolerationSeconds() != null) {
          o.put("tolerationSeconds", t.tolerationSeconds());
        }
      }
    }
    if (h.affinity() != null) {
      spec.set("affinity", JsonView.of(h.affinity()));
    }
    spread(ctx, c, h, spec);
    lifecycle(ctx, c, h, spec);
    containers(ctx, c, h, spec);
  }

  /** The user's constraints; one on the same key as Slipway's production zone spread replaces it. */
  private static void spread(RenderContext ctx, ComponentSpec c, EscapeHatches h, ObjectNode spec) {
    if (h.topologySpread().isEmpty()) {
      return;
    }
    ArrayNode out = Json.arr();
    Set<String> keys = new HashSet<>();
    h.topologySpread().forEach(t -> keys.add(t.topologyKey()));
    for (JsonNode existing : spec.path("topologySpreadConstraints")) {
      if (!keys.contains(existing.path("topologyKey").asText())) {
        out.add(existing);
      }
    }
    for (var t : h.topologySpread()) {
      ObjectNode o = out.addObject().put("maxSkew", t.maxSkew()).put("topologyKey", t.topologyKey())
          .put("whenUnsatisfiable", t.whenUnsatisfiable());
      TreeMap<String, String> match = t.matchLabels() != null ? new TreeMap<>(t.matchLabels()) : Labels.selector(ctx.appName(), c.name());
      o.set("labelSelector", Json.obj().set("matchLabels", Json.map(match)));
    }
    spec.set("topologySpreadConstraints", out);
  }

  /**
   * The user's hooks replace Slipway's ({@code preStop} replaces the ALB drain sleep), and the
   * grace period covers a {@code preStop} sleep: 10 seconds beyond it, never less than what
   * Slipway set (or Kubernetes' 30 seconds), unless {@code terminationGracePeriodSeconds} says.
   */
  private static void lifecycle(RenderContext ctx, ComponentSpec c, EscapeHatches h, ObjectNode spec) {
    var l = h.lifecycle();
    if (l == null) {
      return;
    }
    ObjectNode main = (ObjectNode) spec.path("containers").get(0);
    ObjectNode hooks = main.get("lifecycle") instanceof ObjectNode o ? o : Json.obj();
    if (l.preStop() != null) {
      hooks.set("preStop", hook(ctx, c, l.preStop(), "lifecycle.preStop"));
    }
    if (l.postStart() != null) {
      hooks.set("postStart", hook(ctx, c, l.postStart(), "lifecycle.postStart"));
    }
    if (!hooks.isEmpty()) {
      main.set("lifecycle", hooks);
    }
    int current = spec.path("terminationGracePeriodSeconds").asInt(30);
    Integer grace = l.terminationGracePeriodSeconds();
    if (grace == null && l.preStop() != null && l.preStop().sleepSeconds() != null) {
      grace = Math.max(current, l.preStop().sleepSeconds() + 10);
    }
    if (grace != null) {
      spec.put("terminationGracePeriodSeconds", grace);
    }
  }

  private static ObjectNode hook(RenderContext ctx, ComponentSpec c, Hook hook, String field) {
    if (!hook.exec().isEmpty()) {
      return Json.obj().set("exec", Json.obj().set("command", Json.strings(hook.exec())));
    }
    if (hook.sleepSeconds() != null) {
      return Json.obj().set("sleep", Json.obj().put("seconds", hook.sleepSeconds()));
    }
    Integer port = hook.httpPort() != null ? hook.httpPort() : c.port();
    if (port == null) {
      ctx.problems().error("spec.required", ctx.position(c, field + ".httpGet"), "spec.components." + c.name() + "." + field + ".httpGet.port",
          "an HTTP hook needs a port: the component has none, so set httpGet.port");
      port = 1;
    }
    return Json.obj().set("httpGet", Json.obj().put("path", hook.httpPath()).put("port", port));
  }

  private static void containers(RenderContext ctx, ComponentSpec c, EscapeHatches h, ObjectNode spec) {
    if (h.sidecars().isEmpty() && h.initContainers().isEmpty()) {
      return;
    }
    Set<String> volumes = new HashSet<>();
    spec.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
    ArrayNode init = Json.arr();
    ArrayNode regular = (ArrayNode) spec.get("containers");
    List<Container> ordered = new java.util.ArrayList<>(h.sidecars().stream().filter(Container::nativeSidecar).toList());
    ordered.addAll(h.initContainers());
    for (Container k : ordered) {
      ObjectNode o = container(ctx, c, k, volumes, h.initContainers().contains(k) ? "initContainers" : "sidecars");
      if (k.nativeSidecar()) {
        o.put("restartPolicy", "Always");
      }
      init.add(o);
    }
    for (Container k : h.sidecars()) {
      if (!k.nativeSidecar()) {
        regular.add(container(ctx, c, k, volumes, "sidecars"));
      }
    }
    if (!init.isEmpty()) {
      spec.set("initContainers", init);
    }
    ArrayNode v = (ArrayNode) spec.get("volumes");
    for (Container k : all(h)) {
      v.add(Json.obj().put("name", tmpVolume(k)).set("emptyDir", Json.obj()));
    }
  }

  private static List<Container> all(EscapeHatches h) {
    List<Container> out = new java.util.ArrayList<>(h.sidecars());
    out.addAll(h.initContainers());
    return out;
  }

  /** Each extra container's own writable {@code /tmp}, so a read-only root file system stays workable without sharing the main one's. */
  static String tmpVolume(Container k) {
    String name = "tmp-" + k.name();
    return name.length() <= 63 ? name : name.substring(0, 63).replaceAll("-+$", "");
  }

  private static ObjectNode container(RenderContext ctx, ComponentSpec c, Container k, Set<String> volumes, String field) {
    ObjectNode o = Json.obj().put("name", k.name()).put("image", k.image()).put("imagePullPolicy", "IfNotPresent");
    if (!k.command().isEmpty()) {
      o.set("command", Json.strings(k.command()));
    }
    if (!k.args().isEmpty()) {
      o.set("args", Json.strings(k.args()));
    }
    if (!k.ports().isEmpty()) {
      ArrayNode ports = o.putArray("ports");
      k.ports().forEach((name, number) -> ports.add(Json.obj().put("name", name).put("containerPort", number).put("protocol", "TCP")));
    }
    if (!k.env().isEmpty()) {
      ArrayNode env = o.putArray("env");
      k.env().forEach((name, value) -> env.add(Json.obj().put("name", name).put("value", value)));
    }
    ObjectNode resources = o.putObject("resources");
    TreeMap<String, String> limits = new TreeMap<>();
    TreeMap<String, String> requests = new TreeMap<>();
    put(limits, "cpu", k.resources().cpuLimit());
    put(limits, "memory", k.resources().memoryLimit());
    put(requests, "cpu", k.resources().cpu());
    put(requests, "memory", k.resources().memory());
    resources.set("limits", Json.map(limits));
    resources.set("requests", Json.map(requests));
    WorkloadRenderer.probe(o, "livenessProbe", k.probes().liveness(), c);
    WorkloadRenderer.probe(o, "readinessProbe", k.probes().readiness(), c);
    WorkloadRenderer.probe(o, "startupProbe", k.probes().startup(), c);
    o.set("securityContext", WorkloadRenderer.containerSecurity(k.security()));
    ArrayNode mounts = o.putArray("volumeMounts");
    mounts.add(Json.obj().put("name", tmpVolume(k)).put("mountPath", "/tmp"));
    k.volumeMounts().forEach((volume, path) -> {
      if (!volumes.contains(volume)) {
        ctx.problems().error("spec.unknown-volume", ctx.position(c, field), "spec.components." + c.name() + "." + field + "." + k.name()
            + ".volumeMounts." + volume, "container '" + k.name() + "' mounts volume '" + volume + "', which the pod does not have;"
            + " volumes: " + String.join(", ", new java.util.TreeSet<>(volumes)));
      }
      mounts.add(Json.obj().put("name", volume).put("mountPath", path));
    });
    return o;
  }

  private static void put(TreeMap<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
