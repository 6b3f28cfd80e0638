package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.spec.AddonsSpec;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import java.util.List;
import java.util.Map;

/**
 * What every part of rendering one application needs to know.
 *
 * @param problems what the escape hatches could not do (a patch that does not apply, a manifest
 *     that cannot be placed): {@code plan} reports them as spec errors, at the field
 */
record RenderContext(PlatformSpec platform, EnvironmentSpec env, ResolvedApplication app, dev.slipway.model.Diagnostics problems) {

  /** Where a field of a component was written (the deepest written key of the dotted path), else the component. */
  dev.slipway.model.Position position(ComponentSpec c, String field) {
    return position(c.name(), field);
  }

  /** Where a field of a component (built-in or of a platform type) was written, else the component. */
  dev.slipway.model.Position position(String component, String field) {
    dev.slipway.model.yaml.SpecNode n = app.trees().get(component);
    dev.slipway.model.Position best = null;
    for (String k : field.split("\\.")) {
      if (!(n instanceof dev.slipway.model.yaml.SpecNode.MapNode m) || !m.has(k)) {
        break;
      }
      dev.slipway.model.Position p = m.writtenKeyPosition(k);
      if (p != null) {
        best = p;
      }
      n = m.get(k);
    }
    if (best != null) {
      return best;
    }
    var written = app.app().components().get(component);
    return written != null && written.position().line() > 0 ? written.position() : dev.slipway.model.Position.file(app.app().file());
  }

  String envName() {
    return env.name();
  }

  String appName() {
    return app.name();
  }

  String namespace() {
    return app.namespace();
  }

  AddonsSpec addons() {
    return env.addons();
  }

  List<ComponentSpec> components() {
    return app.components();
  }

  /** Standard metadata: name, namespace, sorted labels and the sync-wave annotation. */
  ObjectNode meta(String name, Map<String, String> labels, int wave) {
    ObjectNode m = Json.obj().put("name", name);
    m.put("namespace", namespace());
    m.set("labels", Json.map(labels));
    m.set("annotations", Json.obj(Labels.SYNC_WAVE, Integer.toString(wave)));
    return m;
  }

  /** An object skeleton: apiVersion, kind, metadata. */
  ObjectNode object(String apiVersion, String kind, ObjectNode meta) {
    ObjectNode o = Json.obj().put("apiVersion", apiVersion).put("kind", kind);
    o.set("metadata", meta);
    return o;
  }

  RenderedObject componentObject(ComponentSpec c, String apiVersion, String kind, String name, ObjectNode spec, String specKey) {
    ObjectNode o = object(apiVersion, kind, meta(name, Labels.component(envName(), appName(), c.name()), c.waveHint()));
    if (spec != null) {
      o.set(specKey, spec);
    }
    return new RenderedObject(apiVersion, kind, namespace(), name, c.name(), c.waveHint(), o);
  }

  RenderedObject appObject(String apiVersion, String kind, String name, ObjectNode spec, String specKey) {
    ObjectNode o = object(apiVersion, kind, meta(name, Labels.application(envName(), appName()), 0));
    if (spec != null) {
      o.set(specKey, spec);
    }
    return new RenderedObject(apiVersion, kind, namespace(), name, null, 0, o);
  }

  /**
   * The name of an application-wide object: as given when the application owns its namespace,
   * prefixed with the application's name when applications share one.
   */
  String appScoped(String base) {
    return ApplicationRenderer.ownsNamespace(app) ? base : appName() + "-" + base;
  }

  /** The public host of a component's ingress. */
  String host(ComponentSpec c) {
    String h = c.ingress().host();
    if (h == null) {
      return appName() + "." + env.domain();
    }
    return h.contains(".") || env.domain() == null ? h : h + "." + env.domain();
  }

  String fill(String template) {
    return template.replace("{app}", appName()).replace("{env}", envName());
  }
}
