package dev.slipway.cli;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.OutputLayout;
import dev.slipway.engine.plan.Plan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * Writes the output tree incrementally: files whose content is unchanged are not touched, files
 * of objects no longer rendered are deleted, so the regenerated directories hold exactly the
 * plan. It refuses to touch a directory it did not create.
 */
final class OutputWriter {
  static final String MARKER = ".slipway-output";

  /** The output directory exists and holds files Slipway did not write. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private OutputWriter() {}

  /**
   * Returns a one-line summary of what was written. Every path must stay inside {@code outDir}
   * once normalised, and nothing is written through a symbolic link inside the output tree: the
   * whole plan is checked before the first file is written, and each file is then opened without
   * following links, so a link planted in between fails instead of redirecting the write.
   */
  static String write(Path outDir, SortedMap<String, String> files, Plan plan, boolean appsOnly) throws IOException, Refused {
    if (Files.isDirectory(outDir) && !Files.exists(outDir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS) && !isEmpty(outDir)) {
      throw new Refused(outDir + " exists and was not written by slipway; choose another --out-dir or remove it");
    }
    Files.createDirectories(outDir);
    Path base = outDir.toRealPath();
    SortedMap<String, Path> targets = new java.util.TreeMap<>();
    for (String key : files.keySet()) {
      if (appsOnly && (key.endsWith("/kustomization.yaml") && key.split("/").length == 2
          || key.contains("/" + OutputLayout.CLUSTER_DIR + "/"))) {
        continue;
      }
      targets.put(key, confined(base, key));
    }
    Set<Path> fresh = checkNoLinks(base, targets.values());
    writeFile(base.resolve(MARKER), "Written by slipway plan. Directories here are regenerated on every plan.\n".getBytes(StandardCharsets.UTF_8));
    List<Path> regenerated = new ArrayList<>();
    for (EnvironmentPlan e : plan.environments()) {
      if (appsOnly) {
        e.applications().forEach(a -> regenerated.add(base.resolve(e.name()).resolve(a.name())));
      } else {
        regenerated.add(base.resolve(e.name()));
      }
    }
    int deleted = 0;
    for (Path dir : regenerated) {
      deleted += deleteStale(dir, base, files);
    }
    int written = 0;
    int unchanged = 0;
    Set<Path> known = new HashSet<>();
    for (Map.Entry<String, Path> f : targets.entrySet()) {
      Path p = f.getValue();
      Path dir = p.getParent();
      if (known.add(dir) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir);
        fresh.add(dir);
      }
      byte[] content = files.get(f.getKey()).getBytes(StandardCharsets.UTF_8);
      // Directories created by this run hold no earlier files: nothing to compare, nothing to stat.
      if (!fresh.contains(dir) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == content.length
          && Arrays.equals(Files.readAllBytes(p), content)) {
        unchanged++;
        continue;
      }
      writeFile(p, content);
      written++;
    }
    return written + " files written, " + unchanged + " unchanged, " + deleted + " removed in " + outDir.normalize();
  }

  /** The file's path under {@code base}; refused when it would resolve outside it. */
  static Path confined(Path base, String key) throws Refused {
    Path relative = Path.of(key);
    Path p = base.resolve(relative).normalize();
    if (relative.isAbsolute() || key.isEmpty() || !p.startsWith(base) || p.equals(base)) {
      throw new Refused("refusing to write " + key + ": the path leaves the output directory " + base);
    }
    return p;
  }

  /**
   * Refuses when any directory or file the plan would write is a symbolic link inside the output
   * tree. Returns the directories that do not exist yet (their files need no comparison).
   */
  private static Set<Path> checkNoLinks(Path base, java.util.Collection<Path> targets) throws IOException, Refused {
    Set<Path> checkedDirs = new HashSet<>();
    Set<Path> missing = new HashSet<>();
    for (Path p : targets) {
      for (Path d = p.getParent(); d != null && !d.equals(base) && checkedDirs.add(d); d = d.getParent()) {
        if (Files.isSymbolicLink(d)) {
          throw new Refused("refusing to write through " + base.relativize(d) + ": it is a symbolic link (to "
              + Files.readSymbolicLink(d) + "); remove it from the output directory");
        }
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
          missing.add(d);
        }
      }
      boolean inMissing = false;
      for (Path d = p.getParent(); d != null && !d.equals(base); d = d.getParent()) {
        inMissing |= missing.contains(d);
      }
      if (!inMissing && Files.isSymbolicLink(p)) {
        throw new Refused("refusing to write " + base.relativize(p) + ": it is a symbolic link (to " + Files.readSymbolicLink(p)
            + "); remove it from the output directory");
      }
    }
    if (Files.isSymbolicLink(base.resolve(MARKER))) {
      throw new Refused("refusing to write " + MARKER + ": it is a symbolic link; remove it from the output directory");
    }
    return missing;
  }

  /** Writes a regular file, never following a link at its path. */
  private static void writeFile(Path p, byte[] content) throws IOException {
    Files.write(p, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
  }

  /** Deletes files under {@code dir} that the plan no longer has, and directories left empty. */
  private static int deleteStale(Path dir, Path outDir, SortedMap<String, String> files) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS)) {
          if (isEmpty(x)) {
            Files.delete(x);
          }
        } else if (!files.containsKey(outDir.relativize(x).toString().replace('\\', '/'))) {
          Files.delete(x);
          n++;
        }
      }
    }
    return n;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
