package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.spec.ComponentSpec.RbacRule;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A component's Kubernetes API access ({@code serviceAccount.rules} and {@code .clusterRules}):
 * RBAC rules written out in full, every wildcard refused (name what is granted), unknown verbs
 * errors, and the preset of exactly what Slipway's own sync uses.
 */
final class AccessRules {
  /** RBAC verbs Kubernetes knows; a wildcard is refused (name the verbs). */
  private static final List<String> VERBS = List.of("get", "list", "watch", "create", "update", "patch", "delete",
      "deletecollection", "impersonate", "bind", "escalate", "use", "approve", "sign");
  /** Presets of rules: what Slipway's own sync needs, generated from the kinds it manages. */
  static final List<String> PRESETS = List.of("slipway-sync");

  /** The rules under {@code key} of a component's serviceAccount; a preset only where {@code clusterWide}. */
  static List<RbacRule> bind(Fields f, String key, boolean clusterWide, Diagnostics d) {
    SpecNode n = f.raw(key);
    List<RbacRule> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, f.path(key), "a list of RBAC rules");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields r = Fields.of(list.items().get(i), f.path(key) + "[" + i + "]", d);
      if (r == null) {
        continue;
      }
      if (r.has("preset")) {
        String preset = r.oneOf("preset", PRESETS, null);
        if (preset != null && !clusterWide) {
          d.error("spec.invalid-value", r.position("preset"), r.path("preset"),
              "preset " + preset + " covers every namespace Slipway manages: put it under serviceAccount.clusterRules");
        }
        r.finish();
        if (preset != null) {
          out.add(new RbacRule(List.of(), List.of(), List.of(), List.of(), preset));
        }
        continue;
      }
      List<String> groups = r.stringList("apiGroups");
      List<String> resources = r.stringList("resources");
      List<String> names = r.stringList("resourceNames");
      List<String> verbs = r.stringList("verbs");
      if (groups == null) {
        d.error("spec.required", r.position(), r.path("apiGroups"), "an RBAC rule needs apiGroups (\"\" for the core group)");
      }
      if (resources == null || resources.isEmpty()) {
        d.error("spec.required", r.position(), r.path("resources"), "an RBAC rule needs resources");
      }
      if (verbs == null || verbs.isEmpty()) {
        d.error("spec.required", r.position(), r.path("verbs"), "an RBAC rule needs verbs");
      }
      for (List<String> values : java.util.Arrays.asList(groups, resources, verbs)) {
        if (values != null && values.contains("*")) {
          d.error("spec.invalid-value", r.position(), r.path(values == verbs ? "verbs" : values == groups ? "apiGroups" : "resources"),
              "'*' grants everything, including what Kubernetes adds later: name the " + (values == verbs ? "verbs" : values == groups ? "API groups" : "resources"));
        }
      }
      if (verbs != null) {
        for (String v : verbs) {
          if (!v.equals("*") && !VERBS.contains(v)) {
            d.error("spec.invalid-value", r.position("verbs"), r.path("verbs"), "unknown verb '" + v + "' (verbs: " + String.join(", ", VERBS) + ")");
          }
        }
      }
      r.finish();
      out.add(new RbacRule(orEmpty(groups), orEmpty(resources), orEmpty(names), orEmpty(verbs), null));
    }
    return out;
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  private AccessRules() {}
}
