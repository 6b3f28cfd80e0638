package dev.slipway.model.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.spec.ComponentType;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.FieldType;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the app.yaml schema says about one component type: which of the common component fields
 * it takes, and fields of its own. Built-in types take their fields from the loader's own
 * applicability rule; a platform-defined type ({@code componentTypes/<name>.yaml}) brings its
 * own fields as JSON Schema properties, so adding one is adding an element to the list given to
 * {@link SpecSchemas#application}.
 *
 * @param id the value of {@code type:}
 * @param description shown by editors on hover
 * @param commonFields the common component fields (component-fields.json) this type takes
 * @param ownProperties JSON Schema properties of fields only this type has (empty for built-ins)
 * @param required fields a component of this type must set
 */
public record ComponentTypeSchema(String id, String description, Set<String> commonFields, ObjectNode ownProperties,
    List<String> required) {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** What YAML reads as an integer in a plain scalar, so a string enum value "16" is also met by an unquoted 16. */
  private static final Pattern YAML_INT = Pattern.compile("^[-+]?[0-9]+$");

  /** Slipway's built-in types, with the fields {@link ComponentResolver} accepts for each. */
  public static List<ComponentTypeSchema> builtIn() {
    List<ComponentTypeSchema> out = new ArrayList<>();
    for (ComponentType t : ComponentType.values()) {
      Set<String> fields = new TreeSet<>();
      for (String f : SpecSchemas.componentFieldNames()) {
        if (ComponentResolver.applies(f, t)) {
          fields.add(f);
        }
      }
      List<String> required = new ArrayList<>(List.of("type"));
      if (t != ComponentType.POSTGRES && t != ComponentType.REDIS) {
        required.add("image");
      }
      if (t == ComponentType.JOB) {
        required.add("schedule");
      }
      out.add(new ComponentTypeSchema(t.id(), DESCRIPTIONS.getOrDefault(t.id(), t.id()), fields, F.objectNode(),
          List.copyOf(required)));
    }
    return List.copyOf(out);
  }

  /**
   * The built-in types and the platform's own ({@code componentTypes/}, in name order). A
   * platform type takes none of the common fields (only {@code type} is Slipway's key in an
   * instance); its fields are its schema's. A required field that every environment's
   * {@code defaults} set is not required in app.yaml, since the loader merges those defaults in.
   */
  public static List<ComponentTypeSchema> of(PlatformSpec platform) {
    List<ComponentTypeSchema> out = new ArrayList<>(builtIn());
    if (platform == null) {
      return List.copyOf(out);
    }
    for (ComponentTypeSpec t : platform.types().values()) {
      List<String> required = new ArrayList<>(List.of("type"));
      for (SchemaField f : t.fields()) {
        if (f.required() && !setByEveryEnvironment(f.name(), platform.environments())) {
          required.add(f.name());
        }
      }
      String description = (t.description().isEmpty() ? "A platform-defined type" : t.description()) + " (" + t.file() + ")";
      // Besides its schema's fields, a component of a platform type takes the escape hatches (docs/escape-hatches.md).
      out.add(new ComponentTypeSchema(t.name(), description, new java.util.TreeSet<>(dev.slipway.model.load.EscapeHatchBinder.FIELDS),
          properties(t.fields()), List.copyOf(required)));
    }
    return List.copyOf(out);
  }

  private static boolean setByEveryEnvironment(String field, List<EnvironmentSpec> environments) {
    return !environments.isEmpty()
        && environments.stream().allMatch(e -> e.defaults() instanceof MapNode m && m.get(field) != null);
  }

  /**
   * The JSON Schema properties of kro SimpleSchema fields: the one conversion from a platform
   * type's schema to JSON Schema, written to accept exactly what the loader's check of an
   * instance accepts (TypedComponentResolver): a string field takes any scalar (YAML's unquoted
   * {@code 16} is the string "16" there), an integer field only integers, a float field any
   * number; objects refuse fields they do not declare; {@code map[string]T} takes any key;
   * {@code object} any map.
   */
  public static ObjectNode properties(List<SchemaField> fields) {
    ObjectNode props = F.objectNode();
    for (SchemaField f : fields) {
      props.set(f.name(), property(f));
    }
    return props;
  }

  /** One field as a JSON Schema. */
  public static ObjectNode property(SchemaField f) {
    ObjectNode s = F.objectNode();
    if (!f.description().isEmpty()) {
      s.put("description", f.description());
    }
    s.setAll(type(f.type()));
    if (!f.enumValues().isEmpty()) {
      ArrayNode e = s.putArray("enum");
      for (String v : f.enumValues()) {
        if (f.type().kind() == FieldType.Kind.INTEGER) {
          e.add(Long.parseLong(v));
        } else {
          e.add(v);
          if (YAML_INT.matcher(v).matches()) {
            e.add(F.numberNode(new java.math.BigInteger(v)));
          } else if (v.equals("true") || v.equals("false")) {
            e.add(Boolean.parseBoolean(v));
          }
        }
      }
    }
    if (f.minimum() != null) {
      s.put("minimum", f.minimum());
    }
    if (f.maximum() != null) {
      s.put("maximum", f.maximum());
    }
    if (f.defaultValue() != null) {
      s.set("default", value(f.defaultValue()));
    }
    return s;
  }

  private static ObjectNode type(FieldType t) {
    ObjectNode s = F.objectNode();
    switch (t.kind()) {
      case STRING -> s.set("type", F.arrayNode().add("string").add("number").add("boolean"));
      case INTEGER -> s.put("type", "integer");
      case FLOAT -> s.put("type", "number");
      case BOOLEAN -> s.put("type", "boolean");
      case LIST -> {
        s.put("type", "array");
        s.set("items", type(t.element()));
      }
      case MAP -> {
        s.put("type", "object");
        if (t.element() != null) {
          s.set("additionalProperties", type(t.element()));
        }
      }
      case OBJECT -> {
        s.put("type", "object");
        s.set("properties", properties(t.fields()));
        ArrayNode req = F.arrayNode();
        t.fields().stream().filter(SchemaField::required).forEach(f -> req.add(f.name()));
        if (!req.isEmpty()) {
          s.set("required", req);
        }
        s.put("additionalProperties", false);
      }
      default -> throw new IllegalStateException("unknown kind " + t.kind());
    }
    return s;
  }

  private static JsonNode value(Object v) {
    if (v instanceof Long l) {
      return F.numberNode(l);
    }
    if (v instanceof Double d) {
      return F.numberNode(d);
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    return F.textNode(String.valueOf(v));
  }

  private static final Map<String, String> DESCRIPTIONS = Map.of(
      "web", "A public web frontend: Deployment + Service, usually with an ingress.",
      "api", "An HTTP API: Deployment + Service.",
      "worker", "A background process with no inbound traffic: Deployment only.",
      "job", "A scheduled task: CronJob (schedule required).",
      "postgres", "A PostgreSQL database: StatefulSet + volume claim + headless Service.",
      "redis", "A Redis cache: one StatefulSet pod + headless Service; secrets.REDIS_PASSWORD required.");
}
