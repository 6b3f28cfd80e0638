package dev.slipway.engine.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.YamlLoader;
import dev.slipway.model.yaml.YamlLoader.Document;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code slipway validate} on manifest files: splits documents and {@code List} kinds into
 * resources, validates each, flags duplicate objects, and keeps file, line and Helm
 * {@code # Source:} attribution for reports.
 */
public final class ManifestCheck {

  /** A file's text and the name reports give it. */
  public record SourceFile(String label, String content) {}

  /** One resource's outcome. {@code line} is where its document or list item starts. */
  public record ResourceResult(
      String file, int line, String source, String apiVersion, String kind, String namespace, String name,
      ManifestValidator.Status status, String schema, List<Located> problems, List<String> notes) {

    public String describe() {
      String generated = notes.stream().filter(n -> n.startsWith("named by the API server from generateName '"))
          .map(n -> n.substring(n.indexOf('\'') + 1, n.length() - 1) + "*").findFirst().orElse("(no name)");
      String id = (kind == null ? "(no kind)" : kind) + " " + (name == null ? generated : name);
      return namespace == null ? id : id + " in " + namespace;
    }
  }

  /** A problem with its field path and the line it is on. */
  public record Located(String path, int line, int column, String message) {}

  /** Everything about one run. File-level errors (unparsable YAML) are in {@code fileErrors}. */
  public record Report(List<ResourceResult> resources, Diagnostics fileErrors) {
    public long count(ManifestValidator.Status s) {
      return resources.stream().filter(r -> r.status() == s).count();
    }

    public boolean ok() {
      return !fileErrors.hasErrors() && count(ManifestValidator.Status.INVALID) == 0 && count(ManifestValidator.Status.ERROR) == 0;
    }
  }

  private final ManifestValidator validator;
  private final ManifestValidator.Options options;
  private final String defaultNamespace;

  private final boolean exitOnError;

  public ManifestCheck(ManifestValidator.Options options, String defaultNamespace) {
    this(options, defaultNamespace, false);
  }

  /**
   * @param exitOnError stop at the first resource that is invalid or in error, as kubeval's
   *     {@code --exit-on-error}: the report then ends with it
   */
  public ManifestCheck(ManifestValidator.Options options, String defaultNamespace, boolean exitOnError) {
    this.exitOnError = exitOnError;
    this.options = options;
    this.validator = new ManifestValidator(options);
    this.defaultNamespace = defaultNamespace == null ? "default" : defaultNamespace;
  }

  public Report check(List<SourceFile> files) {
    Diagnostics fileErrors = new Diagnostics();
    List<ResourceResult> results = new ArrayList<>();
    Map<String, ResourceResult> seen = new HashMap<>();
    YamlLoader loader = new YamlLoader(YamlLoader.Limits.MANIFESTS, options.strict());
    for (SourceFile f : files) {
      // Helm's "# Source: <template>" names the template of its document and of the documents after
      // it, until the next such comment (as kubeval attributes them).
      String currentSource = null;
      Diagnostics d = new Diagnostics();
      List<Document> docs = loader.load(f.content(), f.label(), Layer.APP, d);
      d.list().forEach(x -> {
        if (x.code().equals("yaml.duplicate-key")) {
          results.add(new ResourceResult(f.label(), x.line(), null, null, null, null, null, ManifestValidator.Status.INVALID,
              null, List.of(new Located(x.path(), x.line(), x.column(), x.message())), List.of()));
        } else {
          fileErrors.add(x);
        }
      });
      for (Document doc : docs) {
        if (doc.root() == null || doc.root() instanceof SpecNode.Null) {
          continue;
        }
        String named = helmSource(doc.leadingComments());
        currentSource = named != null ? named : currentSource;
        String source = currentSource;
        for (SpecNode item : expandLists(doc.root())) {
          ResourceResult r = duplicateCheck(checkOne(f.label(), source, item), seen);
          results.add(r);
          if (exitOnError && (r.status() == ManifestValidator.Status.ERROR || r.status() == ManifestValidator.Status.INVALID)) {
            return new Report(List.copyOf(results), fileErrors);
          }
        }
      }
    }
    return new Report(List.copyOf(results), fileErrors);
  }

  private static String helmSource(List<String> comments) {
    for (String c : comments) {
      if (c.startsWith("# Source:")) {
        return c.substring("# Source:".length()).trim();
      }
    }
    return null;
  }

  /** A {@code kind: List} (or {@code *List}) document stands for its items. */
  private static List<SpecNode> expandLists(SpecNode root) {
    if (root instanceof MapNode m && m.get("kind") instanceof SpecNode.Scalar k && k.value().endsWith("List")
        && m.get("items") != null) {
      List<SpecNode> out = new ArrayList<>();
      if (m.get("items") instanceof ListNode items) {
        for (SpecNode i : items.items()) {
          out.addAll(expandLists(i));
        }
      }
      return out;
    }
    return List.of(root);
  }

  private ResourceResult checkOne(String file, String source, SpecNode node) {
    Position at = node.position();
    if (!(node instanceof MapNode)) {
      return new ResourceResult(file, at.line(), source, null, null, null, null, ManifestValidator.Status.ERROR, null,
          List.of(new Located("", at.line(), at.column(), "document is a " + node.typeName() + ", not a Kubernetes object")), List.of());
    }
    JsonNode json = JsonView.of(node);
    String apiVersion = text(json, "apiVersion");
    String kind = text(json, "kind");
    // An object named by generateName has no name yet; reports show the prefix.
    String name = text(json.path("metadata"), "name");
    String generateName = text(json.path("metadata"), "generateName");
    String namespace = text(json.path("metadata"), "namespace");
    ManifestValidator.Result r = validator.validate(json);
    List<Located> problems = new ArrayList<>();
    for (Problem p : r.problems()) {
      Position pos = JsonView.locate(node, p.pointer());
      problems.add(new Located(p.fieldPath(), pos.line(), pos.column(), p.message()));
    }
    List<String> notes = new ArrayList<>(r.notes());
    if (name == null && generateName != null) {
      notes.add("named by the API server from generateName '" + generateName + "'");
    }
    return new ResourceResult(file, at.line(), source, apiVersion, kind, namespace, name, r.status(), r.schema(), problems, notes);
  }

  /** The same apiVersion, kind, namespace and name twice is an error: which one would be applied? */
  private ResourceResult duplicateCheck(ResourceResult r, Map<String, ResourceResult> seen) {
    if (r.kind() == null || r.apiVersion() == null || r.name() == null || r.status() == ManifestValidator.Status.SKIPPED
        || ManifestValidator.matches(options.skipKinds(), r.apiVersion(), r.kind())) {
      return r;
    }
    Optional<Class<?>> type = KubernetesTypes.find(r.apiVersion(), r.kind());
    boolean namespaced = type.map(KubernetesTypes::isNamespaced).orElse(true);
    String ns = namespaced ? (r.namespace() == null ? defaultNamespace : r.namespace()) : "";
    String key = r.apiVersion() + "|" + r.kind() + "|" + ns + "|" + r.name();
    ResourceResult first = seen.putIfAbsent(key, r);
    if (first == null) {
      return r;
    }
    List<Located> problems = new ArrayList<>(r.problems());
    problems.add(new Located("metadata.name", r.line(), 0, "duplicate " + r.kind() + " " + r.name()
        + (namespaced ? " in namespace " + ns : "") + " (first at " + first.file() + ":" + first.line() + ")"));
    return new ResourceResult(r.file(), r.line(), r.source(), r.apiVersion(), r.kind(), r.namespace(), r.name(),
        ManifestValidator.Status.ERROR, r.schema(), problems, r.notes());
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
