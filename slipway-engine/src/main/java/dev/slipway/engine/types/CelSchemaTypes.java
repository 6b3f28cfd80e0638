package dev.slipway.engine.types;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.slipway.model.spec.ComponentTypeSpec.FieldType;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.TemplateText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * CEL types for one component type: struct types for its schema and for the objects its templates
 * render, so that {@code schema.spec.replica} or {@code service.metadata.nme} is a type error
 * offline. CEL's runtime selects fields of plain maps, so values are evaluated as maps against
 * programs checked with these types.
 *
 * <p>Struct names live under {@code slipway.types.<type>} so that they never collide with a
 * variable path such as {@code schema.spec}: CEL resolves a qualified name as a type first.
 */
final class CelSchemaTypes implements CelTypeProvider {
  /** Map-like fields of Kubernetes objects: read with {@code ["key"]}, their keys are not identifiers. */
  private static final Set<String> MAP_FIELDS = Set.of("labels", "annotations", "matchLabels", "data", "stringData", "binaryData",
      "nodeSelector", "selector", "parameters");
  private static final Pattern IDENTIFIER = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");
  static final CelType STRING_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);

  private final String prefix;
  private final List<CelType> declared = new ArrayList<>();

  CelSchemaTypes(String typeName) {
    this.prefix = "slipway.types." + typeName.replace('-', '_') + ".";
  }

  @Override
  public ImmutableCollection<CelType> types() {
    return ImmutableList.copyOf(declared);
  }

  @Override
  public Optional<CelType> findType(String name) {
    return declared.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** A struct of named fields, registered with this provider. */
  StructType struct(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = new LinkedHashMap<>(fields);
    StructType t = StructType.create(prefix + name, ImmutableSet.copyOf(copy.keySet()), f -> Optional.ofNullable(copy.get(f)));
    declared.add(t);
    return t;
  }

  /** {@code schema}: a struct with one field, {@code spec}, holding the schema's fields. */
  StructType schema(List<SchemaField> fields) {
    return struct("Schema", Map.of("spec", object("Spec", fields)));
  }

  private StructType object(String name, List<SchemaField> fields) {
    Map<String, CelType> out = new LinkedHashMap<>();
    for (SchemaField f : fields) {
      out.put(f.name(), of(name + "_" + f.name(), f.type()));
    }
    return struct(name, out);
  }

  private CelType of(String name, FieldType t) {
    return switch (t.kind()) {
      case STRING -> SimpleType.STRING;
      case INTEGER -> SimpleType.INT;
      case FLOAT -> SimpleType.DOUBLE;
      case BOOLEAN -> SimpleType.BOOL;
      case LIST -> ListType.create(of(name + "_item", t.element()));
      case MAP -> MapType.create(SimpleType.STRING, t.element() == null ? SimpleType.DYN : of(name + "_value", t.element()));
      case OBJECT -> object(name, t.fields());
    };
  }

  /**
   * The type of the object a template renders, as far as it is known offline: literal values by
   * their YAML type, a value that is one expression by the expression's type ({@code exprTypes}
   * gives it; dyn when unknown), interpolated strings as strings. Fields the cluster adds
   * ({@code status}, {@code metadata.uid}) are not there: a reference to them is a type error.
   */
  CelType rendered(String id, SpecNode template, Function<Scalar, CelType> exprTypes) {
    return rendered(id, "", template, exprTypes);
  }

  private CelType rendered(String id, String path, SpecNode n, Function<Scalar, CelType> exprTypes) {
    if (n instanceof MapNode m) {
      boolean identifiers = m.entries().keySet().stream().allMatch(k -> IDENTIFIER.matcher(k).matches());
      String last = path.substring(path.lastIndexOf('_') + 1);
      if (!identifiers || MAP_FIELDS.contains(last)) {
        return STRING_MAP;
      }
      Map<String, CelType> fields = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> fields.put(k, rendered(id, path + "_" + k, v, exprTypes)));
      return struct("resource_" + id + path, fields);
    }
    if (n instanceof SpecNode.ListNode) {
      return ListType.create(SimpleType.DYN);
    }
    if (n instanceof Scalar s) {
      if (s.kind() == Scalar.Kind.STRING && TemplateText.hasExpression(s.value())) {
        List<TemplateText.Part> parts = TemplateText.split(s.value());
        if (parts.size() == 1 && parts.get(0).expression()) {
          CelType t = exprTypes.apply(s);
          return t == null ? SimpleType.DYN : t;
        }
        return SimpleType.STRING;
      }
      return switch (s.kind()) {
        case STRING -> SimpleType.STRING;
        case INT -> SimpleType.INT;
        case FLOAT -> SimpleType.DOUBLE;
        case BOOL -> SimpleType.BOOL;
      };
    }
    return SimpleType.DYN;
  }

  /** The variables every template reads besides {@code schema} and resources. */
  Map<String, CelType> context() {
    Map<String, CelType> out = new LinkedHashMap<>();
    out.put("component", struct("Component", Map.of("name", SimpleType.STRING)));
    out.put("app", struct("App", Map.of("name", SimpleType.STRING, "namespace", SimpleType.STRING)));
    StructType cluster = struct("Cluster", Map.of("name", SimpleType.STRING, "context", SimpleType.STRING));
    Map<String, CelType> env = new LinkedHashMap<>();
    env.put("name", SimpleType.STRING);
    env.put("domain", SimpleType.STRING);
    env.put("production", SimpleType.BOOL);
    env.put("cluster", cluster);
    out.put("env", struct("Env", env));
    out.put("platform", struct("Platform", Map.of("name", SimpleType.STRING, "region", SimpleType.STRING)));
    return out;
  }
}
