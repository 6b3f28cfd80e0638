package dev.slipway.engine.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds JSON schemas for custom resources: Slipway's bundled add-on schemas, and schemas in
 * kubeconform's layouts on local disk ({@code --schema-location DIR}, a template such as
 * {@code DIR/{{ .ResourceKind }}{{ .KindSuffix }}.json}, or one file). Never downloads: a URL
 * location is reported as unusable offline.
 */
public final class SchemaSource {
  private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
      .pathType(PathType.JSON_POINTER)
      // kubeconform does not assert formats either: "5m" must pass format: duration.
      .formatAssertionsEnabled(false)
      .build();
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Map<String, Optional<JsonSchema>> BUNDLED = new ConcurrentHashMap<>();
  private static final Map<Path, JsonSchema> FILES = new ConcurrentHashMap<>();

  private SchemaSource() {}

  /** The bundled schema for one of the add-on kinds Slipway renders. */
  public static Optional<JsonSchema> bundled(String group, String version, String kind) {
    String name = group + "_" + kind.toLowerCase(Locale.ROOT) + "_" + version + ".yaml";
    return BUNDLED.computeIfAbsent(name, n -> {
      try (InputStream in = SchemaSource.class.getResourceAsStream("/dev/slipway/engine/schemas/" + n)) {
        if (in == null) {
          return Optional.empty();
        }
        return Optional.of(FACTORY.getSchema(YAML.readTree(in), CONFIG));
      } catch (IOException e) {
        throw new IllegalStateException("bundled schema " + n + " is unreadable", e);
      }
    });
  }

  /** Candidate schema files for a resource under one user-given location, in the order kubeconform tries. */
  static List<Path> candidates(String location, String group, String version, String kind, String k8sVersion, boolean strict) {
    String lower = kind.toLowerCase(Locale.ROOT);
    String firstLabel = group.isEmpty() ? "" : group.split("\\.")[0];
    String suffix = group.isEmpty() ? "-" + version : "-" + firstLabel + "-" + version;
    String normalized = k8sVersion == null || k8sVersion.equals("master") ? "master" : "v" + k8sVersion.replaceFirst("^v", "");
    String strictSuffix = strict ? "-strict" : "";
    List<Path> out = new ArrayList<>();
    if (location.contains("{{")) {
      String p = location
          .replaceAll("\\{\\{\\s*\\.ResourceKind\\s*}}", lower)
          .replaceAll("\\{\\{\\s*\\.KindSuffix\\s*}}", suffix)
          .replaceAll("\\{\\{\\s*\\.Group\\s*}}", group)
          .replaceAll("\\{\\{\\s*\\.ResourceAPIVersion\\s*}}", version)
          .replaceAll("\\{\\{\\s*\\.NormalizedKubernetesVersion\\s*}}", normalized)
          .replaceAll("\\{\\{\\s*\\.StrictSuffix\\s*}}", strictSuffix);
      out.add(Path.of(p));
      return out;
    }
    Path base = Path.of(location);
    if (Files.isRegularFile(base)) {
      out.add(base);
      return out;
    }
    out.add(base.resolve(normalized + "-standalone" + strictSuffix).resolve(lower + suffix + ".json"));
    out.add(base.resolve(lower + suffix + ".json"));
    if (!group.isEmpty()) {
      out.add(base.resolve(group).resolve(lower + "_" + version + ".json"));
    }
    return out;
  }

  /** Loads a schema file; relative {@code $ref}s resolve against the file's own location. */
  static JsonSchema load(Path file) throws IOException {
    JsonSchema cached = FILES.get(file);
    if (cached != null) {
      return cached;
    }
    if (Files.size(file) > 64L << 20) {
      throw new IOException("schema file is larger than 64 MiB");
    }
    JsonNode node = YAML.readTree(file.toFile());
    JsonSchema s = FACTORY.getSchema(SchemaLocation.of(file.toAbsolutePath().toUri().toString()), node, CONFIG);
    FILES.put(file, s);
    return s;
  }
}
