package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.HealthSpec;
import dev.slipway.model.spec.HealthSpec.InlineScript;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.SpecNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds {@code spec.health}: where the platform's Argo CD-format Lua health scripts are. The
 * scripts themselves are read and compiled by the engine ({@code HealthRules}), which reports a
 * missing directory or a Lua syntax error at the line that names the script.
 */
final class HealthScripts {
  private static final Pattern GROUP = Pattern.compile("^[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?$");
  private static final Pattern KIND = Pattern.compile("^[A-Za-z*][A-Za-z0-9*]*$");

  private HealthScripts() {}

  static HealthSpec bind(Fields spec, Diagnostics d) {
    if (!spec.has("health")) {
      return HealthSpec.NONE;
    }
    Fields h = spec.child("health");
    if (h == null) {
      return HealthSpec.NONE;
    }
    String scripts = h.string("scripts");
    Position scriptsAt = h.has("scripts") ? h.position("scripts") : Position.NONE;
    if (scripts != null) {
      String why = PlatformLoader.outsidePlatform(scripts);
      if (why != null) {
        d.error("spec.invalid-health-path", scriptsAt, h.path("scripts"), "health script directory "
            + Fields.quote(h.path("scripts"), scripts) + " " + why + "; it must be a directory inside the platform directory");
        scripts = null;
      }
    }
    List<InlineScript> inline = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    h.map("inline", e -> {
      if (!(e.node() instanceof SpecNode.Scalar s)) {
        Fields.typeError(d, e.node(), e.path(), "the Lua text of a health script");
        return null;
      }
      String key = e.key();
      int cut = Math.max(key.lastIndexOf('/'), key.lastIndexOf('_'));
      String group = cut < 0 ? "" : key.substring(0, cut);
      String kind = cut < 0 ? key : key.substring(cut + 1);
      if (!KIND.matcher(kind).matches() || !group.isEmpty() && !GROUP.matcher(group).matches()) {
        d.error("spec.invalid-value", e.keyPosition(), e.path(), "'" + key + "' does not name a kind: write <group>_<Kind> as in"
            + " Argo CD's resource.customizations.health.<group>_<Kind> (keda.sh_ScaledObject), <group>/<Kind>, or <Kind> for the"
            + " core group; * matches any text");
        return null;
      }
      String first = seen.putIfAbsent(group + "/" + kind, key);
      if (first != null) {
        d.error("spec.duplicate-name", e.keyPosition(), e.path(), "'" + key + "' names the same kind as '" + first + "'");
        return null;
      }
      if (s.value().isBlank()) {
        d.error("spec.invalid-value", s.position(), e.path(), "the health script for " + key + " is empty");
        return null;
      }
      inline.add(new InlineScript(group, kind, key, s.value(), s.position()));
      return s.value();
    });
    h.finish();
    return new HealthSpec(scripts, scriptsAt, inline);
  }
}
