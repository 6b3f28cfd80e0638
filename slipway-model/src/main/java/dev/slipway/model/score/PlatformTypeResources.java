package dev.slipway.model.score;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.score.Placeholders.Problem;
import dev.slipway.model.score.Placeholders.Text;
import dev.slipway.model.score.Placeholders.Value;
import dev.slipway.model.score.ScoreResources.Provided;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.spec.ComponentTypeSpec.TypeResource;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Score resource whose type is one of the platform's own component types
 * ({@code componentTypes/<type>.yaml}): it becomes a component of that type in the same
 * application, its {@code params} the instance's fields. The values are checked by the same
 * check as an app.yaml component of that type when the platform is planned, at score.yaml's
 * lines; here only the parameter names, so a typo is reported before anything else.
 *
 * <p>What a placeholder may read is what Slipway can know offline from the type's templates:
 * {@code host} when the type always renders a Service named after the component (its name is
 * then the component's), and {@code port} when that Service's first port is a literal number.
 * Everything else a type renders is decided by CEL at render time, per environment.
 */
final class PlatformTypeResources {
  private static final Pattern COMPONENT_NAME = Pattern.compile("^\\$\\{\\s*component\\.name\\s*}$");
  private static final Pattern NAME_OF = Pattern.compile("^\\$\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\.metadata\\.name\\s*}$");

  private PlatformTypeResources() {}

  /** The component a resource of platform type {@code type} becomes, or null after reporting why not. */
  static Provided provide(String name, ComponentTypeSpec type, MapNode res, Position at, Tree tree, Diagnostics d,
      Placeholders.Lookup metadata) {
    String path = "resources." + name;
    MapNode params = res.get("params") instanceof MapNode p ? p : null;
    ScoreResources.ignoredIdentity(res, path, type.name(), d);
    Tree.Map c = tree.map(at).put("type", tree.string(type.name(), res.get("type").position()), res.keyPosition("type"));
    List<String> fields = type.fields().stream().map(SchemaField::name).filter(f -> !f.equals("type")).toList();
    boolean ok = true;
    if (params != null) {
      for (var e : params.entries().entrySet()) {
        String k = e.getKey();
        if (!fields.contains(k)) {
          d.error("score.unknown-param", params.keyPosition(k), path + ".params." + k, "platform type '" + type.name() + "' ("
              + type.file() + ") has no field '" + k + "'" + Suggest.hint(k, fields)
              + (fields.isEmpty() ? "; it takes none" : "; parameters (the type's fields): " + String.join(", ", fields)));
          ok = false;
          continue;
        }
        SpecNode v = expand(e.getValue(), path + ".params." + k, d, metadata);
        if (v == null) {
          ok = false;
          continue;
        }
        c.put(k, v, params.keyPosition(k));
      }
    }
    if (!ok) {
      return null;
    }
    return new Provided(name, type.name(), at, c.node(), outputs(type, name), null, null,
        "a platform type offers 'host' when it always renders a Service named after the component, and 'port' when that"
            + " Service's first port is a number (docs/score.md)");
  }

  /** {@code host} and {@code port} of the Service the type always renders under the component's name, if it does. */
  static Map<String, Value> outputs(ComponentTypeSpec type, String component) {
    Map<String, Value> out = new TreeMap<>();
    for (TypeResource r : type.resources()) {
      if (!(r.template() instanceof MapNode t) || !(t.get("kind") instanceof Scalar kind) || !kind.value().equals("Service")
          || !namesComponent(type, r, 0)) {
        continue;
      }
      out.put("host", new Text(component));
      if (t.get("spec") instanceof MapNode spec && spec.get("ports") instanceof ListNode ports && !ports.items().isEmpty()
          && ports.items().get(0) instanceof MapNode first && first.get("port") instanceof Scalar port
          && port.kind() == Scalar.Kind.INT) {
        out.put("port", new Text(port.value()));
      }
      break;
    }
    return out;
  }

  /**
   * Whether {@code r} is always rendered and named {@code ${component.name}}, directly or through
   * {@code ${other.metadata.name}} of resources that are so too (an excluded resource excludes
   * those that read it).
   */
  private static boolean namesComponent(ComponentTypeSpec type, TypeResource r, int depth) {
    if (depth > type.resources().size() || !r.includeWhen().isEmpty()) {
      return false;
    }
    Optional<String> name = metadataName(r);
    if (name.isEmpty()) {
      return false;
    }
    if (COMPONENT_NAME.matcher(name.get()).matches()) {
      return true;
    }
    Matcher m = NAME_OF.matcher(name.get());
    return m.matches() && type.resources().stream().filter(o -> o.id().equals(m.group(1))).findFirst()
        .map(o -> namesComponent(type, o, depth + 1)).orElse(false);
  }

  private static Optional<String> metadataName(TypeResource r) {
    return r.template() instanceof MapNode t && t.get("metadata") instanceof MapNode meta && meta.get("name") instanceof Scalar s
        ? Optional.of(s.value().trim()) : Optional.empty();
  }

  /**
   * The parameter with {@code ${metadata.*}} placeholders expanded in its strings. Other
   * resources' outputs are not offered here: a parameter is a field of a component, written
   * before any other resource is known, and secrets never go into a type's fields (a template
   * would render them as text).
   */
  private static SpecNode expand(SpecNode n, String path, Diagnostics d, Placeholders.Lookup metadata) {
    if (n instanceof Scalar s && s.kind() == Scalar.Kind.STRING && s.value().contains("$")) {
      try {
        Value v = Placeholders.expand(s.value(), metadata);
        return new Scalar(s.origin(), ((Text) v).text(), Scalar.Kind.STRING);
      } catch (Problem p) {
        if (p.getMessage() != null) {
          d.error("score.invalid-placeholder", s.position(), path, p.getMessage()
              + " (a platform type's parameters may use ${metadata.*} only)");
        }
        return null;
      }
    }
    if (n instanceof MapNode m) {
      LinkedHashMap<String, SpecNode> entries = new LinkedHashMap<>();
      Map<String, Position> keys = new LinkedHashMap<>();
      for (var e : m.entries().entrySet()) {
        SpecNode v = expand(e.getValue(), path + "." + e.getKey(), d, metadata);
        if (v == null) {
          return null;
        }
        entries.put(e.getKey(), v);
        keys.put(e.getKey(), m.keyPosition(e.getKey()));
      }
      return new MapNode(m.origin(), entries, keys);
    }
    if (n instanceof ListNode l) {
      List<SpecNode> items = new ArrayList<>();
      for (int i = 0; i < l.items().size(); i++) {
        SpecNode v = expand(l.items().get(i), path + "[" + i + "]", d, metadata);
        if (v == null) {
          return null;
        }
        items.add(v);
      }
      return new ListNode(l.origin(), items);
    }
    return n;
  }
}
