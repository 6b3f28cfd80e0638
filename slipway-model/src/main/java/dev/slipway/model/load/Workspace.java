package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.YamlLoader;
import dev.slipway.model.yaml.YamlLoader.Document;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A platform repository as loaded from disk: {@code slipway.yaml} and every
 * {@code apps/<name>/app.yaml}, with all problems found while reading them.
 */
public record Workspace(Path root, PlatformSpec platform, List<ApplicationSpec> applications, Diagnostics diagnostics) {

  public static final String PLATFORM_FILE = "slipway.yaml";
  public static final int MAX_APPLICATIONS = 20_000;

  public static Workspace load(Path root) {
    Diagnostics d = new Diagnostics();
    YamlLoader yaml = YamlLoader.forSpecs();
    Path platformFile = root.resolve(PLATFORM_FILE);
    if (!Files.isRegularFile(platformFile)) {
      d.error("io.missing", Position.file(PLATFORM_FILE), "",
          "no " + PLATFORM_FILE + " in " + root.toAbsolutePath().normalize() + " (is this a platform directory?)");
      return new Workspace(root, null, List.of(), d);
    }
    PlatformSpec platform = null;
    List<Document> docs = yaml.loadFile(platformFile, PLATFORM_FILE, Layer.PLATFORM, d);
    if (docs.size() > 1) {
      d.error("spec.multiple-documents", docs.get(1).start(), "", PLATFORM_FILE + " must hold exactly one document");
    }
    if (!docs.isEmpty() && docs.get(0).root() != null) {
      platform = PlatformLoader.bind(docs.get(0).root(), PLATFORM_FILE, d);
    } else if (!d.hasErrors()) {
      d.error("spec.empty", Position.file(PLATFORM_FILE), "", PLATFORM_FILE + " is empty");
    }
    List<String> envNames = platform == null ? List.of() : platform.environmentNames();
    List<ApplicationSpec> apps = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Path appFile : appFiles(root, d)) {
      String label = root.relativize(appFile).toString().replace('\\', '/');
      List<Document> appDocs = yaml.loadFile(appFile, label, Layer.APP, d);
      if (appDocs.size() > 1) {
        d.error("spec.multiple-documents", appDocs.get(1).start(), "", label + " must hold exactly one document");
      }
      if (appDocs.isEmpty() || appDocs.get(0).root() == null) {
        if (appDocs.isEmpty() && !d.hasErrors()) {
          d.error("spec.empty", Position.file(label), "", label + " is empty");
        }
        continue;
      }
      ApplicationSpec app = ApplicationLoader.bind(appDocs.get(0).root(), label, envNames, d);
      if (app == null) {
        continue;
      }
      String first = seen.putIfAbsent(app.name(), label);
      if (first != null) {
        d.error("spec.duplicate-name", app.position(), "metadata.name",
            "application '" + app.name() + "' is also defined in " + first);
        continue;
      }
      apps.add(app);
    }
    return new Workspace(root, platform, List.copyOf(apps), d);
  }

  private static List<Path> appFiles(Path root, Diagnostics d) {
    Path apps = root.resolve("apps");
    if (!Files.isDirectory(apps)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(apps)) {
      List<Path> files = dirs.filter(Files::isDirectory)
          .map(p -> p.resolve("app.yaml"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
      if (files.size() > MAX_APPLICATIONS) {
        d.error("spec.too-many", Position.file("apps"), "", "more than " + MAX_APPLICATIONS + " applications; refused");
        return List.of();
      }
      return files;
    } catch (IOException e) {
      d.error("io.read", Position.file("apps"), "", "cannot list apps/: " + e.getMessage());
      return List.of();
    }
  }
}
