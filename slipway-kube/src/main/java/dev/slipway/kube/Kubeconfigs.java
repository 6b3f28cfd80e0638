package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads kubeconfig files as kubectl does. With several files ({@code KUBECONFIG=a:b}), they are
 * merged: for clusters, users and contexts the first file that defines a name wins, and so does the
 * first {@code current-context}; files that do not exist are skipped. Relative paths in a file
 * (certificate and key files, token files) are resolved against that file's directory, as kubectl
 * does, before the files are merged.
 */
public final class Kubeconfigs {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final List<String> SECTIONS = List.of("clusters", "users", "contexts");
  private static final Map<String, List<String>> PATH_FIELDS = Map.of(
      "clusters", List.of("cluster/certificate-authority"),
      "users", List.of("user/client-certificate", "user/client-key", "user/tokenFile"));

  /** The merged configuration and the files it came from. */
  public record Merged(String yaml, List<Path> files, JsonNode tree) {
    public boolean hasContext(String name) {
      for (JsonNode c : tree.path("contexts")) {
        if (c.path("name").asText().equals(name)) {
          return true;
        }
      }
      return false;
    }

    /** The API server address of a context, or null. */
    public String server(String context) {
      String cluster = null;
      for (JsonNode c : tree.path("contexts")) {
        if (c.path("name").asText().equals(context)) {
          cluster = c.path("context").path("cluster").asText(null);
        }
      }
      for (JsonNode c : tree.path("clusters")) {
        if (c.path("name").asText().equals(cluster)) {
          return c.path("cluster").path("server").asText(null);
        }
      }
      return null;
    }
  }

  private Kubeconfigs() {}

  /** The files named by {@code --kubeconfig}, else {@code $KUBECONFIG} (path-separated), else {@code ~/.kube/config}. */
  public static List<Path> locate(Path explicit, String kubeconfigEnv, String home) {
    if (explicit != null) {
      return List.of(explicit);
    }
    if (kubeconfigEnv != null && !kubeconfigEnv.isBlank()) {
      List<Path> out = new ArrayList<>();
      for (String part : kubeconfigEnv.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          out.add(Path.of(part));
        }
      }
      return out;
    }
    return List.of(Path.of(home, ".kube", "config"));
  }

  /** Reads and merges the files; throws with the file named when none exists or one cannot be read. */
  public static Merged load(List<Path> files) throws IOException {
    Map<String, Map<String, JsonNode>> sections = new LinkedHashMap<>();
    SECTIONS.forEach(s -> sections.put(s, new LinkedHashMap<>()));
    String current = null;
    List<Path> read = new ArrayList<>();
    ObjectNode preferences = null;
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        continue;
      }
      String text;
      try {
        text = Files.readString(f);
      } catch (IOException e) {
        throw new IOException("cannot read kubeconfig " + f + ": " + e.getMessage(), e);
      }
      JsonNode doc;
      try {
        doc = YAML.readTree(text);
      } catch (IOException e) {
        throw new IOException("cannot read kubeconfig " + f + ": not valid YAML", e);
      }
      if (doc == null || !doc.isObject()) {
        continue;
      }
      read.add(f);
      Path dir = f.toAbsolutePath().getParent();
      for (String section : SECTIONS) {
        for (JsonNode entry : doc.path(section)) {
          String name = entry.path("name").asText(null);
          if (name == null || sections.get(section).containsKey(name)) {
            continue;
          }
          ObjectNode copy = entry.deepCopy();
          for (String field : PATH_FIELDS.getOrDefault(section, List.of())) {
            String[] parts = field.split("/");
            JsonNode holder = copy.path(parts[0]);
            if (holder instanceof ObjectNode o && o.path(parts[1]).isTextual()) {
              Path p = Path.of(o.path(parts[1]).asText());
              if (!p.isAbsolute()) {
                o.put(parts[1], dir.resolve(p).normalize().toString());
              }
            }
          }
          // An exec plugin named by a relative path (with a separator) is found from the kubeconfig's directory.
          if (copy.path("user").path("exec") instanceof ObjectNode exec && exec.path("command").isTextual()) {
            String command = exec.path("command").asText();
            if (command.contains("/") && !Path.of(command).isAbsolute()) {
              exec.put("command", dir.resolve(command).normalize().toString());
            }
          }
          sections.get(section).put(name, copy);
        }
      }
      if (current == null && doc.path("current-context").isTextual() && !doc.path("current-context").asText().isEmpty()) {
        current = doc.path("current-context").asText();
      }
      if (preferences == null && doc.path("preferences").isObject()) {
        preferences = (ObjectNode) doc.path("preferences");
      }
    }
    if (read.isEmpty()) {
      throw new IOException("no kubeconfig at " + files.stream().map(Path::toString).reduce((a, b) -> a + File.pathSeparator + b).orElse("")
          + " (use --kubeconfig or KUBECONFIG)");
    }
    ObjectNode merged = YAML.createObjectNode();
    merged.put("apiVersion", "v1").put("kind", "Config");
    for (String section : SECTIONS) {
      ArrayNode arr = merged.putArray(section);
      sections.get(section).values().forEach(arr::add);
    }
    if (current != null) {
      merged.put("current-context", current);
    }
    if (preferences != null) {
      merged.set("preferences", preferences);
    }
    return new Merged(YAML.writeValueAsString(merged), List.copyOf(read), merged);
  }
}
