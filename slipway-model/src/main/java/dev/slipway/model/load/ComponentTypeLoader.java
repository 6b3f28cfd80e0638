package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentType;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.Condition;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.spec.ComponentTypeSpec.TypeResource;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SourceText;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.TemplateText;
import dev.slipway.model.yaml.YamlLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the platform's own component types, {@code componentTypes/<name>.yaml} beside
 * {@code slipway.yaml}: the header, kro's SimpleSchema and the resource templates, with every
 * {@code ${...}} kept in its place (its CEL is compiled and type-checked by the engine). A type
 * file with errors is left out, so that components using it report nothing further.
 */
public final class ComponentTypeLoader {
  public static final String DIRECTORY = "componentTypes";
  public static final String KIND = "ComponentType";
  /** A resource id is a CEL variable: lower camel case, as kro writes them. */
  static final Pattern RESOURCE_ID = Pattern.compile("^[a-z][a-zA-Z0-9]*$");
  /** The variables every template reads; a resource id must not shadow them. */
  public static final List<String> VARIABLES = List.of("schema", "component", "app", "env", "platform");

  private ComponentTypeLoader() {}

  /** Every type in {@code root/componentTypes}, by name; empty when the folder does not exist. */
  public static Map<String, ComponentTypeSpec> load(Path root, Diagnostics d) {
    Path dir = root.resolve(DIRECTORY);
    Map<String, ComponentTypeSpec> out = new java.util.TreeMap<>();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    if (!Files.isDirectory(dir)) {
      d.error("spec.unreadable-type", Position.file(DIRECTORY), "", DIRECTORY + " is not a folder; types are read from "
          + DIRECTORY + "/<name>.yaml");
      return out;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.filter(x -> !x.getFileName().toString().startsWith(".")).sorted().toList()) {
        String fileName = p.getFileName().toString();
        String label = DIRECTORY + "/" + fileName;
        if (!fileName.endsWith(".yaml") || !Files.isRegularFile(p)) {
          if (fileName.endsWith(".yml")) {
            d.error("spec.unreadable-type", Position.file(label), "", label + " is not read: rename it to "
                + fileName.replaceFirst("\\.yml$", ".yaml"));
          } else {
            d.warning("spec.ignored-file", Position.file(label), "", label + " is not read: " + DIRECTORY + "/ holds one <name>.yaml per type");
          }
          continue;
        }
        Diagnostics own = new Diagnostics();
        ComponentTypeSpec t = read(p, label, own);
        d.addAll(own.list());
        if (t != null && !own.hasErrors()) {
          out.put(t.name(), t);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      d.error("io.read", Position.file(DIRECTORY), "", "cannot list " + DIRECTORY + "/: " + e.getMessage());
    }
    return out;
  }

  static ComponentTypeSpec read(Path file, String label, Diagnostics d) {
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      d.error("io.read", Position.file(label), "", "cannot read " + label + ": " + e.getMessage());
      return null;
    }
    return parse(source, label, d);
  }

  /** Binds the text of one type file; {@code label} is its path relative to the platform directory. */
  public static ComponentTypeSpec parse(String source, String label, Diagnostics d) {
    List<YamlLoader.Document> docs = YamlLoader.forSpecs().load(source, label, Layer.PLATFORM, d);
    if (docs.isEmpty() || docs.get(0).root() == null || docs.get(0).root() instanceof SpecNode.Null) {
      if (!d.hasErrors()) {
        d.error("spec.empty", Position.file(label), "", label + " holds no component type");
      }
      return null;
    }
    if (docs.size() > 1) {
      d.error("spec.multiple-documents", docs.get(1).start(), "", label + " must hold exactly one document");
    }
    return bind(docs.get(0).root(), label, source, d);
  }

