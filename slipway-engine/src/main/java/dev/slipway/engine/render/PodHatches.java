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
 * constraints, the main container's hooks and the pod's extra labels and annotations. The same
 * code serves a built-in component's one pod template and every pod template a platform type
 * renders ({@link TypedHatches}).
 */
final class PodHatches {
  private PodHatches() {}

  /**
   * The pod a set of hatches applies to.
   *
   * @param component the component's name, for positions and field paths
   * @param selector the labels that select exactly the component's pods here: a spread constraint's default, and what
   *     {@code podLabels} may not change
   * @param port the port an HTTP hook gets when it names none (null: it must name one)
   * @param workload the object whose pod template this is ({@code Deployment/web}), for messages
   */
  record Target(String component, EscapeHatches hatches, ObjectNode template, java.util.SortedMap<String, String> selector, Integer port,
      String workload) {
    /** Whether the pods run to completion: a container that keeps running never lets them. */
    boolean job() {
      return workload.startsWith("Job/") || workload.startsWith("CronJob/");
    }
  }

  static void apply(RenderContext ctx, ComponentSpec c, ObjectNode template) {
    String kind = switch (c.type()) {
      case POSTGRES, REDIS -> "StatefulSet";
      case JOB -> "CronJob";
      default -> "Deployment";
    };
    apply(ctx, new Target(c.name(), c.hatches(), template, Labels.selector(ctx.appName(), c.name()), c.port(), kind + "/" + c.name()));
  }

  static void apply(RenderContext ctx, Target t) {
    EscapeHatches h = t.hatches();
    if (h == null || h.isEmpty()) {
      return;
    }
    ObjectNode template = t.template();
    ObjectNode meta = template.with("metadata");
    ObjectNode spec = template.with("spec");
    h.podLabels().forEach((k, v) -> {
      String selects = t.selector().get(k);
      if (selects != null && !selects.equals(v)) {
        ctx.problems().error("spec.reserved-label", ctx.position(t.component(), "podLabels." + k), "spec.components." + t.component()
            + ".podLabels." + k, "label '" + k + "' selects the component's pods (" + k + "=" + selects + "), so it cannot be set to '"
            + v + "' here (choose another key)");
        return;
      }
      meta.with("labels").put(k, v);
    });
    h.podAnnotations().forEach((k, v) -> meta.with("annotations").put(k, v));
    if (!h.nodeSelector().isEmpty()) {
      spec.set("nodeSelector", Json.map(h.nodeSelector()));
    }
    if (!h.tolerations().isEmpty()) {
      ArrayNode list = spec.putArray("tolerations");
      for (var tol : h.tolerations()) {
        ObjectNode o = list.addObject();
        if (tol.key() != null) {
          o.put("key", tol.key());
        }
        o.put("operator", tol.operator());
        if (tol.value() != null) {
          o.put("value", tol.value());
        }
        if (tol.effect() != null) {
          o.put("effect", tol.effect());
        }
        if (tol.tolerationSeconds() != null) {
          o.put("tolerationSeconds", tol.tolerationSeconds());
        }
      }
    }
    if (h.affinity() != null) {
      spec.set("affinity", JsonView.of(h.affinity()));
    }
    spread(ctx, t, spec);
    lifecycle(ctx, t, spec);
    containers(ctx, t, spec);
  }

  /** The user's constraints; one on the same key as Slipway's production zone spread replaces it. */
  private static void spread(RenderContext ctx, Target t, ObjectNode spec) {
    EscapeHatches h = t.hatches();
    if (h.topologySpread().isEmpty()) {
      return;
    }
    ArrayNode out = Json.arr();
    Set<String> keys = new HashSet<>();
    h.topologySpread().forEach(s -> keys.add(s.topologyKey()));
    for (JsonNode existing : spec.path("topologySpreadConstraints")) {
      if (!keys.contains(existing.path("topologyKey").asText())) {
        out.add(existing);
      }
    }
    for (int i = 0; i < h.topologySpread().size(); i++) {
      var s = h.topologySpread().get(i);
      ObjectNode o = out.addObject().put("maxSkew", s.maxSkew()).put("topologyKey", s.topologyKey())
          .put("whenUnsatisfiable", s.whenUnsatisfiable());
      TreeMap<String, String> match = s.matchLabels() != null ? new TreeMap<>(s.matchLabels()) : new TreeMap<>(t.selector());
      if (match.isEmpty()) {
        // An empty selector would spread against every pod of the namespace.
        ctx.problems().error("spec.required", ctx.position(t.component(), "topologySpread"), "spec.components." + t.component()
            + ".topologySpread[" + i + "].matchLabels", "the pod template of component '" + t.component() + "' has no labels and its"
            + " workload no selector, so nothing selects its own pods: give matchLabels");
      }
      o.set("labelSelector", Json.obj().set("matchLabels", Json.map(match)));
    }
    spec.set("topologySpreadConstraints", out);
  }

  /** The container the hooks are for: the one named after the component, else the first. */
  static ObjectNode mainContainer(ObjectNode podSpec, String component) {
    for (JsonNode k : podSpec.path("containers")) {
      if (k.path("name").asText().equals(component) && k instanceof ObjectNode o) {
        return o;
      }
    }
    return podSpec.path("containers").get(0) instanceof ObjectNode o ? o : null;
  }

