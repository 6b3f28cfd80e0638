package dev.slipway.engine.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Validates Kubernetes objects offline. Built-in kinds are checked against the structure of
 * fabric8's typed model ({@link TypedSchema}); Slipway's add-on kinds against bundled schemas;
 * anything else against JSON schemas the user points at in kubeconform's layouts.
 */
public final class ManifestValidator {

  /** What to check and how strictly, after kubeconform's flags. */
  public record Options(
      boolean strict,
      List<String> schemaLocations,
      boolean ignoreMissingSchemas,
      Set<String> skipKinds,
      Set<String> rejectKinds,
      String kubernetesVersion) {

    public static final Options RENDERED = new Options(true, List.of(), false, Set.of(), Set.of(), null);
  }

  public enum Status {
    VALID,
    INVALID,
    ERROR,
    SKIPPED
  }

  /**
   * The outcome for one object; {@code schema} names what it was checked against, {@code notes}
   * say what a user should know even when it is valid.
   */
  public record Result(Status status, String schema, List<Problem> problems, List<String> notes) {
    Result(Status status, String schema, List<Problem> problems) {
      this(status, schema, problems, List.of());
    }

    Result withNote(String note) {
      List<String> n = new ArrayList<>(notes);
      n.add(note);
      return new Result(status, schema, problems, List.copyOf(n));
    }
  }

  private final Options options;

  public ManifestValidator(Options options) {
    this.options = options;
  }

  public Result validate(JsonNode obj) {
    String apiVersion = text(obj, "apiVersion");
    String kind = text(obj, "kind");
    if (kind == null || kind.isEmpty()) {
      return new Result(Status.ERROR, null, List.of(new Problem("", "missing 'kind' key")));
    }
    if (apiVersion == null || apiVersion.isEmpty()) {
      return new Result(Status.ERROR, null, List.of(new Problem("", "missing 'apiVersion' key")));
    }
    if (matches(options.skipKinds(), apiVersion, kind)) {
      return new Result(Status.SKIPPED, null, List.of());
    }
    if (matches(options.rejectKinds(), apiVersion, kind)) {
      return new Result(Status.INVALID, null, List.of(new Problem("", "prohibited resource kind " + kind)));
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    List<String> locations = options.schemaLocations().isEmpty() ? List.of("default") : options.schemaLocations();
    List<String> unusable = new ArrayList<>();
    for (String location : locations) {
      if (location.equals("default")) {
        Optional<Class<?>> typed = KubernetesTypes.find(apiVersion, kind);
        if (typed.isPresent()) {
          List<Problem> problems = new ArrayList<>();
          TypedSchema.check(obj, typed.get(), options.strict(), problems);
          return result(problems, "fabric8 " + typed.get().getSimpleName());
        }
        Optional<JsonSchema> bundled = SchemaSource.bundled(group, version, kind);
        if (bundled.isPresent()) {
          return withSchema(obj, bundled.get(), "bundled " + kind + " schema");
        }
        var served = KubernetesTypes.servedVersionOf(group, kind);
        if (served.isPresent()) {
          List<Problem> problems = new ArrayList<>();
          TypedSchema.check(obj, served.get().getValue(), options.strict(), problems);
          return result(problems, "fabric8 " + served.get().getValue().getSimpleName() + " (" + served.get().getKey() + ")")
              .withNote(apiVersion + " " + kind + " is not served by current Kubernetes; validated against "
                  + served.get().getKey() + ", to which it should be migrated");
        }
        continue;
      }
      if (location.startsWith("http://") || location.startsWith("https://")) {
        unusable.add(location + " (a URL: Slipway validates offline; download the schemas and pass a directory)");
        continue;
      }
      for (Path candidate : SchemaSource.candidates(location, group, version, kind, options.kubernetesVersion(), options.strict())) {
        if (Files.isRegularFile(candidate)) {
          try {
            return withSchema(obj, SchemaSource.load(candidate), candidate.toString());
          } catch (IOException | RuntimeException e) {
            return new Result(Status.ERROR, candidate.toString(),
                List.of(new Problem("", "cannot use schema " + candidate + ": " + e.getMessage())));
          }
        }
      }
    }
    if (options.ignoreMissingSchemas()) {
      return new Result(Status.SKIPPED, null, List.of());
    }
    String why = "could not find schema for " + kind + " (" + apiVersion + ")";
    if (!unusable.isEmpty()) {
      why += "; unusable locations: " + String.join(", ", unusable);
    } else if (KubernetesTypes.knowsGroupKind(group, kind)) {
      why += ": this apiVersion is not served by current Kubernetes";
    }
    return new Result(Status.ERROR, null, List.of(new Problem("", why)));
  }

  private Result withSchema(JsonNode obj, JsonSchema schema, String name) {
    List<Problem> problems = new ArrayList<>();
    if (options.schemaLocations().isEmpty() || name.startsWith("bundled")) {
      // Bundled add-on schemas describe spec; metadata is checked against the typed ObjectMeta.
      JsonNode meta = obj.get("metadata");
      if (meta != null) {
        List<Problem> metaProblems = new ArrayList<>();
        TypedSchema.check(meta, ObjectMeta.class, options.strict(), metaProblems);
        metaProblems.forEach(p -> problems.add(new Problem("/metadata" + p.pointer(), p.message())));
      }
      if (options.strict()) {
        obj.fieldNames().forEachRemaining(f -> {
          if (!Set.of("apiVersion", "kind", "metadata", "spec", "status").contains(f)) {
            problems.add(new Problem("/" + f, "unknown field '" + f + "'"));
          }
        });
      }
    }
    for (ValidationMessage m : schema.validate(obj)) {
      String ptr = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
      problems.add(new Problem(ptr, cleanMessage(m.getMessage(), ptr)));
    }
    problems.sort(java.util.Comparator.comparing(Problem::pointer).thenComparing(Problem::message));
    return result(problems, name);
  }

  private static String cleanMessage(String message, String ptr) {
    String prefix = ptr + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static Result result(List<Problem> problems, String schema) {
    return new Result(problems.isEmpty() ? Status.VALID : Status.INVALID, schema, List.copyOf(problems));
  }

  static boolean matches(Set<String> kinds, String apiVersion, String kind) {
    return kinds.contains(kind) || kinds.contains(apiVersion + "/" + kind);
  }

  private static String text(JsonNode obj, String field) {
    JsonNode n = obj.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }
}
