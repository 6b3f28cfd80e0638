package dev.slipway.model.schema;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.spec.ComponentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

  /** Slipway's built-in types, with the fields {@link ComponentResolver} accepts for each. */
  public static List<ComponentTypeSchema> builtIn() {
    List<ComponentTypeSchema> out = new ArrayList<>();
    for (ComponentType t : ComponentType.values()) {
      Set<String> fields = new java.util.TreeSet<>();
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
      out.add(new ComponentTypeSchema(t.id(), DESCRIPTIONS.getOrDefault(t.id(), t.id()), fields, JsonNodeFactory.instance.objectNode(),
          List.copyOf(required)));
    }
    return List.copyOf(out);
  }

  private static final java.util.Map<String, String> DESCRIPTIONS = java.util.Map.of(
      "web", "A public web frontend: Deployment + Service, usually with an ingress.",
      "api", "An HTTP API: Deployment + Service.",
      "worker", "A background process with no inbound traffic: Deployment only.",
      "job", "A scheduled task: CronJob (schedule required).",
      "postgres", "A PostgreSQL database: StatefulSet + volume claim + headless Service.",
      "redis", "A Redis cache: one StatefulSet pod + headless Service; secrets.REDIS_PASSWORD required.");
}
