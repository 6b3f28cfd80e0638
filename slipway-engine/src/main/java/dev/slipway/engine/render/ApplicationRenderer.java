package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.types.CompiledType;
import dev.slipway.engine.types.PlatformTypes;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.spec.TypedComponent;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.PlatformSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Renders every object one application needs in one environment. Pure: resolved spec in,
 * objects out, in sync order. What it does not emit, sync may prune.
 */
public final class ApplicationRenderer {
  private ApplicationRenderer() {}

  public static ApplicationBundle render(PlatformSpec platform, ResolvedApplication app) {
    List<dev.slipway.model.Diagnostic> problems = new ArrayList<>();
    ApplicationBundle b = render(platform, app, app.typed().isEmpty() ? PlatformTypes.NONE
        : PlatformTypes.compile(platform, new dev.slipway.model.Diagnostics()), problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("components of platform types failed to render: " + problems);
    }
    return b;
  }

  /**
   * Renders with the platform's component types compiled once ({@code types}); expressions that
   * fail for this application's values are added to {@code problems} and their component renders nothing.
   */
  public static ApplicationBundle render(PlatformSpec platform, ResolvedApplication app, PlatformTypes types,
      List<dev.slipway.model.Diagnostic> problems) {
    RenderContext ctx = new RenderContext(platform, app.environment(), app);
    List<RenderedObject> out = new ArrayList<>();
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
      dev.slipway.engine.rollout.RolloutShaper.steady(c, out);
    }
    for (TypedComponent c : app.typed()) {
      CompiledType type = types.get(c.type());
      if (type != null) {
        PlatformTypeRenderer.render(ctx, type, c, out, problems);
      }
    }
    ObservabilityRenderer.renderAppWide(ctx, out);
    ArgoSyncWave.annotate(out, false);
    out.forEach(o -> sortMetadata(o.body()));
    out.sort(KindOrder.SYNC_ORDER);
    return new ApplicationBundle(app.environment().name(), app.name(), app.namespace(), List.copyOf(out));
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
    String level = ctx.components().stream().allMatch(ApplicationRenderer::meetsRestricted) ? "restricted" : "baseline";
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
    var s = c.security();
    return s.runAsNonRoot() && !s.allowPrivilegeEscalation()
        && s.addCapabilities().stream().allMatch("NET_BIND_SERVICE"::equals)
        && (s.runAsUser() == null || s.runAsUser() != 0);
  }
}
