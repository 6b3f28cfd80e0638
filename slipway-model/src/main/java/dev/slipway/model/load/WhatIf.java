package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentType;
import dev.slipway.model.yaml.Merge;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What-if overrides from the command line ({@code --set proyecto06.backend.replicas=50}): a top
 * layer over the environment override, checked like any other spec value.
 */
public final class WhatIf {
  private static final Pattern SETTING = Pattern.compile("^([a-z0-9-]+)\\.([a-z0-9-]+)\\.([A-Za-z0-9_.-]+)=(.*)$");
  private static final Pattern INT = Pattern.compile("^-?\\d+$");
  private static final Pattern FLOAT = Pattern.compile("^-?\\d+\\.\\d+$");

  /** One {@code --set}: application, component, dotted field path, value. */
  public record Setting(String application, String component, String path, String value) {
    /** As written: {@code --set app.component.path=value}. */
    public String text() {
      return "--set " + application + "." + component + "." + path + "=" + value;
    }
  }

  private final List<Setting> settings;

  private WhatIf(List<Setting> settings) {
    this.settings = List.copyOf(settings);
  }

  public static final WhatIf NONE = new WhatIf(List.of());

  /** Parses {@code app.component.field.path=value} settings, reporting malformed ones. */
  public static WhatIf parse(List<String> raw, Diagnostics d) {
    List<Setting> out = new ArrayList<>();
    for (String r : raw) {
      var m = SETTING.matcher(r);
      if (!m.matches()) {
        d.error("cli.invalid-set", Position.file("--set"), r,
            "expected APP.COMPONENT.FIELD=VALUE, e.g. proyecto06.backend.replicas=50");
        continue;
      }
      out.add(new Setting(m.group(1), m.group(2), m.group(3), m.group(4)));
    }
    return new WhatIf(out);
  }

  public List<Setting> settings() {
    return settings;
  }

  public boolean isEmpty() {
    return settings.isEmpty();
  }

  /** The layer for one component: a tree of its settings, or null when there are none. */
  SpecNode layerFor(String app, String component) {
    SpecNode layer = null;
    for (Setting s : settings) {
      if (s.application().equals(app) && s.component().equals(component)) {
        layer = Merge.over(layer, tree(s));
      }
    }
    return layer;
  }

  /**
   * Merges this component's settings over {@code below} (the component's tree from the four
   * layers) and says of each setting that changes nothing, or is decided by another field, what
   * to set instead. Each value's origin names the value it overrides, so {@code --explain} marks
   * it as overridden.
   */
  SpecNode apply(String app, String component, ComponentType type, SpecNode below, Diagnostics d) {
    SpecNode merged = below;
    List<Setting> mine = settings.stream().filter(s -> s.application().equals(app) && s.component().equals(component)).toList();
    for (Setting s : mine) {
      SpecNode was = at(below, s.path());
      String note = was == null || was instanceof SpecNode.Null ? "not set below"
          : "overrides " + shown(was) + " from " + was.origin().describe();
      String effect = noEffect(s, type, below);
      if (effect == null && was instanceof Scalar w && scalar(w.origin(), s.value()) instanceof Scalar v && v.value().equals(w.value())) {
        effect = s.path() + " is already " + w.value() + " (" + w.origin().describe() + ")";
      }
      if (effect != null) {
        d.warning("whatif.no-effect", AT, s.text(), s.text() + " has no effect: " + effect);
        note += "; no effect";
      }
      merged = Merge.over(merged, tree(s, note));
    }
    return merged;
  }

  /** Why a setting cannot change the rendered component, with the field that would; null when it can. */
  private static String noEffect(Setting s, ComponentType type, SpecNode below) {
    String key = s.path().split("\\.")[0];
    boolean autoscaled = at(below, "autoscaling") instanceof MapNode;
    String prefix = s.application() + "." + s.component() + ".";
    if (key.equals("replicas") && autoscaled && type != null && type.stateless()) {
      return s.component() + " is autoscaled, so autoscaling.min and autoscaling.max decide its replicas; set "
          + prefix + "autoscaling.min and/or " + prefix + "autoscaling.max instead (or " + prefix + "autoscaling=null to turn"
          + " autoscaling off)";
    }
    return null;
  }

  private static final Position AT = Position.file("--set");

  private static SpecNode at(SpecNode n, String dotted) {
    for (String k : dotted.split("\\.")) {
      if (!(n instanceof MapNode m)) {
        return null;
      }
      n = m.get(k);
    }
    return n;
  }

  private static String shown(SpecNode n) {
    return n instanceof Scalar s ? s.value() : n.typeName();
  }

  private static SpecNode tree(Setting s) {
    return tree(s, null);
  }

  private static SpecNode tree(Setting s, String note) {
    Origin o = Origin.of(Layer.WHAT_IF, s.text() + (note == null ? "" : "; " + note), AT);
    String[] parts = s.path().split("\\.");
    SpecNode node = scalar(o, s.value());
    for (int i = parts.length - 1; i >= 0; i--) {
      LinkedHashMap<String, SpecNode> e = new LinkedHashMap<>();
      e.put(parts[i], node);
      node = new MapNode(o, e, Map.of());
    }
    return node;
  }

  private static SpecNode scalar(Origin o, String v) {
    if (v.equals("null")) {
      return new SpecNode.Null(o);
    }
    if (INT.matcher(v).matches()) {
      return new Scalar(o, v, Scalar.Kind.INT);
    }
    if (FLOAT.matcher(v).matches()) {
      return new Scalar(o, v, Scalar.Kind.FLOAT);
    }
    if (v.equals("true") || v.equals("false")) {
      return new Scalar(o, v, Scalar.Kind.BOOL);
    }
    return new Scalar(o, v, Scalar.Kind.STRING);
  }
}
