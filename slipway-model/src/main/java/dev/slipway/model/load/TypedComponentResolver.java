package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.FieldType;
import dev.slipway.model.spec.ComponentTypeSpec.FieldType.Kind;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.EscapeHatches;
import dev.slipway.model.spec.TypedComponent;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Merge;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a component of a platform-defined type: the same layers as a built-in type (the
 * schema's defaults as the type default, the environment's {@code defaults} for the fields the
 * schema has, app.yaml, the environment override, {@code --set}), so {@code --explain} tells where
 * each value came from; then checks the merged values against the schema (type, enum, minimum,
 * maximum, required, unknown fields) at the position each value was written. The escape hatches
 * ({@link EscapeHatchBinder#FIELDS}) are Slipway's fields beside the schema's, merged over the
 * same layers and bound as for a built-in type.
 */
final class TypedComponentResolver {
  /** Keys of a component that are Slipway's, not the type's schema: a schema may not declare them. */
  static final List<String> RESERVED = reserved();

  private TypedComponentResolver() {}

  private static List<String> reserved() {
    List<String> out = new ArrayList<>(List.of("type"));
    out.addAll(EscapeHatchBinder.FIELDS);
    return List.copyOf(out);
  }

  /** The merged tree, for {@code --explain}. */
  static SpecNode merge(ComponentTypeSpec type, String app, String name, SpecNode written, SpecNode override, EnvironmentSpec env,
      WhatIf whatIf, Diagnostics d) {
    Origin o = Origin.of(Layer.TYPE_DEFAULT, type.name(), Position.NONE);
    SpecNode merged = defaults(type.fields(), o);
    merged = Merge.over(merged, platformDefaults(env, type));
    merged = Merge.over(merged, written);
    merged = Merge.over(merged, override);
    return whatIf.apply(app, name, null, merged, d);
  }

  /** The values of a merged tree, or null when they break the schema or the escape hatches' rules (with diagnostics). */
  static TypedComponent bind(ComponentTypeSpec type, String name, SpecNode merged, Position componentAt, ApplicationSpec app,
      EnvironmentSpec env, Diagnostics d) {
    String path = "spec.components." + name;
    Diagnostics own = new Diagnostics();
    Map<String, Object> values = object(type.fields(), (MapNode) merged, path, componentAt, true, own);
    // Only the hatch fields are read here: the schema's were checked above, so the Fields is never finished.
    EscapeHatches hatches = EscapeHatchBinder.bind(Fields.of(merged, path, own), app, env, own);
    d.addAll(own.list());
    return own.hasErrors() ? null : new TypedComponent(name, type.name(), values, hatches);
  }

  private static MapNode defaults(List<SchemaField> fields, Origin o) {
    LinkedHashMap<String, SpecNode> e = new LinkedHashMap<>();
    for (SchemaField f : fields) {
      if (f.defaultValue() != null) {
        e.put(f.name(), SpecNode.scalar(o, f.defaultValue()));
      } else if (f.type().kind() == Kind.OBJECT) {
        MapNode nested = defaults(f.type().fields(), o);
        if (!nested.entries().isEmpty()) {
          e.put(f.name(), nested);
        }
      }
    }
    return new MapNode(o, e, Map.of());
  }

  /**
   * The environment's {@code defaults}, for the top-level fields the schema declares and the
   * escape hatches (which every component takes, as a built-in one does).
   */
  private static SpecNode platformDefaults(EnvironmentSpec env, ComponentTypeSpec type) {
    if (!(env.defaults() instanceof MapNode m)) {
      return null;
    }
    LinkedHashMap<String, SpecNode> e = new LinkedHashMap<>();
    Map<String, Position> keys = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(type.fields().stream().map(SchemaField::name).toList());
    names.addAll(EscapeHatchBinder.FIELDS);
    for (String k : names) {
      if (m.has(k)) {
        e.put(k, m.get(k));
        keys.put(k, m.keyPosition(k));
      }
    }
    return e.isEmpty() ? null : new MapNode(m.origin(), e, keys);
  }

  private static Map<String, Object> object(List<SchemaField> fields, MapNode node, String path, Position componentAt, boolean top,
      Diagnostics d) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> names = fields.stream().map(SchemaField::name).toList();
    for (String k : node.entries().keySet()) {
      if (!names.contains(k) && !(top && RESERVED.contains(k))) {
        List<String> known = new ArrayList<>(names);
        if (top) {
          // A misspelled escape hatch is suggested too; the list names the type's own fields only.
          known.addAll(EscapeHatchBinder.FIELDS);
        }
        d.error("spec.unknown-field", node.keyPosition(k), path + "." + k, "unknown field '" + k + "'" + Suggest.hint(k, known)
            + (names.isEmpty() ? "; this type has no fields" : "; fields of this type: " + String.join(", ", names)));
      }
    }
    for (SchemaField f : fields) {
      SpecNode v = node.get(f.name());
      String p = path + "." + f.name();
      if (v == null || v instanceof SpecNode.Null) {
        if (f.required()) {
          Position at = node.position().line() > 0 ? node.position() : componentAt;
          d.error("spec.required", at, p, "required field '" + f.name() + "' is missing"
              + (f.description().isEmpty() ? "" : " (" + f.description() + ")"));
        }
        continue;
      }
      Object value = value(f, f.type(), v, p, componentAt, d);
      if (value != null) {
        out.put(f.name(), value);
      }
    }
    return out;
  }

  private static Object value(SchemaField f, FieldType type, SpecNode v, String path, Position componentAt, Diagnostics d) {
    switch (type.kind()) {
      case OBJECT -> {
        if (!(v instanceof MapNode m)) {
          Fields.typeError(d, v, path, "a map (object)");
          return null;
        }
        return object(type.fields(), m, path, componentAt, false, d);
      }
      case LIST -> {
        if (!(v instanceof ListNode l)) {
          Fields.typeError(d, v, path, "a list (" + type.describe() + ")");
          return null;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
          Object item = value(null, type.element(), l.items().get(i), path + "[" + i + "]", componentAt, d);
          if (item != null) {
            out.add(item);
          }
        }
        return out;
      }
      case MAP -> {
        if (!(v instanceof MapNode m)) {
          Fields.typeError(d, v, path, "a map (" + type.describe() + ")");
          return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : m.entries().entrySet()) {
          Object item = type.element() == null ? plain(e.getValue())
              : value(null, type.element(), e.getValue(), path + "." + e.getKey(), componentAt, d);
          if (item != null) {
            out.put(e.getKey(), item);
          }
        }
        return out;
      }
      default -> {
        return scalar(f, type, v, path, d);
      }
    }
  }

  private static Object scalar(SchemaField f, FieldType type, SpecNode v, String path, Diagnostics d) {
    Object value = null;
    if (v instanceof Scalar s) {
      boolean kindFits = switch (type.kind()) {
        case STRING -> true;
        case INTEGER -> s.kind() == Scalar.Kind.INT;
        case FLOAT -> s.kind() == Scalar.Kind.INT || s.kind() == Scalar.Kind.FLOAT;
        case BOOLEAN -> s.kind() == Scalar.Kind.BOOL;
        default -> false;
      };
      value = kindFits ? SimpleSchema.value(type, s.value()) : null;
    }
    if (value == null) {
      Fields.typeError(d, v, path, "a" + (type.kind() == Kind.INTEGER ? "n " : " ") + type.describe());
      return null;
    }
    if (f == null) {
      return value;
    }
    if (!f.enumValues().isEmpty() && !f.enumValues().contains(((Scalar) v).value())) {
      String got = ((Scalar) v).value();
      d.error("spec.invalid-value", v.position(), path, Fields.quote(path, got) + " is not allowed" + Suggest.hint(got, f.enumValues())
          + "; allowed: " + String.join(", ", f.enumValues()));
    }
    if (value instanceof Number n && (f.minimum() != null || f.maximum() != null)) {
      BigDecimal b = new BigDecimal(n.toString());
      if (f.minimum() != null && b.compareTo(f.minimum()) < 0 || f.maximum() != null && b.compareTo(f.maximum()) > 0) {
        d.error("spec.invalid-value", v.position(), path, n + " is outside " + range(f));
      }
    }
    return value;
  }

  private static String range(SchemaField f) {
    if (f.minimum() != null && f.maximum() != null) {
      return f.minimum().toPlainString() + "-" + f.maximum().toPlainString();
    }
    return f.minimum() != null ? "the minimum " + f.minimum().toPlainString() : "the maximum " + f.maximum().toPlainString();
  }

  /** An unstructured value ({@code object} fields) as plain Java values. */
  private static Object plain(SpecNode n) {
    if (n instanceof MapNode m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, plain(v)));
      return out;
    }
    if (n instanceof ListNode l) {
      return l.items().stream().map(TypedComponentResolver::plain).toList();
    }
    if (n instanceof Scalar s) {
      return switch (s.kind()) {
        case INT -> {
          try {
            yield Long.parseLong(s.value());
          } catch (NumberFormatException e) {
            yield s.value();
          }
        }
        case FLOAT -> Double.parseDouble(s.value());
        case BOOL -> Boolean.parseBoolean(s.value());
        case STRING -> s.value();
      };
    }
    return null;
  }
}
