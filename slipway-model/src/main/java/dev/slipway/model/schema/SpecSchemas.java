package dev.slipway.model.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON Schemas (draft-07, which YAML editors support best) of {@code slipway.yaml} and
 * {@code app.yaml}, for editors to validate and complete them. They are assembled from three
 * bundled pieces: the platform's schema, the shared definitions, and one schema per component
 * field ({@code component-fields.json}, the only place a component field is described). Which
 * type takes which field comes from the loader ({@link ComponentTypeSchema#builtIn()}), and the
 * types are a list: platform-defined types join it with their own fields
 * ({@link ComponentTypeSchema#of}). Tests hold the schemas
 * to the loaders: every example validates, and every field a loader reads is in them.
 */
public final class SpecSchemas {
  public static final String DRAFT = "http://json-schema.org/draft-07/schema#";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "/dev/slipway/model/schema/";

  private SpecSchemas() {}

  /** The names of the common component fields, in the order they are described. */
  public static List<String> componentFieldNames() {
    List<String> out = new ArrayList<>();
    resource("component-fields.json").fieldNames().forEachRemaining(f -> {
      if (!f.startsWith("$")) {
        out.add(f);
      }
    });
    return out;
  }

  /** The schema of {@code slipway.yaml}; environment {@code defaults} take the fields of {@code types}. */
  public static ObjectNode platform(List<ComponentTypeSchema> types) {
    ObjectNode root = resource("platform.schema.json");
    ObjectNode defs = (ObjectNode) root.get("definitions");
    definitions(defs, types);
    return root;
  }

  /**
   * The schema of {@code app.yaml}. {@code environments}, when not empty, are the only names
   * allowed under {@code spec.environments} (the platform's); empty allows any name.
   */
  public static ObjectNode application(List<ComponentTypeSchema> types, Collection<String> environments) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", DRAFT);
    root.put("title", "Slipway application (app.yaml)");
    root.put("description", "One app.yaml per application folder under apps/; see docs/specs.md.");
    root.put("type", "object");
    root.set("required", strings(List.of("apiVersion", "kind", "metadata", "spec")));
    root.put("additionalProperties", false);
    ObjectNode props = root.putObject("properties");
    props.putObject("apiVersion").put("const", "slipway.dev/v1alpha1");
    props.putObject("kind").put("const", "Application");
    ObjectNode meta = props.putObject("metadata").put("type", "object").put("additionalProperties", false);
    meta.set("required", strings(List.of("name")));
    meta.putObject("properties").set("name", name("The application's name: a DNS label of at most 40 characters."));
    ObjectNode spec = props.putObject("spec").put("type", "object").put("additionalProperties", false);
    spec.set("required", strings(List.of("components")));
    ObjectNode sp = spec.putObject("properties");
    ObjectNode comps = sp.putObject("components").put("description", "The application's components, by name.")
        .put("type", "object").put("minProperties", 1);
    comps.set("propertyNames", name(null));
    comps.putObject("additionalProperties").put("$ref", "#/definitions/component");
    ObjectNode envs = sp.putObject("environments").put("description", "Overrides per environment of slipway.yaml.").put("type", "object");
    if (!environments.isEmpty()) {
      envs.putObject("propertyNames").set("enum", strings(environments));
    }
    ObjectNode env = envs.putObject("additionalProperties").put("type", "object").put("additionalProperties", false);
    ObjectNode envComps = env.putObject("properties").putObject("components")
        .put("description", "Component fields that win over app.yaml's here; null removes a value.").put("type", "object");
    envComps.putObject("additionalProperties").put("$ref", "#/definitions/componentLayer");
    ObjectNode waiver = sp.putObject("waivers").put("description", "Accepted policy findings, each with a reason (docs/policy.md).")
        .put("type", "array").putObject("items").put("type", "object").put("additionalProperties", false);
    waiver.set("required", strings(List.of("rule", "reason")));
    ObjectNode wp = waiver.putObject("properties");
    wp.putObject("rule").put("description", "A rule id from docs/policy.md.").put("type", "string");
    wp.putObject("reason").put("type", "string").put("minLength", 1);
    wp.putObject("components").put("$ref", "#/definitions/strings");
    wp.putObject("environments").put("$ref", "#/definitions/strings");
    sp.putObject("dependsOn").put("description", "Other applications this one needs, by name.").put("$ref", "#/definitions/strings");
    definitions(root.putObject("definitions"), types);
    return root;
  }

  /**
   * The shared definitions, plus a component (one of {@code types}) and a component layer (an
   * override, platform defaults). A field name two types describe differently (a platform type's
   * {@code port} with its own range, its {@code ingress} object) is any of its schemas at the
   * top, and each type's own schema in that type's branch, so editors complete every name and
   * still check the value against the component's type.
   */
  private static void definitions(ObjectNode defs, List<ComponentTypeSchema> types) {
    resource("definitions.json").fields().forEachRemaining(e -> defs.set(e.getKey(), e.getValue()));
    ObjectNode common = resource("component-fields.json");
    common.remove("$comment");
    Map<String, List<JsonNode>> variants = new LinkedHashMap<>();
    common.fields().forEachRemaining(e -> variants.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    types.forEach(t -> t.ownProperties().fields().forEachRemaining(e -> {
      List<JsonNode> v = variants.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
      if (!v.contains(e.getValue())) {
        v.add(e.getValue());
      }
    }));
    ArrayNode typeChoices = JSON.createArrayNode();
    types.forEach(t -> typeChoices.addObject().put("const", t.id()).put("description", t.description()));

    ObjectNode component = defs.putObject("component").put("type", "object").put("additionalProperties", false);
    component.set("required", strings(List.of("type")));
    ObjectNode cp = component.putObject("properties");
    ObjectNode layer = defs.putObject("componentLayer").put("type", "object").put("additionalProperties", false);
    ObjectNode lp = layer.putObject("properties");
    for (var e : variants.entrySet()) {
      JsonNode schema;
      if (e.getKey().equals("type")) {
        schema = typeSchema(e.getValue().get(0), typeChoices);
      } else if (e.getValue().size() == 1) {
        schema = e.getValue().get(0);
      } else {
        ObjectNode any = JSON.createObjectNode().put("description", "Depends on the component's type.");
        e.getValue().forEach(any.putArray("anyOf")::add);
        schema = any;
      }
      cp.set(e.getKey(), schema);
      ObjectNode nullable = lp.putObject(e.getKey());
      if (schema.has("description")) {
        nullable.set("description", schema.get("description"));
      }
      ArrayNode any = nullable.putArray("anyOf");
      any.addObject().put("type", "null");
      any.add(schema);
    }
    ArrayNode perType = component.putArray("allOf");
    for (ComponentTypeSchema t : types) {
      ObjectNode rule = perType.addObject();
      ObjectNode ifType = rule.putObject("if");
      ifType.putObject("properties").putObject("type").put("const", t.id());
      ifType.set("required", strings(List.of("type")));
      ObjectNode then = rule.putObject("then");
      then.set("required", strings(t.required()));
      ObjectNode own = then.putObject("properties");
      Set<String> allowed = new TreeSet<>(t.commonFields());
      t.ownProperties().fieldNames().forEachRemaining(allowed::add);
      for (var e : variants.entrySet()) {
        String f = e.getKey();
        if (f.equals("type")) {
          continue;
        }
        if (!allowed.contains(f)) {
          // false: "this field does not apply to this type", as the loader's spec.not-applicable says.
          own.put(f, false);
        } else if (e.getValue().size() > 1) {
          own.set(f, t.ownProperties().has(f) ? t.ownProperties().get(f) : common.get(f));
        }
      }
    }
  }

  private static JsonNode typeSchema(JsonNode base, ArrayNode choices) {
    ObjectNode t = ((ObjectNode) base).deepCopy();
    t.set("anyOf", choices);
    return t;
  }

  private static ObjectNode name(String description) {
    ObjectNode n = JSON.createObjectNode();
    if (description != null) {
      n.put("description", description);
    }
    return n.put("type", "string").put("pattern", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").put("maxLength", 40);
  }

  private static ArrayNode strings(Collection<String> values) {
    ArrayNode a = JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private static ObjectNode resource(String name) {
    try (InputStream in = SpecSchemas.class.getResourceAsStream(BASE + name)) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("bundled schema piece " + name + " is unreadable", e);
    }
  }
}
