package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ApplicationSpec.Dependency;
import dev.slipway.model.spec.ApplicationSpec.Waiver;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.Suggest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Binds an {@code app.yaml}'s outer structure. Components stay trees here: they are merged with
 * type and platform defaults and environment overrides by {@link ComponentResolver}.
 */
public final class ApplicationLoader {
  private ApplicationLoader() {}

  public static ApplicationSpec bind(SpecNode root, String file, Collection<String> environments, Diagnostics d) {
    Fields top = Fields.of(root, "", d);
    if (top == null) {
      return null;
    }
    PlatformLoader.checkHeader(top, "Application", d);
    Fields meta = top.childOrEmpty("metadata");
    String name = meta.required("name");
    if (name != null && (!PlatformLoader.DNS_LABEL.matcher(name).matches() || name.length() > 40)) {
      d.error("spec.invalid-name", meta.position("name"), "metadata.name",
          "application name '" + name + "' must be a lowercase DNS label of at most 40 characters");
    }
    meta.finish();
    Fields spec = top.child("spec");
    top.finish();
    if (spec == null) {
      d.error("spec.required", top.position(), "spec", "required field 'spec' is missing");
      return null;
    }
    SortedMap<String, SpecNode> components = new TreeMap<>();
    Fields comps = spec.child("components");
    if (comps == null) {
      d.error("spec.required", spec.position(), "spec.components", "an application needs at least one component");
    } else {
      for (var e : comps.node().entries().entrySet()) {
        comps.raw(e.getKey());
        checkComponentName(e.getKey(), name, comps, d);
        if (e.getValue() instanceof MapNode) {
          components.put(e.getKey(), e.getValue());
        } else {
          Fields.typeError(d, e.getValue(), comps.path(e.getKey()), "a component (a map with at least 'type')");
        }
      }
      comps.finish();
      if (comps.node().entries().isEmpty()) {
        d.error("spec.required", comps.position(), "spec.components", "an application needs at least one component");
      }
    }
    SortedMap<String, SortedMap<String, SpecNode>> overrides = new TreeMap<>();
    Fields envs = spec.child("environments");
    if (envs != null) {
      for (var e : envs.node().entries().entrySet()) {
        String env = e.getKey();
        envs.raw(env);
        if (!environments.contains(env)) {
          d.error("spec.unknown-environment", envs.position(env), envs.path(env),
              "environment '" + env + "' is not defined in slipway.yaml" + Suggest.hint(env, environments)
                  + "; environments: " + String.join(", ", environments));
          continue;
        }
        Fields ov = Fields.of(e.getValue(), envs.path(env), d);
        if (ov == null) {
          continue;
        }
        SortedMap<String, SpecNode> perComponent = new TreeMap<>();
        Fields oc = ov.child("components");
        if (oc != null) {
          for (var c : oc.node().entries().entrySet()) {
            oc.raw(c.getKey());
            if (!components.containsKey(c.getKey())) {
              d.error("spec.unknown-component", oc.position(c.getKey()), oc.path(c.getKey()),
                  "override for unknown component '" + c.getKey() + "'" + Suggest.hint(c.getKey(), components.keySet()));
              continue;
            }
            perComponent.put(c.getKey(), SpecNode.relabel(c.getValue(),
                o -> Origin.of(Layer.ENVIRONMENT, o.source(), o.position())));
          }
          oc.finish();
        }
        ov.finish();
        overrides.put(env, perComponent);
      }
      envs.finish();
    }
    List<Waiver> waivers = bindWaivers(spec, components.keySet(), environments, d);
    List<Dependency> dependsOn = bindDependsOn(spec, name, d);
    spec.finish();
    if (name == null) {
      return null;
    }
    return new ApplicationSpec(name, file, top.position(), components, overrides, waivers, dependsOn);
  }

  /**
   * {@code spec.dependsOn}: other applications, by name, each once. Whether they exist and whether
   * they form a cycle is known only once every application is read ({@link Workspace}).
   */
  private static List<Dependency> bindDependsOn(Fields spec, String app, Diagnostics d) {
    List<Dependency> out = new ArrayList<>();
    SpecNode node = spec.raw("dependsOn");
    if (node == null) {
      return out;
    }
    if (!(node instanceof ListNode list)) {
      Fields.typeError(d, node, "spec.dependsOn", "a list of application names");
      return out;
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < list.items().size(); i++) {
      SpecNode item = list.items().get(i);
      String path = "spec.dependsOn[" + i + "]";
      if (!(item instanceof SpecNode.Scalar s)) {
        Fields.typeError(d, item, path, "an application name");
        continue;
      }
      String other = s.value();
      if (other.equals(app)) {
        d.error("spec.dependency-cycle", item.position(), path, "application '" + app + "' depends on itself");
      } else if (!seen.add(other)) {
        d.error("spec.duplicate-name", item.position(), path, "application '" + other + "' is listed twice in dependsOn");
      } else {
        out.add(new Dependency(other, item.position()));
      }
    }
    return out;
  }

  private static void checkComponentName(String name, String app, Fields comps, Diagnostics d) {
    if (!PlatformLoader.DNS_LABEL.matcher(name).matches() || name.length() > 40) {
      d.error("spec.invalid-name", comps.position(name), comps.path(name),
          "component name '" + Names.abbreviate(name) + "' must be a lowercase DNS label of at most 40 characters");
    } else if (app != null && app.length() + 1 + name.length() > Names.LABEL_MAX) {
      // Every object of the component carries app.kubernetes.io/instance: <app>-<component>, a label value.
      d.error("spec.invalid-name", comps.position(name), comps.path(name),
          "component name '" + name + "' with application name '" + app + "' gives the label app.kubernetes.io/instance '"
              + app + "-" + name + "' of " + (app.length() + 1 + name.length()) + " characters; label values have at most 63");
    }
  }

  private static List<Waiver> bindWaivers(Fields spec, Collection<String> components, Collection<String> envs, Diagnostics d) {
    List<Waiver> out = new ArrayList<>();
    SpecNode node = spec.raw("waivers");
    if (node == null) {
      return out;
    }
    if (!(node instanceof ListNode list)) {
      Fields.typeError(d, node, "spec.waivers", "a list of waivers");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields w = Fields.of(list.items().get(i), "spec.waivers[" + i + "]", d);
      if (w == null) {
        continue;
      }
      String rule = w.required("rule");
      String reason = w.required("reason");
      if (reason != null && reason.isBlank()) {
        d.error("spec.required", w.position("reason"), w.path("reason"), "a waiver needs a written reason");
      }
      List<String> cs = w.stringList("components");
      List<String> es = w.stringList("environments");
      for (String c : cs == null ? List.<String>of() : cs) {
        if (!components.contains(c)) {
          d.error("spec.unknown-component", w.position("components"), w.path("components"),
              "waiver names unknown component '" + c + "'" + Suggest.hint(c, components));
        }
      }
      for (String e : es == null ? List.<String>of() : es) {
        if (!envs.contains(e)) {
          d.error("spec.unknown-environment", w.position("environments"), w.path("environments"),
              "waiver names unknown environment '" + e + "'" + Suggest.hint(e, envs));
        }
      }
      w.finish();
      if (rule != null && reason != null) {
        out.add(new Waiver(rule, reason, cs == null ? List.of() : cs, es == null ? List.of() : es, w.position()));
      }
    }
    return out;
  }
}
