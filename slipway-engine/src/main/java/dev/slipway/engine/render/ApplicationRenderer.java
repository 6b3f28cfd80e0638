package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.types.CompiledType;
import dev.slipway.engine.types.PlatformTypes;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.spec.TypedComponent;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.PlatformSpec;
import java.util.ArrayList;
import dev.slipway.model.Diagnostics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders every object one application needs in one environment. Pure: resolved spec in,
 * objects out, in sync order. What it does not emit, sync may prune.
 */
public final class ApplicationRenderer {
  private ApplicationRenderer() {}

  /**
   * Renders the application. What its escape hatches could not do (a patch that does not apply,
   * a manifest that cannot be placed) is left out: {@code plan} reports it first and renders
   * nothing then. A component of a platform type that fails to render is a bug here, since plan
   * checks the same, and throws rather than leave objects out that a sync would then prune.
   */
  public static ApplicationBundle render(PlatformSpec platform, ResolvedApplication app) {
    List<dev.slipway.model.Diagnostic> typeProblems = new ArrayList<>();
    ApplicationBundle b = render(platform, app, app.typed().isEmpty() ? PlatformTypes.NONE
        : PlatformTypes.compile(platform, new Diagnostics()), new Diagnostics(), typeProblems);
    if (!typeProblems.isEmpty()) {
      throw new IllegalStateException("components of platform types failed to render: " + typeProblems);
    }
    return b;
  }

  /** Whether the application has escape hatches that can fail only when rendered (patches, extra manifests). */
  public static boolean checksWhenRendered(ResolvedApplication app) {
    // A platform type's pods are known only once rendered: every hatch of its components is checked against them.
    return app.typed().stream().anyMatch(c -> !c.hatches().isEmpty()) || app.components().stream().anyMatch(c -> c.hatches() != null
        && (!c.hatches().patches().isEmpty() || !c.hatches().extraManifests().isEmpty() || !c.hatches().sidecars().isEmpty()
            || !c.hatches().initContainers().isEmpty() || c.hatches().lifecycle() != null));
  }

  /**
   * Renders with the platform's component types compiled once ({@code types}). What the escape
   * hatches could not do is added to {@code hatchProblems}; expressions of platform types that
   * fail for this application's values are added to {@code typeProblems}, and their component
   * renders nothing.
   */
  public static ApplicationBundle render(PlatformSpec platform, ResolvedApplication app, PlatformTypes types, Diagnostics hatchProblems,
      List<dev.slipway.model.Diagnostic> typeProblems) {
    RenderContext ctx = new RenderContext(platform, app.environment(), app, hatchProblems);
    List<RenderedObject> out = new ArrayList<>();
    Map<String, String> notes = new TreeMap<>();
    if (ownsNamespace(app)) {
      out.add(namespace(ctx));
    }
    out.add(TrafficRenderer.defaultDeny(ctx));
    if (SecretsRenderer.needed(ctx) && ctx.addons().secrets() != null) {
      SecretsRenderer.renderStore(ctx, out);
    }
    for (ComponentSpec c : app.components()) {
      WorkloadRenderer.render(ctx, c, out);
      if (ctx.addons().secrets() != null) {
        SecretsRenderer.render(ctx, c, out);
      }
      TrafficRenderer.render(ctx, c, out);
      ScalingRenderer.render(ctx, c, out);
      ObservabilityRenderer.renderServiceMonitor(ctx, c, out);
      if (c.hatches() != null) {
        notes.putAll(Patches.apply(ctx, c, out));
      }
      dev.slipway.engine.rollout.RolloutShaper.steady(c, out);
    }
    ObservabilityRenderer.renderAppWide(ctx, out);
    // After every object Slipway renders itself, so that neither a type's template nor a manifest
    // can take the name of one unnoticed.
    for (TypedComponent c : app.typed()) {
      CompiledType type = types.get(c.type());
      if (type != null) {
        int failures = typeProblems.size();
        PlatformTypeRenderer.render(ctx, type, c, out, typeProblems);
        if (typeProblems.size() == failures) {
          // The hatches apply to what the type rendered; a component that failed to render is reported as that alone.
          notes.putAll(TypedHatches.apply(ctx, c, out));
        }
      }
    }
    int extraWave = ExtraManifests.wave(app.components());
    for (ComponentSpec c : app.components()) {
      if (c.hatches() != null) {
        notes.putAll(ExtraManifests.render(ctx, c, extraWave, out));
      }
    }
    for (TypedComponent c : app.typed()) {
      notes.putAll(ExtraManifests.render(ctx, c.name(), c.hatches(), false, extraWave, out));
    }
    duplicates(app, out, hatchProblems, typeProblems);
    ArgoSyncWave.annotate(out, false);
    out.forEach(o -> sortMetadata(o.body()));
    out.sort(KindOrder.SYNC_ORDER);
    return new ApplicationBundle(app.environment().name(), app.name(), app.namespace(), List.copyOf(out), sources(app, out, notes));
  }

