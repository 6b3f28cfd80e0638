package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentTypeSpec.FieldType;
import dev.slipway.model.spec.ComponentTypeSpec.FieldType.Kind;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * kro's SimpleSchema: {@code replicas: integer | default=1 minimum=1 maximum=10 description="..."},
 * {@code "[]string"}, {@code "map[string]string"}, and nested maps for objects. Every marker is
 * checked against the type it qualifies (a default that is not of the type, an enum on a boolean,
 * a minimum above the maximum), at the character it starts on.
 */
final class SimpleSchema {
  static final List<String> MARKERS = List.of("required", "default", "enum", "minimum", "maximum", "description");
  static final List<String> TYPES = List.of("string", "integer", "float", "number", "boolean", "[]T", "map[string]T", "object");
  /** A field is read in CEL as {@code schema.spec.<name>}: it must be an identifier and not a CEL keyword. */
  static final Pattern IDENTIFIER = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");
  static final Set<String> CEL_RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
      "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while");

  private final Diagnostics d;
  /** Maps an offset inside a scalar to its position in the file. */
  private final BiFunction<Scalar, Integer, Position> locate;

  SimpleSchema(Diagnostics d, BiFunction<Scalar, Integer, Position> locate) {
    this.d = d;
    this.locate = locate;
  }

  List<SchemaField> fields(MapNode node, String path) {
    List<SchemaField> out = new ArrayList<>();
    for (Map.Entry<String, SpecNode> e : node.entries().entrySet()) {
      String name = e.getKey();
      String p = path + "." + name;
      if (!IDENTIFIER.matcher(name).matches() || CEL_RESERVED.contains(name)) {
        d.error("spec.invalid-name", node.keyPosition(name), p, "field name '" + name
            + "' is read in CEL as schema.spec." + name + ": use letters, digits and '_', not starting with a digit, and no CEL keyword");
        continue;
      }
      SchemaField f = field(name, e.getValue(), node.keyPosition(name), p);
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  private SchemaField field(String name, SpecNode value, Position keyPosition, String path) {
    if (value instanceof MapNode m) {
      List<SchemaField> nested = fields(m, path);
      boolean required = nested.stream().anyMatch(SchemaField::required);
      return new SchemaField(name, new FieldType(Kind.OBJECT, null, nested), null, List.of(), null, null, required, "", keyPosition);
    }
    if (!(value instanceof Scalar s) || s.kind() != Scalar.Kind.STRING) {
      Fields.typeError(d, value, path, "a type such as 'string | required=true' or a map of nested fields");
      return null;
    }
    String text = s.value();
    int bar = text.indexOf('|');
    String typeText = (bar < 0 ? text : text.substring(0, bar)).trim();
    FieldType type = type(typeText, s, text.indexOf(typeText.isEmpty() ? " " : typeText), path);
    if (type == null) {
      return null;
    }
    Map<String, Marker> markers = bar < 0 ? Map.of() : markers(s, bar + 1, path);
    return withMarkers(name, type, markers, s, keyPosition, path);
  }

  private FieldType type(String t, Scalar s, int offset, String path) {
    Position at = locate.apply(s, Math.max(0, offset));
    switch (t) {
      case "string":
        return FieldType.of(Kind.STRING);
      case "integer":
        return FieldType.of(Kind.INTEGER);
      case "float":
      case "number":
        return FieldType.of(Kind.FLOAT);
      case "boolean":
        return FieldType.of(Kind.BOOLEAN);
      case "object":
        // kro's unstructured object: any map, read in CEL as map(string, dyn).
        return new FieldType(Kind.MAP, null, List.of());
      default:
        break;
    }
    if (t.startsWith("[]")) {
      FieldType e = type(t.substring(2), s, offset + 2, path);
      return e == null ? null : new FieldType(Kind.LIST, e, List.of());
    }
    if (t.startsWith("map[string]")) {
      FieldType e = type(t.substring("map[string]".length()), s, offset + "map[string]".length(), path);
      return e == null ? null : new FieldType(Kind.MAP, e, List.of());
    }
    if (t.startsWith("map[")) {
      d.error("spec.invalid-schema", at, path, "map keys are strings: write map[string]<type>, not '" + t + "'");
      return null;
    }
    d.error("spec.invalid-schema", at, path, "unknown type '" + t + "'" + Suggest.hint(t, TYPES) + "; types: " + String.join(", ", TYPES));
    return null;
  }

  /** One {@code key=value} after the {@code |}, with the offset its value starts at. */
  private record Marker(String key, String value, int keyOffset, int valueOffset) {}

  private Map<String, Marker> markers(Scalar s, int from, String path) {
    String text = s.value();
    Map<String, Marker> out = new LinkedHashMap<>();
    int i = from;
    while (i < text.length()) {
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= text.length()) {
        break;
      }
      int keyStart = i;
      while (i < text.length() && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      String key = text.substring(keyStart, i);
      if (i >= text.length() || text.charAt(i) != '=') {
        d.error("spec.invalid-schema", locate.apply(s, keyStart), path, "marker '" + key + "' needs a value: " + key + "=...");
        return out;
      }
      i++;
      int valueStart = i;
      String value;
      if (i < text.length() && text.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          if (text.charAt(i) == '\\' && i + 1 < text.length()) {
            i++;
          }
          sb.append(text.charAt(i++));
        }
        if (i >= text.length()) {
          d.error("spec.invalid-schema", locate.apply(s, valueStart), path, "the quoted value of marker '" + key + "' is never closed");
          return out;
        }
        i++;
        value = sb.toString();
      } else {
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
          i++;
        }
        value = text.substring(valueStart, i);
      }
      if (!MARKERS.contains(key)) {
        d.error("spec.invalid-schema", locate.apply(s, keyStart), path, "unknown marker '" + key + "'" + Suggest.hint(key, MARKERS)
            + "; markers: " + String.join(", ", MARKERS));
      } else if (out.containsKey(key)) {
        d.error("spec.invalid-schema", locate.apply(s, keyStart), path, "marker '" + key + "' is given twice");
      } else {
        out.put(key, new Marker(key, value, keyStart, valueStart));
      }
    }
    return out;
  }

  private SchemaField withMarkers(String name, FieldType type, Map<String, Marker> m, Scalar s, Position keyPosition, String path) {
    boolean required = false;
    Marker req = m.get("required");
    if (req != null) {
      if (!req.value().equals("true") && !req.value().equals("false")) {
        d.error("spec.invalid-schema", locate.apply(s, req.valueOffset()), path, "required must be true or false, not '" + req.value() + "'");
      }
      required = req.value().equals("true");
    }
    Object def = null;
    Marker dm = m.get("default");
    if (dm != null) {
      def = value(type, dm.value());
      if (def == null) {
        d.error("spec.invalid-schema", locate.apply(s, dm.valueOffset()), path, "default '" + dm.value() + "' is not "
            + (type.scalar() ? "a" + (type.kind() == Kind.INTEGER ? "n " : " ") + type.describe() : "a scalar: only string, integer, float and boolean fields take a default"));
      } else if (required) {
        d.error("spec.invalid-schema", locate.apply(s, dm.keyOffset()), path, "a required field has no use for a default: drop one of them");
      }
    }
    List<String> enumValues = List.of();
    Marker em = m.get("enum");
    if (em != null) {
      if (type.kind() != Kind.STRING && type.kind() != Kind.INTEGER) {
        d.error("spec.invalid-schema", locate.apply(s, em.keyOffset()), path, "enum applies to string and integer fields, not " + type.describe());
      } else {
        enumValues = List.of(em.value().split(",", -1)).stream().map(String::trim).toList();
        for (String v : enumValues) {
          if (v.isEmpty() || value(type, v) == null) {
            d.error("spec.invalid-schema", locate.apply(s, em.valueOffset()), path, "enum value '" + v + "' is not a" + (type.kind() == Kind.INTEGER ? "n " : " ") + type.describe());
          }
        }
        if (def != null && !enumValues.contains(dm.value())) {
          d.error("spec.invalid-schema", locate.apply(s, dm.valueOffset()), path, "default '" + dm.value() + "' is not one of the enum values " + enumValues);
        }
      }
    }
    BigDecimal min = bound(m.get("minimum"), type, s, path);
    BigDecimal max = bound(m.get("maximum"), type, s, path);
    if (min != null && max != null && min.compareTo(max) > 0) {
      d.error("spec.invalid-schema", locate.apply(s, m.get("minimum").keyOffset()), path, "minimum " + min.toPlainString() + " is above maximum " + max.toPlainString());
    }
    if (def instanceof Number n) {
      BigDecimal v = new BigDecimal(n.toString());
      if (min != null && v.compareTo(min) < 0 || max != null && v.compareTo(max) > 0) {
        d.error("spec.invalid-schema", locate.apply(s, dm.valueOffset()), path, "default " + dm.value() + " is outside minimum/maximum");
      }
    }
    Marker desc = m.get("description");
    return new SchemaField(name, type, def, enumValues, min, max, required, desc == null ? "" : desc.value(), keyPosition);
  }

  private BigDecimal bound(Marker b, FieldType type, Scalar s, String path) {
    if (b == null) {
      return null;
    }
    if (type.kind() != Kind.INTEGER && type.kind() != Kind.FLOAT) {
      d.error("spec.invalid-schema", locate.apply(s, b.keyOffset()), path, b.key() + " applies to integer and float fields, not " + type.describe());
      return null;
    }
    Object v = value(type, b.value());
    if (v == null) {
      d.error("spec.invalid-schema", locate.apply(s, b.valueOffset()), path, b.key() + " '" + b.value() + "' is not a" + (type.kind() == Kind.INTEGER ? "n " : " ") + type.describe());
      return null;
    }
    return new BigDecimal(v.toString());
  }

  /** {@code text} as a value of a scalar type ({@code Long}, {@code Double}, {@code Boolean}, {@code String}), or null. */
  static Object value(FieldType type, String text) {
    try {
      return switch (type.kind()) {
        case STRING -> text;
        case INTEGER -> Long.parseLong(text);
        case FLOAT -> {
          double v = Double.parseDouble(text);
          yield Double.isFinite(v) ? v : null;
        }
        case BOOLEAN -> text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
        default -> null;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
