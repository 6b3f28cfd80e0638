package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.policy.PodSpecs;
import dev.slipway.model.spec.EscapeHatches;
import dev.slipway.model.spec.TypedComponent;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Applies the escape hatches of a component of a platform-defined type to what its type rendered,
 * as {@link PodHatches} and {@link Patches} do for a built-in component: the pod-level hatches to
 * the pod template of every workload the type renders for the component (a type may render
 * several, such as a database and a migration Job: they are all the component's pods), then the
 * patches, in the order written. A type knows nothing of the hatches, so the checks a built-in
 * type gets from the binder (a container name taken, a label that selects the pods) are made here
 * against the rendered pods.
 */
final class TypedHatches {
  /** The kinds whose pod template the pod-level hatches go into (what {@link PodSpecs} finds, but a bare Pod). */
  /** The kinds with a pod template a platform type can render (the namespaced workloads Slipway manages). */
  static final List<String> WORKLOADS = List.of("Deployment", "StatefulSet", "CronJob");

  private TypedHatches() {}

  /** The pod-level hatches, each with whether a component sets it. */
  private static Map<String, Predicate<EscapeHatches>> podLevel() {
    Map<String, Predicate<EscapeHatches>> m = new LinkedHashMap<>();
    m.put("sidecars", h -> !h.sidecars().isEmpty());
    m.put("initContainers", h -> !h.initContainers().isEmpty());
    m.put("nodeSelector", h -> !h.nodeSelector().isEmpty());
    m.put("tolerations", h -> !h.tolerations().isEmpty());
    m.put("affinity", h -> h.affinity() != null);
    m.put("topologySpread", h -> !h.topologySpread().isEmpty());
    m.put("lifecycle", h -> h.lifecycle() != null);
    m.put("podAnnotations", h -> !h.podAnnotations().isEmpty());
    m.put("podLabels", h -> !h.podLabels().isEmpty());
    return m;
  }

  /**
   * Applies {@code c}'s pod-level hatches and patches to its objects in {@code out}; returns, for
   * each object a patch changed (keyed as {@link Patches#key}), which patches did.
   */
  static Map<String, String> apply(RenderContext ctx, TypedComponent c, List<RenderedObject> out) {
    EscapeHatches h = c.hatches();
    if (h.isEmpty()) {
      return Map.of();
    }
    List<RenderedObject> workloads = out.stream().filter(o -> c.name().equals(o.component()) && WORKLOADS.contains(o.kind())
        && PodSpecs.find(o.body()) != null).toList();
    if (workloads.isEmpty()) {
      noPodTemplate(ctx, c, out);
    }
    for (RenderedObject w : workloads) {
      PodSpecs.Located pod = PodSpecs.find(w.body());
      ObjectNode template = (ObjectNode) at(w.body(), pod.path().substring(0, pod.path().lastIndexOf('.')));
      ObjectNode main = PodHatches.mainContainer((ObjectNode) pod.spec(), c.name());
      PodHatches.apply(ctx, new PodHatches.Target(c.name(), h, template, selector(w.body(), template), firstPort(main),
          w.kind() + "/" + w.name()));
    }
    return Patches.apply(ctx, c.name(), h, out);
  }

  /**
   * A pod-level hatch set on a component whose type renders no pod template is an error at the
   * field, unless every value of it is the environment's default: a default for the pods of
   * every component means nothing to a component without pods.
   */
  private static void noPodTemplate(RenderContext ctx, TypedComponent c, List<RenderedObject> out) {
    SpecNode tree = ctx.app().trees().get(c.name());
    List<String> renders = out.stream().filter(o -> c.name().equals(o.component())).map(o -> o.kind() + "/" + o.name()).sorted().toList();
    for (var e : podLevel().entrySet()) {
      String field = e.getKey();
      if (!e.getValue().test(c.hatches()) || tree instanceof MapNode m && onlyPlatformDefaults(m.get(field))) {
        continue;
      }
      ctx.problems().error("spec.no-pod-template", ctx.position(c.name(), field), "spec.components." + c.name() + "." + field,
          "component '" + c.name() + "' of type " + c.type() + " renders no pod template (it renders "
              + (renders.isEmpty() ? "nothing here" : String.join(", ", renders)) + "), so " + field + " has no pods to apply to;"
              + " it applies to the pods of a " + String.join(", ", WORKLOADS.subList(0, WORKLOADS.size() - 1)) + " or "
              + WORKLOADS.get(WORKLOADS.size() - 1));
    }
  }

  private static boolean onlyPlatformDefaults(SpecNode n) {
    if (n == null) {
      return true;
    }
    if (n instanceof MapNode m && !m.entries().isEmpty()) {
      return m.entries().values().stream().allMatch(TypedHatches::onlyPlatformDefaults);
    }
    if (n instanceof ListNode l && !l.items().isEmpty()) {
      return l.items().stream().allMatch(TypedHatches::onlyPlatformDefaults);
    }
    return n.origin().layer() == Layer.PLATFORM;
  }

  private static JsonNode at(JsonNode body, String dotted) {
    JsonNode n = body;
    for (String p : dotted.split("\\.")) {
      n = n.path(p);
    }
    return n;
  }

  /**
   * What selects the workload's pods: its {@code spec.selector.matchLabels}, or for a Job or
   * CronJob (which select their pods themselves) the pod template's labels as the type wrote them.
   */
  private static TreeMap<String, String> selector(JsonNode workload, ObjectNode template) {
    TreeMap<String, String> out = new TreeMap<>();
    JsonNode match = workload.path("spec").path("selector").path("matchLabels");
    JsonNode labels = match.isObject() && !match.isEmpty() ? match : template.path("metadata").path("labels");
    labels.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** The main container's first numbered port: what an HTTP hook without a port calls. */
  private static Integer firstPort(ObjectNode main) {
    List<Integer> ports = new ArrayList<>();
    if (main != null) {
      main.path("ports").forEach(p -> {
        if (p.path("containerPort").canConvertToInt() && p.path("containerPort").isNumber()) {
          ports.add(p.path("containerPort").asInt());
        }
      });
    }
    return ports.isEmpty() ? null : ports.get(0);
  }
}
