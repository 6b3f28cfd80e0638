package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.YamlLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the files {@code extraManifests} names, in any component or environment override of an
 * application, when the workspace is loaded: resolving an application for an environment then
 * needs no file system, and a file is read once however many environments use it. Whether a
 * name is allowed and whether its file exists is reported by the resolver, at the field.
 */
public final class ManifestFiles {
  public static final String FIELD = "extraManifests";

  private ManifestFiles() {}

  /** Every file name written under {@code extraManifests} in the application, in name order. */
  public static TreeSet<String> named(ApplicationSpec app) {
    TreeSet<String> out = new TreeSet<>();
    app.components().values().forEach(c -> collect(c, out));
    app.overrides().values().forEach(env -> env.values().forEach(c -> collect(c, out)));
    return out;
  }

  private static void collect(SpecNode component, TreeSet<String> out) {
    if (component instanceof MapNode m && m.get(FIELD) instanceof ListNode l) {
      for (SpecNode item : l.items()) {
        if (item instanceof Scalar s && problem(s.value()) == null) {
          out.add(s.value());
        }
      }
    }
  }

  /** Why {@code name} may not name a manifest file, or null: it stays inside the application's folder. */
  public static String problem(String name) {
    if (name.isBlank()) {
      return "a file name must not be empty";
    }
    if (name.startsWith("/") || name.contains("\\") || name.matches("^[A-Za-z]:.*")) {
      return "'" + name + "' is not a path relative to the application's folder";
    }
    for (String part : name.split("/")) {
      if (part.equals("..") || part.equals(".") || part.isEmpty()) {
        return "'" + name + "' must stay inside the application's folder (no '.', '..' or empty parts)";
      }
    }
    if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
      return "'" + name + "' is not a YAML file (.yaml or .yml)";
    }
    return null;
  }

  private static boolean insideFolder(Path folder, Path file) {
    try {
      return file.toRealPath().startsWith(folder.toRealPath());
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Reads the named files of the application in {@code folder} ({@code label} as diagnostics name it). */
  public static ApplicationSpec load(ApplicationSpec app, Path folder, String label, YamlLoader yaml, Diagnostics d) {
    TreeSet<String> names = named(app);
    if (names.isEmpty()) {
      return app;
    }
    SortedMap<String, List<SpecNode>> files = new TreeMap<>();
    for (String name : names) {
      Path file = folder.resolve(name);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      if (!insideFolder(folder, file)) {
        // A link out of the application's folder (to another application's files, or /etc): not read.
        d.error("spec.invalid-value", Position.file(label + "/" + name), "extraManifests",
            label + "/" + name + " leads outside the application's folder (a symbolic link); extraManifests are read from the folder only");
        continue;
      }
      List<SpecNode> docs = new ArrayList<>();
      for (YamlLoader.Document doc : yaml.loadFile(file, label + "/" + name, Layer.APP, d)) {
        if (doc.root() != null && !(doc.root() instanceof SpecNode.Null)) {
          docs.add(doc.root());
        }
      }
      files.put(name, List.copyOf(docs));
    }
    return app.withManifestFiles(files);
  }
}