  private static ComponentTypeSpec bind(SpecNode root, String label, String source, Diagnostics d) {
    Fields top = Fields.of(root, "", d);
    if (top == null) {
      return null;
    }
    PlatformLoader.checkHeader(top, KIND, d);
    Fields meta = top.childOrEmpty("metadata");
    String name = meta.required("name");
    String description = meta.string("description");
    Position at = meta.position("name");
    String expected = label.substring(label.lastIndexOf('/') + 1).replaceFirst("\\.yaml$", "");
    if (name != null) {
      if (!Names.isLabel(name) || name.length() > Names.LABEL_MAX) {
        d.error("spec.invalid-name", at, "metadata.name", "type name '" + Names.abbreviate(name) + "': " + Names.LABEL_RULE);
      } else if (!name.equals(expected)) {
        d.error("spec.invalid-name", at, "metadata.name", "type '" + name + "' must be written in " + DIRECTORY + "/" + name
            + ".yaml (this file is " + label + "): the file name is how a reader finds it");
      }
      if (ComponentType.ids().contains(name)) {
        d.error("spec.duplicate-name", at, "metadata.name", "'" + name + "' is a built-in type; built-in types: "
            + String.join(", ", ComponentType.ids()));
      }
    }
    meta.finish();
    Fields spec = top.child("spec");
    top.finish();
    if (spec == null) {
      d.error("spec.required", top.position(), "spec", "required field 'spec' is missing (schema and resources)");
      return null;
    }
    ComponentTypeSpec probe = new ComponentTypeSpec(name, description, label, at, List.of(), List.of(), source);
    List<SchemaField> fields = List.of();
    Fields schema = spec.child("schema");
    if (schema != null) {
      Fields fieldsNode = schema.child("spec");
      if (fieldsNode != null) {
        fields = new SimpleSchema(d, probe::locate).fields(fieldsNode.node(), "spec.schema.spec");
        fields = withoutReserved(fields, d);
      }
      schema.finish();
    }
    List<TypeResource> resources = resources(spec, probe, d);
    spec.finish();
    return new ComponentTypeSpec(name, description, label, at, fields, resources, source);
  }

  /**
   * An instance's {@code type} and escape hatches are Slipway's fields, taken by every component
   * whatever its type: a schema field of the same name would make one key mean two things.
   */
  private static List<SchemaField> withoutReserved(List<SchemaField> fields, Diagnostics d) {
    List<SchemaField> out = new ArrayList<>();
    for (SchemaField f : fields) {
      if (!TypedComponentResolver.RESERVED.contains(f.name())) {
        out.add(f);
        continue;
      }
      d.error("spec.invalid-name", f.position(), "spec.schema.spec." + f.name(), "field '" + f.name() + "' is Slipway's own: "
          + (f.name().equals("type") ? "it names the component's type" : "every component takes it as an escape hatch (escape-hatches.md)")
          + ", so a schema cannot declare it; rename the field. Slipway's fields: " + String.join(", ", TypedComponentResolver.RESERVED));
    }
    return out;
  }

  private static List<TypeResource> resources(Fields spec, ComponentTypeSpec probe, Diagnostics d) {
    List<TypeResource> out = new ArrayList<>();
    SpecNode n = spec.raw("resources");
    if (n == null) {
      d.error("spec.required", spec.position(), "spec.resources", "a component type needs resources: the objects an instance renders");
      return out;
    }
    if (!(n instanceof ListNode list) || list.items().isEmpty()) {
      if (n instanceof ListNode) {
        d.error("spec.required", n.position(), "spec.resources", "a component type needs at least one resource");
      } else {
        Fields.typeError(d, n, "spec.resources", "a list of {id, template, includeWhen, readyWhen}");
      }
      return out;
    }
    Map<String, Position> seen = new HashMap<>();
    for (int i = 0; i < list.items().size(); i++) {
      Fields r = Fields.of(list.items().get(i), "spec.resources[" + i + "]", d);
      if (r == null) {
        continue;
      }
      String id = r.required("id");
      if (id != null) {
        if (!RESOURCE_ID.matcher(id).matches() || SimpleSchema.CEL_RESERVED.contains(id)) {
          d.error("spec.invalid-name", r.position("id"), r.path("id"), "resource id '" + id
              + "' is a CEL variable: lower camel case (letters and digits, starting with a lowercase letter), e.g. deployment, serviceAccount");
        } else if (VARIABLES.contains(id)) {
          d.error("spec.invalid-name", r.position("id"), r.path("id"), "resource id '" + id + "' would hide the variable of the same name ("
              + String.join(", ", VARIABLES) + ")");
        } else {
          Position first = seen.putIfAbsent(id, r.position("id"));
          if (first != null) {
            d.error("spec.duplicate-name", r.position("id"), r.path("id"), "resource id '" + id + "' is used twice (first at line " + first.line() + ")");
          }
        }
      }
      SpecNode template = r.raw("template");
      if (template == null) {
        d.error("spec.required", r.position(), r.path("template"), "a resource needs a template: the Kubernetes object it renders");
      } else if (!(template instanceof MapNode)) {
        Fields.typeError(d, template, r.path("template"), "a Kubernetes object (a map)");
      } else {
        checkTemplate(template, r.path("template"), probe, d);
      }
      List<Condition> includeWhen = conditions(r, "includeWhen", probe, d);
      List<Condition> readyWhen = conditions(r, "readyWhen", probe, d);
      r.finish();
      if (id != null && template instanceof MapNode) {
        out.add(new TypeResource(id, r.position(), template, includeWhen, readyWhen));
      }
    }
    return out;
  }

