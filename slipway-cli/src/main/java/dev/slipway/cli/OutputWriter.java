package dev.slipway.cli;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.OutputLayout;
import dev.slipway.engine.plan.Plan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  /** Returns a one-line summary of what was written. */
  static String write(Path outDir, SortedMap<String, String> files, Plan plan, boolean appsOnly) throws IOException, Refused {
    if (Files.isDirectory(outDir) && !Files.exists(outDir.resolve(MARKER)) && !isEmpty(outDir)) {
      throw new Refused(outDir + " exists and was not written by slipway; choose another --out-dir or remove it");
    }
    Files.createDirectories(outDir);
    Files.writeString(outDir.resolve(MARKER), "Written by slipway plan. Directories here are regenerated on every plan.\n");
    List<Path> regenerated = new ArrayList<>();
    for (EnvironmentPlan e : plan.environments()) {
      if (appsOnly) {
        e.applications().forEach(a -> regenerated.add(outDir.resolve(e.name()).resolve(a.name())));
      } else {
        regenerated.add(outDir.resolve(e.name()));
      }
    }
    int deleted = 0;
    for (Path dir : regenerated) {
      deleted += deleteStale(dir, outDir, files);
    }
    int written = 0;
    int unchanged = 0;
    // Directories created by this run hold no earlier files: nothing to compare, nothing to stat.
    java.util.Set<Path> fresh = new java.util.HashSet<>();
    java.util.Set<Path> known = new java.util.HashSet<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (appsOnly && (f.getKey().endsWith("/kustomization.yaml") && f.getKey().split("/").length == 2
          || f.getKey().contains("/" + OutputLayout.CLUSTER_DIR + "/"))) {
        continue;
      }
      Path p = outDir.resolve(f.getKey());
      Path dir = p.getParent();
      if (known.add(dir) && !Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        fresh.add(dir);
      }
      byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
      if (!fresh.contains(dir) && Files.isRegularFile(p) && Files.size(p) == content.length
          && Arrays.equals(Files.readAllBytes(p), content)) {
        unchanged++;
        continue;
      }
      Files.write(p, content);
      written++;
    }
    return written + " files written, " + unchanged + " unchanged, " + deleted + " removed in " + outDir.normalize();
  }

  /** Deletes files under {@code dir} that the plan no longer has, and directories left empty. */
  private static int deleteStale(Path dir, Path outDir, SortedMap<String, String> files) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(x)) {
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
