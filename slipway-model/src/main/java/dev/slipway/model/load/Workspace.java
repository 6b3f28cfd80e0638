package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.spec.ReleaseSpec;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.score.ScoreApplication;
import dev.slipway.model.score.ScoreFiles;
import dev.slipway.model.score.ScorePlatform;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.YamlLoader;
import dev.slipway.model.yaml.YamlLoader.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A platform repository as loaded from disk: {@code slipway.yaml} and every
 * {@code apps/<name>/app.yaml}, with all problems found while reading them.
 */
public record Workspace(Path root, PlatformSpec platform, List<ApplicationSpec> applications, Diagnostics diagnostics,
    SortedMap<String, SortedMap<String, ReleaseSpec>> releases) {

  public Workspace {
    releases = releases == null ? new TreeMap<>() : releases;
  }

  /** A workspace without release files: every environment renders app.yaml's images. */
  public Workspace(Path root, PlatformSpec platform, List<ApplicationSpec> applications, Diagnostics diagnostics) {
    this(root, platform, applications, diagnostics, null);
  }

  /**
   * The release {@code slipway promote} wrote for an application in an environment
   * ({@code releases/<env>/<app>.yaml}), or null: then the environment renders app.yaml's images.
   */
  public ReleaseSpec release(String environment, String application) {
    SortedMap<String, ReleaseSpec> env = releases.get(environment);
    return env == null ? null : env.get(application);
  }

  public static final String PLATFORM_FILE = "slipway.yaml";
  public static final String APP_FILE = "app.yaml";
  static final String UNREADABLE = "spec.unreadable-application";
  static final String IGNORED = "spec.ignored-file";
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
    if (!docs.isEmpty() && docs.get(0).root() != null && !(docs.get(0).root() instanceof SpecNode.Null)) {
      platform = PlatformLoader.bind(docs.get(0).root(), PLATFORM_FILE, d);
    }
    if (platform != null) {
      platform = platform.withTypes(ComponentTypeLoader.load(root, d));
    }
    if (platform == null && !d.hasErrors()) {
      d.error("spec.empty", Position.file(PLATFORM_FILE), "", PLATFORM_FILE + " holds no platform (it is empty, only comments or null)");
    }
    List<String> envNames = platform == null ? List.of() : platform.environmentNames();
    List<ApplicationSpec> apps = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Path appFile : appFiles(root, d)) {
      String label = root.relativize(appFile).toString().replace('\\', '/');
      Path folder = appFile.getParent();
      String folderLabel = label.substring(0, label.lastIndexOf('/'));
      // What the folder's specs read, so that everything else in it is reported as not read.
      Set<Path> read = new HashSet<>();
      MapNode fromScore = null;
      if (Files.isRegularFile(folder.resolve(ScoreApplication.FILE))) {
        String scoreLabel = folderLabel + "/" + ScoreApplication.FILE;
        ScoreFiles sources = ScoreFiles.in(folder);
        fromScore = ScoreApplication.load(folder.resolve(ScoreApplication.FILE), scoreLabel, sources, ScorePlatform.of(platform), d);
        read.addAll(sources.filesRead());
        if (fromScore == null) {
          reportStrayFiles(folder, folderLabel, read, d);
          continue;
        }
        if (!Files.exists(appFile)) {
          addApplication(withManifests(ApplicationLoader.bind(fromScore, scoreLabel, envNames, d), folder, folderLabel, read, yaml, d),
              seen, apps, d);
          continue;
        }
      }
      Diagnostics fileDiags = new Diagnostics();
      List<Document> appDocs = yaml.loadFile(appFile, label, Layer.APP, fileDiags);
      d.addAll(fileDiags.list());
      if (appDocs.size() > 1) {
        d.error("spec.multiple-documents", appDocs.get(1).start(), "", label + " must hold exactly one document");
      }
      boolean readable = !appDocs.isEmpty();
      if (readable && (appDocs.get(0).root() == null || appDocs.get(0).root() instanceof SpecNode.Null)) {
        readable = false;
      }
      if (!readable) {
        // An unreadable file already has its yaml.* or io.* error; an empty one must not vanish silently.
        if (!fileDiags.hasErrors()) {
          d.error(UNREADABLE, Position.file(label), "",
              label + " holds no application (it is empty, only comments, '---' or null); remove the folder or write the application");
        }
        reportStrayFiles(folder, folderLabel, read, d);
        continue;
      }
      SpecNode appRoot = fromScore == null ? appDocs.get(0).root() : ScoreApplication.combine(fromScore, appDocs.get(0).root(), d);
      addApplication(withManifests(ApplicationLoader.bind(appRoot, label, envNames, d), folder, folderLabel, read, yaml, d), seen, apps, d);
    }
    if (platform != null) {
      checkNamespaces(platform, apps, d);
    }
    ApplicationDependencies.check(apps, d);
    SortedMap<String, SortedMap<String, ReleaseSpec>> releases = ReleaseFiles.load(root, envNames, apps, d);
    return new Workspace(root, platform, List.copyOf(apps), d, releases);
  }

  /** The application with the files its {@code extraManifests} name, which count as read; then the folder's other files are reported. */
  private static ApplicationSpec withManifests(ApplicationSpec app, Path folder, String folderLabel, Set<Path> read, YamlLoader yaml,
      Diagnostics d) {
    ApplicationSpec out = app == null ? null : ManifestFiles.load(app, folder, folderLabel, yaml, d);
    if (out != null) {
      out.manifestFiles().keySet().forEach(m -> read.add(folder.resolve(m).normalize()));
    }
    reportStrayFiles(folder, folderLabel, read, d);
    return out;
  }

  private static void addApplication(ApplicationSpec app, Map<String, String> seen, List<ApplicationSpec> apps, Diagnostics d) {
    if (app == null) {
      return;
    }
    String first = seen.putIfAbsent(app.name(), app.file());
    if (first != null) {
      d.error("spec.duplicate-name", app.position(), "metadata.name", "application '" + app.name() + "' is also defined in " + first);
      return;
    }
    apps.add(app);
  }

  /**
   * The {@code app.yaml} of every folder under {@code apps/} (the path of one, even when only a
   * {@code score.yaml} is there: {@link #load} reads the Score file then). Nothing there may vanish silently: a
   * folder without {@code app.yaml}, an {@code app.yaml} that is not a file and {@code apps} that
   * is not a folder are errors; files Slipway does not read are reported. Hidden entries
   * ({@code .git}, {@code .DS_Store}) are ignored.
   */
  private static List<Path> appFiles(Path root, Diagnostics d) {
    Path apps = root.resolve("apps");
    if (!Files.exists(apps, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    if (!Files.isDirectory(apps)) {
      d.error("spec.apps-not-a-directory", Position.file("apps"), "",
          "apps is not a folder; applications are read from apps/<name>/app.yaml");
      return List.of();
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(apps)) {
      for (Path entry : entries.filter(p -> !hidden(p)).sorted().toList()) {
        String label = "apps/" + entry.getFileName();
        if (!Files.isDirectory(entry)) {
          boolean yaml = label.endsWith(".yaml") || label.endsWith(".yml");
          String base = entry.getFileName().toString().replaceFirst("\\.ya?ml$", "");
          if (yaml) {
            d.error(UNREADABLE, Position.file(label), "", label + " is not read: an application is a folder with an app.yaml"
                + " (move it to apps/" + base + "/" + APP_FILE + ")");
          } else {
            d.warning(IGNORED, Position.file(label), "", label + " is not read: apps/ holds one folder per application");
          }
          continue;
        }
        Path appFile = entry.resolve(APP_FILE);
        boolean exists = Files.exists(appFile);
        boolean score = Files.isRegularFile(entry.resolve(ScoreApplication.FILE));
        if (exists && !Files.isRegularFile(appFile)) {
          d.error(UNREADABLE, Position.file(label + "/" + APP_FILE), "", label + "/" + APP_FILE + " is not a file");
        } else if (!exists && score) {
          // A Score application: its stray files are reported once the Score file says which it reads.
          files.add(appFile);
        } else if (!exists) {
          boolean yml = Files.isRegularFile(entry.resolve("app.yml"));
          d.error(UNREADABLE, Position.file(yml ? label + "/app.yml" : label), "", yml
              ? label + "/app.yml is not read: rename it to " + APP_FILE
              : label + " has no " + APP_FILE + " (or " + ScoreApplication.FILE + "); every folder under apps/ is an application (remove it or add " + APP_FILE + ")");
        } else {
          files.add(appFile);
        }
        if (files.size() > MAX_APPLICATIONS) {
          d.error("spec.too-many", Position.file("apps"), "", "more than " + MAX_APPLICATIONS + " applications; refused");
          return List.of();
        }
      }
      return files;
    } catch (IOException | UncheckedIOException e) {
      d.error("io.read", Position.file("apps"), "", "cannot list apps/: " + e.getMessage());
      return List.of();
    }
  }

  /**
   * Slipway reads only app.yaml, score.yaml and the files they name (a Score file's files, the
   * extraManifests) in an application folder; say so about anything else there.
   */
  private static void reportStrayFiles(Path folder, String label, Set<Path> read, Diagnostics d) {
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path p : entries.filter(x -> !hidden(x)).sorted().limit(100).toList()) {
        String name = p.getFileName().toString();
        boolean readThere = read.stream().anyMatch(r -> r.normalize().startsWith(p.normalize()));
        if (!name.equals(APP_FILE) && !name.equals(ScoreApplication.FILE) && !readThere) {
          d.warning(IGNORED, Position.file(label + "/" + name), "", label + "/" + name + " is not read"
              + (name.equals("app.yml") ? "; Slipway reads " + label + "/" + APP_FILE + " only (merge the two)"
                  : "; Slipway reads only " + APP_FILE + ", " + ScoreApplication.FILE + " and the files they name (extraManifests, Score files)"));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      d.error("io.read", Position.file(label), "", "cannot list " + label + ": " + e.getMessage());
    }
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  /**
   * The namespace pattern, with {@code {app}} and {@code {env}} filled in, must give a namespace
   * name (a DNS label) for every application; reported at the pattern.
   */
  private static void checkNamespaces(PlatformSpec platform, List<ApplicationSpec> apps, Diagnostics d) {
    List<EnvironmentSpec> envs = platform.environments();
    for (int i = 0; i < envs.size(); i++) {
      EnvironmentSpec env = envs.get(i);
      List<String> names = env.namespace().contains("{app}") ? apps.stream().map(ApplicationSpec::name).toList() : List.of("");
      for (String app : names) {
        String ns = env.namespaceFor(app);
        if (!Names.isLabel(ns)) {
          d.error("spec.invalid-name", env.namespacePosition(), "spec.environments[" + i + "].namespace",
              "namespace pattern '" + env.namespace() + "' gives '" + Names.abbreviate(ns) + "'"
                  + (app.isEmpty() ? "" : " for application '" + app + "'") + ", not a namespace name: " + Names.LABEL_RULE);
        }
      }
    }
  }
}