  /** Every {@code ${} closed; no expression in a key; apiVersion, kind and metadata.name present. */
  private static void checkTemplate(SpecNode template, String path, ComponentTypeSpec probe, Diagnostics d) {
    MapNode m = (MapNode) template;
    for (String key : List.of("apiVersion", "kind")) {
      if (!(m.get(key) instanceof Scalar)) {
        d.error("spec.required", m.position(), path + "." + key, "the template needs '" + key + "'");
      }
    }
    if (!(m.get("metadata") instanceof MapNode meta) || !(meta.get("name") instanceof Scalar)) {
      d.error("spec.required", m.position(), path + ".metadata.name", "the template needs metadata.name, e.g. ${component.name}");
    }
    walk(template, path, probe, d);
  }

  private static void walk(SpecNode n, String path, ComponentTypeSpec probe, Diagnostics d) {
    if (n instanceof MapNode m) {
      for (var e : m.entries().entrySet()) {
        if (e.getKey().contains("${")) {
          d.error("spec.invalid-template", m.keyPosition(e.getKey()), path + "." + e.getKey(), "an expression may stand in values only, not in keys");
        }
        walk(e.getValue(), path + "." + e.getKey(), probe, d);
      }
    } else if (n instanceof ListNode l) {
      for (int i = 0; i < l.items().size(); i++) {
        walk(l.items().get(i), path + "[" + i + "]", probe, d);
      }
    } else if (n instanceof Scalar s && s.kind() == Scalar.Kind.STRING && TemplateText.hasExpression(s.value())) {
      try {
        TemplateText.split(s.value());
      } catch (TemplateText.Unterminated u) {
        d.error("spec.invalid-template", probe.locate(s, u.offset()), path, "'${' is never closed with '}'");
      }
    }
  }

  private static List<Condition> conditions(Fields r, String key, ComponentTypeSpec probe, Diagnostics d) {
    List<Condition> out = new ArrayList<>();
    SpecNode n = r.raw(key);
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, r.path(key), "a list of ${...} conditions");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      SpecNode item = list.items().get(i);
      String path = r.path(key) + "[" + i + "]";
      if (!(item instanceof Scalar s) || s.kind() != Scalar.Kind.STRING) {
        Fields.typeError(d, item, path, "a condition written as ${...}");
        continue;
      }
      List<TemplateText.Part> parts;
      try {
        parts = TemplateText.split(s.value().strip());
      } catch (TemplateText.Unterminated u) {
        d.error("spec.invalid-template", probe.locate(s, u.offset()), path, "'${' is never closed with '}'");
        continue;
      }
      if (parts.size() != 1 || !parts.get(0).expression()) {
        d.error("spec.invalid-template", s.position(), path, key + " entries are one expression each, written as ${...}");
        continue;
      }
      int lead = s.value().indexOf(s.value().strip());
      out.add(new Condition(parts.get(0).text(), SourceText.locate(probe.source(), probe.file(), s, lead + parts.get(0).offset())));
    }
    return out;
  }

  /** The built-in types' names and the platform's, for messages. */
  public static List<String> allTypeNames(Set<String> platformTypes) {
    List<String> out = new ArrayList<>(ComponentType.ids());
    platformTypes.stream().sorted().forEach(out::add);
    return out;
  }
}
