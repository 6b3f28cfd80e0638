package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.types.CompiledType;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.TypedComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a component of a platform-defined type from its compiled templates, then makes each
 * object Slipway's like any other: in the application's namespace, with the ownership and
 * component labels sync, prune, status, capacity, cost and policy go by, and its {@code readyWhen}
 * carried in an annotation for the health assessment.
 */
public final class PlatformTypeRenderer {
  /** The resource id and readyWhen conditions of an object of a platform type, as JSON. */
  public static final String READY_WHEN = dev.slipway.engine.types.ReadyWhen.ANNOTATION;

  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

  private PlatformTypeRenderer() {}

  static void render(RenderContext ctx, CompiledType type, TypedComponent c, List<RenderedObject> out, List<Diagnostic> problems) {
    CompiledType.Rendering r = type.render(variables(ctx, c), c.name());
    problems.addAll(r.problems());
    for (CompiledType.Output o : r.objects()) {
      ObjectNode body = MAPPER.valueToTree(o.body());
      String apiVersion = text(body.get("apiVersion"));
      String kind = text(body.get("kind"));
      ObjectNode meta = body.get("metadata") instanceof ObjectNode m ? m : body.putObject("metadata");
      String name = text(meta.get("name"));
      if (apiVersion == null || kind == null || name == null || name.isEmpty()) {
        problems.add(Diagnostic.error("render.invalid-object", o.position(), "spec.resources." + o.id(), "component '" + c.name()
            + "' of type " + c.type() + ": resource '" + o.id() + "' renders no apiVersion, kind or metadata.name as text"));
        continue;
      }
      String kindProblem = dev.slipway.engine.sync.ManagedKinds.applicationObjectProblem(apiVersion, kind);
      if (kindProblem != null) {
        problems.add(Diagnostic.error("render.unmanaged-kind", o.position(), "spec.resources." + o.id(), "component '" + c.name()
            + "' of type " + c.type() + ": resource '" + o.id() + "' is a " + kind + ": " + kindProblem));
        continue;
      }
      meta.put("namespace", ctx.namespace());
      TreeMap<String, String> labels = new TreeMap<>();
      if (meta.get("labels") instanceof ObjectNode l) {
        l.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      }
      // Slipway's labels win: sync and prune find what they own by them.
      labels.putAll(Labels.component(ctx.envName(), ctx.appName(), c.name()));
      meta.set("labels", Json.map(labels));
      ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
      annotations.put(Labels.SYNC_WAVE, "0");
      if (!o.readyWhen().isEmpty()) {
        ObjectNode ready = Json.obj().put("id", o.id());
        ready.set("conditions", Json.strings(o.readyWhen()));
        annotations.put(READY_WHEN, ready.toString());
      }
      if (out.stream().anyMatch(x -> x.kind().equals(kind) && x.name().equals(name))) {
        problems.add(Diagnostic.error("render.duplicate-object", o.position(), "spec.resources." + o.id(), "component '" + c.name()
            + "' of type " + c.type() + ": resource '" + o.id() + "' renders " + kind + "/" + name + ", which application "
            + ctx.appName() + " already has; one would overwrite the other (name it after ${component.name})"));
        continue;
      }
      out.add(new RenderedObject(apiVersion, kind, ctx.namespace(), name, c.name(), 0, body));
    }
  }

  private static String text(JsonNode n) {
    return n != null && n.isTextual() ? n.asText() : null;
  }

  /** What the templates read besides the resources: schema.spec, component, app, env, platform. */
  private static Map<String, Object> variables(RenderContext ctx, TypedComponent c) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("schema", Map.of("spec", c.values()));
    vars.put("component", Map.of("name", c.name()));
    // Sorted maps: a template may render a whole map (${env.cluster}), and its keys must come out in one order.
    vars.put("app", new TreeMap<>(Map.of("name", ctx.appName(), "namespace", ctx.namespace())));
    EnvironmentSpec env = ctx.env();
    Map<String, Object> e = new TreeMap<>();
    e.put("name", env.name());
    e.put("domain", env.domain() == null ? "" : env.domain());
    e.put("production", env.production());
    e.put("cluster", new TreeMap<>(Map.of("name", env.cluster().name() == null ? "" : env.cluster().name(),
        "context", env.cluster().context() == null ? "" : env.cluster().context())));
    vars.put("env", e);
    vars.put("platform", new TreeMap<>(Map.of("name", ctx.platform().name(), "region", ctx.platform().region() == null ? "" : ctx.platform().region())));
    return vars;
  }
}