  /**
   * The user's hooks replace Slipway's ({@code preStop} replaces the ALB drain sleep), and the
   * grace period covers a {@code preStop} sleep: 10 seconds beyond it, never less than what
   * Slipway set (or Kubernetes' 30 seconds), unless {@code terminationGracePeriodSeconds} says.
   */
  private static void lifecycle(RenderContext ctx, Target t, ObjectNode spec) {
    var l = t.hatches().lifecycle();
    if (l == null) {
      return;
    }
    ObjectNode main = mainContainer(spec, t.component());
    if (main == null) {
      ctx.problems().error("spec.invalid-value", ctx.position(t.component(), "lifecycle"), "spec.components." + t.component()
          + ".lifecycle", "the pod template of component '" + t.component() + "' has no container to give the hooks to");
      return;
    }
    ObjectNode hooks = main.get("lifecycle") instanceof ObjectNode o ? o : Json.obj();
    if (l.preStop() != null) {
      hooks.set("preStop", hook(ctx, t, l.preStop(), "lifecycle.preStop"));
    }
    if (l.postStart() != null) {
      hooks.set("postStart", hook(ctx, t, l.postStart(), "lifecycle.postStart"));
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

  private static ObjectNode hook(RenderContext ctx, Target t, Hook hook, String field) {
    if (!hook.exec().isEmpty()) {
      return Json.obj().set("exec", Json.obj().set("command", Json.strings(hook.exec())));
    }
    if (hook.sleepSeconds() != null) {
      return Json.obj().set("sleep", Json.obj().put("seconds", hook.sleepSeconds()));
    }
    Integer port = hook.httpPort() != null ? hook.httpPort() : t.port();
    if (port == null) {
      ctx.problems().error("spec.required", ctx.position(t.component(), field + ".httpGet"), "spec.components." + t.component() + "."
          + field + ".httpGet.port", "an HTTP hook needs a port: the main container of " + t.workload() + " has none, so set httpGet.port");
      port = 1;
    }
    return Json.obj().set("httpGet", Json.obj().put("path", hook.httpPath()).put("port", port));
  }

  private static void containers(RenderContext ctx, Target t, ObjectNode spec) {
    EscapeHatches h = t.hatches();
    if (h.sidecars().isEmpty() && h.initContainers().isEmpty()) {
      return;
    }
    Set<String> volumes = new HashSet<>();
    spec.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
    // A type's pod may have containers of its own besides the main one; the binder knew only the main one's name.
    Set<String> names = new HashSet<>();
    for (String key : List.of("containers", "initContainers")) {
      spec.path(key).forEach(k -> names.add(k.path("name").asText()));
    }
    for (String field : List.of("sidecars", "initContainers")) {
      List<Container> list = field.equals("sidecars") ? h.sidecars() : h.initContainers();
      for (int i = 0; i < list.size(); i++) {
        if (names.contains(list.get(i).name())) {
          ctx.problems().error("spec.duplicate-name", ctx.position(t.component(), field), "spec.components." + t.component() + "." + field
              + "[" + i + "].name", "container name '" + list.get(i).name() + "' is already used in the pod of " + t.workload()
              + " (its containers: " + String.join(", ", new java.util.TreeSet<>(names)) + ")");
        }
      }
    }
    if (t.job()) {
      for (int i = 0; i < h.sidecars().size(); i++) {
        Container k = h.sidecars().get(i);
        if (!k.nativeSidecar()) {
          // Kubernetes counts a Job's pod done when its containers have exited: one that serves forever keeps it running.
          ctx.problems().error("spec.invalid-value", ctx.position(t.component(), "sidecars"), "spec.components." + t.component()
              + ".sidecars[" + i + "].native", "sidecar '" + k.name() + "' would keep the pods of " + t.workload() + " from ever completing:"
              + " set native: true (a native sidecar is stopped when the Job's containers are done)");
        }
      }
    }
    ArrayNode init = spec.get("initContainers") instanceof ArrayNode a ? a : Json.arr();
    ArrayNode regular = spec.withArray("containers");
    List<Container> ordered = new java.util.ArrayList<>(h.sidecars().stream().filter(Container::nativeSidecar).toList());
    ordered.addAll(h.initContainers());
    for (Container k : ordered) {
      ObjectNode o = container(ctx, t.component(), k, volumes, h.initContainers().contains(k) ? "initContainers" : "sidecars");
      if (k.nativeSidecar()) {
        o.put("restartPolicy", "Always");
      }
      init.add(o);
    }
    for (Container k : h.sidecars()) {
      if (!k.nativeSidecar()) {
        regular.add(container(ctx, t.component(), k, volumes, "sidecars"));
      }
    }
    if (!init.isEmpty()) {
      spec.set("initContainers", init);
    }
    ArrayNode v = spec.withArray("volumes");
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

  private static ObjectNode container(RenderContext ctx, String component, Container k, Set<String> volumes, String field) {
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
    // An extra container's HTTP and TCP probes name their port (the binder requires it).
    WorkloadRenderer.probe(o, "livenessProbe", k.probes().liveness(), (Integer) null);
    WorkloadRenderer.probe(o, "readinessProbe", k.probes().readiness(), (Integer) null);
    WorkloadRenderer.probe(o, "startupProbe", k.probes().startup(), (Integer) null);
    o.set("securityContext", WorkloadRenderer.containerSecurity(k.security()));
    ArrayNode mounts = o.putArray("volumeMounts");
    mounts.add(Json.obj().put("name", tmpVolume(k)).put("mountPath", "/tmp"));
    k.volumeMounts().forEach((volume, path) -> {
      if (!volumes.contains(volume)) {
        ctx.problems().error("spec.unknown-volume", ctx.position(component, field), "spec.components." + component + "." + field + "." + k.name()
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