  /**
   * Two objects of one kind and name would be applied over each other: one would be lost, and the
   * two would show as drift for ever. A platform type's template is the platform team's to fix
   * ({@code render.*}, which blocks everywhere); anything else is the application's (a spec error).
   */
  private static void duplicates(ResolvedApplication app, List<RenderedObject> out, Diagnostics hatchProblems,
      List<dev.slipway.model.Diagnostic> typeProblems) {
    Map<String, RenderedObject> seen = new java.util.HashMap<>();
    java.util.Set<String> typed = new java.util.HashSet<>();
    app.typed().forEach(t -> typed.add(t.name()));
    for (RenderedObject o : out) {
      RenderedObject first = seen.putIfAbsent(o.kind() + "/" + o.namespace() + "/" + o.name(), o);
      if (first == null) {
        continue;
      }
      String message = o.kind() + "/" + o.name() + " is rendered twice in application " + app.name() + ", by " + origin(first)
          + " and by " + origin(o) + "; one would overwrite the other (rename one)";
      if (typed.contains(o.component()) || typed.contains(first.component())) {
        typeProblems.add(dev.slipway.model.Diagnostic.error("render.duplicate-object", app.app().position(), "spec.components", message));
      } else {
        hatchProblems.error("spec.duplicate-name", app.app().position(), "spec.components", message);
      }
    }
  }

  private static String origin(RenderedObject o) {
    return o.component() == null ? "the application" : "component " + o.component();
  }

  /**
   * Notes of patched and added objects by their final reference: a delivery strategy renames the
   * component's Deployment after its revision and copies its Service and Ingress (preview,
   * canary), and the copies carry the patch too.
   */
  private static Map<String, String> sources(ResolvedApplication app, List<RenderedObject> out, Map<String, String> notes) {
    Map<String, String> sources = new TreeMap<>();
    if (notes.isEmpty()) {
      return sources;
    }
    for (RenderedObject o : out) {
      if (o.component() == null) {
        continue;
      }
      String note = notes.get(Patches.key(o.component(), o.kind(), o.name()));
      if (note == null) {
        String c = o.component();
        boolean shaped = o.name().equals(dev.slipway.engine.rollout.RolloutShaper.preview(c))
            || o.name().equals(dev.slipway.engine.rollout.RolloutShaper.canaryService(c))
            || o.kind().equals("Deployment") && o.name().startsWith(c + "-");
        note = shaped ? notes.get(Patches.key(c, o.kind(), c)) : null;
      }
      if (note != null) {
        sources.put(o.ref(), note.startsWith("from ") ? note : "patched by " + note);
      }
    }
    return sources;
  }

  /** Labels and annotations in key order, wherever they were added from. */
  static void sortMetadata(ObjectNode body) {
    if (body.get("metadata") instanceof ObjectNode meta) {
      for (String key : List.of("labels", "annotations")) {
        if (meta.get(key) instanceof ObjectNode m) {
          TreeMap<String, com.fasterxml.jackson.databind.JsonNode> sorted = new TreeMap<>();
          m.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
          m.removeAll();
          sorted.forEach(m::set);
        }
      }
    }
  }

  /** An application owns its namespace when the namespace pattern gives each app its own. */
  public static boolean ownsNamespace(ResolvedApplication app) {
    return app.environment().namespace().contains("{app}");
  }

  private static RenderedObject namespace(RenderContext ctx) {
    TreeMap<String, String> labels = Labels.application(ctx.envName(), ctx.appName());
    // Pod Security Admission: restricted when every component meets it, else baseline.
    // A platform type's own containers are the type's business (its sample is policy-checked); the
    // extra containers its components add are counted as a built-in component's are.
    boolean restricted = ctx.components().stream().allMatch(ApplicationRenderer::meetsRestricted)
        && ctx.app().typed().stream().allMatch(t -> meetsRestricted(t.hatches()));
    String level = restricted ? "restricted" : "baseline";
    labels.put("pod-security.kubernetes.io/enforce", level);
    if (ctx.components().stream().anyMatch(c -> TrafficRenderer.behindAlbTargetIp(ctx, c))) {
      // The controller's webhook adds a readiness gate to pods here: a rolling update waits until
      // new pods are healthy in the target group before old ones go.
      labels.put(TrafficRenderer.READINESS_GATE_LABEL, "enabled");
    }
    ObjectNode meta = Json.obj().put("name", ctx.namespace());
    meta.set("labels", Json.map(labels));
    meta.set("annotations", Json.obj(Labels.SYNC_WAVE, "0"));
    ObjectNode o = ctx.object("v1", "Namespace", meta);
    return new RenderedObject("v1", "Namespace", null, ctx.namespace(), null, 0, o);
  }

  static boolean meetsRestricted(ComponentSpec c) {
    if (!meetsRestricted(c.security())) {
      return false;
    }
    return meetsRestricted(c.hatches());
  }

  private static boolean meetsRestricted(dev.slipway.model.spec.EscapeHatches h) {
    return h == null || java.util.stream.Stream.concat(h.sidecars().stream(), h.initContainers().stream())
        .allMatch(k -> meetsRestricted(k.security()));
  }

  private static boolean meetsRestricted(dev.slipway.model.spec.ComponentSpec.Security s) {
    return s.runAsNonRoot() && !s.allowPrivilegeEscalation()
        && s.addCapabilities().stream().allMatch("NET_BIND_SERVICE"::equals)
        && (s.runAsUser() == null || s.runAsUser() != 0);
  }
}
