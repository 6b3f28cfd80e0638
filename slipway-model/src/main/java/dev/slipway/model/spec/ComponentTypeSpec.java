package dev.slipway.model.spec;

import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * A component type the platform team defines in {@code componentTypes/<name>.yaml}, in the spirit
 * of kro's ResourceGraphDefinition: a schema of the fields an application may set and the
 * Kubernetes objects an instance renders, written as templates with CEL expressions
 * ({@code ${...}}). Applications use it as {@code type: <name>}; it is checked offline when the
 * platform is planned, before any application uses it.
 *
 * <p>The schema is kept as plain records (not as the YAML it was written in) so that other
 * readers ({@code slipway types}, schema export) need not understand kro's marker syntax.
 *
 * @param name the type's name ({@code metadata.name}, equal to the file name): what {@code type:} names
 * @param description one line for {@code slipway types}; empty when not written
 * @param file the file, relative to the platform directory
 * @param position where {@code metadata.name} is written
 * @param fields the schema's top-level fields ({@code spec.schema.spec}), in the order written
 * @param resources the objects an instance renders, in the order written
 * @param source the file's text: maps a character inside a template value to its line and column
 */
public record ComponentTypeSpec(
    String name, String description, String file, Position position, List<SchemaField> fields, List<TypeResource> resources,
    String source) {

  public ComponentTypeSpec {
    description = description == null ? "" : description;
    fields = List.copyOf(fields);
    resources = List.copyOf(resources);
  }

  /**
   * One field of the schema, after kro's markers ({@code integer | default=1 minimum=1}) are read.
   *
   * @param defaultValue the default as a plain value ({@code String}, {@code Long}, {@code Double},
   *     {@code Boolean}), or null when there is none; objects take their fields' defaults
   * @param enumValues the allowed values as written, empty when any value of the type is allowed
   * @param minimum the smallest allowed number (integer and float fields), or null
   * @param maximum the largest allowed number, or null
   * @param required whether an application must set it (a field with a default never needs setting)
   * @param description what the field means; empty when not written
   * @param position where the field is written in the type file
   */
  public record SchemaField(
      String name, FieldType type, Object defaultValue, List<String> enumValues, BigDecimal minimum, BigDecimal maximum,
      boolean required, String description, Position position) {

    public SchemaField {
      enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
      description = description == null ? "" : description;
    }
  }

  /**
   * A schema type: a scalar, a list or map of a type, or an object with named fields.
   *
   * @param element the element type of a list, the value type of a map; null otherwise
   * @param fields the fields of an object; empty otherwise
   */
  public record FieldType(Kind kind, FieldType element, List<SchemaField> fields) {
    public FieldType {
      fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public static FieldType of(Kind kind) {
      return new FieldType(kind, null, List.of());
    }

    /** The kinds of kro's SimpleSchema; {@code float} is also accepted as {@code number}. */
    public enum Kind {
      STRING,
      INTEGER,
      FLOAT,
      BOOLEAN,
      LIST,
      MAP,
      OBJECT;

      public String label() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    /** As kro writes it: {@code string}, {@code []integer}, {@code map[string]string}, {@code object}. */
    public String describe() {
      return switch (kind) {
        case LIST -> "[]" + element.describe();
        case MAP -> "map[string]" + element.describe();
        default -> kind.label();
      };
    }

    public boolean scalar() {
      return kind != Kind.LIST && kind != Kind.MAP && kind != Kind.OBJECT;
    }
  }

  /**
   * One object an instance renders.
   *
   * @param id a lower-camel CEL identifier, unique in the type: other templates read this
   *     object's rendered fields as {@code ${id.metadata.name}}
   * @param template the Kubernetes object with {@code ${...}} in its scalar values
   * @param includeWhen conditions that must all be true for the object to be rendered
   * @param readyWhen conditions over the live object ({@code id.status...}) that must all hold for it to be Healthy
   */
  public record TypeResource(String id, Position position, SpecNode template, List<Condition> includeWhen, List<Condition> readyWhen) {
    public TypeResource {
      includeWhen = List.copyOf(includeWhen);
      readyWhen = List.copyOf(readyWhen);
    }
  }

  /**
   * One {@code ${expression}} of {@code includeWhen} or {@code readyWhen}.
   *
   * @param expression the CEL text between {@code ${} and {@code }}
   * @param position where the expression's first character is written
   */
  public record Condition(String expression, Position position) {}

  /**
   * Where the character at {@code offset} of a template value is written in the file: exact for
   * plain, quoted and block scalars as long as the text from there to the end of its line carries
   * no escape sequence; otherwise the value's own position.
   */
  public Position locate(SpecNode.Scalar value, int offset) {
    return dev.slipway.model.yaml.SourceText.locate(source, file, value, offset);
  }
}
