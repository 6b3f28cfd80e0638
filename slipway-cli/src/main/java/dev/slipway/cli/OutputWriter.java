package dev.slipway.cli;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.OutputLayout;
import dev.slipway.engine.plan.Plan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * Writes the output tree. Directories it regenerates are replaced whole, so files of removed
 * objects do not linger; it refuses to touch a directory it did not create.
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
    for (EnvironmentPlan e : plan.environments()) {
      if (appsOnly) {
        for (var a : e.applications()) {
          deleteTree(outDir.resolve(e.name()).resolve(a.name()));
        }
      } else {
        deleteTree(outDir.resolve(e.name()));
      }
    }
    int count = 0;
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (appsOnly && (f.getKey().endsWith("/kustomization.yaml") && f.getKey().split("/").length == 2
          || f.getKey().contains("/" + OutputLayout.CLUSTER_DIR + "/"))) {
        continue;
      }
      Path p = outDir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      count++;
    }
    return count + " files written to " + outDir.normalize();
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
