package dev.slipway.engine.kyverno;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where policies come from: {@code builtin:baseline} (Slipway's baseline, bundled as Kyverno
 * policies) and policy files or folders, relative to the platform directory.
 */
public final class PolicySources {
  public static final String BASELINE = "builtin:baseline";
  static final String BASELINE_RESOURCE = "/dev/slipway/engine/policy/baseline.yaml";

  private PolicySources() {}

  /**
   * The platform's {@code spec.policies}: files and folders inside {@code root} only, so a
   * platform repository cannot make Slipway read files elsewhere (through '..', absolute paths
   * or symlinks).
   */
  public static List<KyvernoPolicy> load(Path root, List<String> sources, Diagnostics d) {
    return load(root, sources, true, d);
  }

  /** Policy files and folders named on the command line: the user's own choice, read wherever they are. */
  public static List<KyvernoPolicy> loadGiven(List<String> paths, Diagnostics d) {
    return load(Path.of("."), paths, false, d);
  }

  private static List<KyvernoPolicy> load(Path root, List<String> sources, boolean confined, Diagnostics d) {
    List<KyvernoPolicy> out = new ArrayList<>();
    for (String s : sources) {
      if (s.equals(BASELINE)) {
        out.addAll(baseline());
        continue;
      }
      if (s.startsWith("builtin:")) {
        d.error("policy.unknown-source", Position.file("slipway.yaml"), "spec.policies",
            "unknown built-in policy set '" + s + "'; the built-in set is " + BASELINE);
        continue;
      }
      Path p;
      try {
        p = root.resolve(s);
      } catch (InvalidPathException e) {
        d.error("policy.outside", Position.file("slipway.yaml"), "spec.policies", "policy path " + s + " is not a valid path");
        continue;
      }
      if (!Files.exists(p)) {
        d.error("policy.missing", Position.file(s), "spec.policies", "policy path " + s + " does not exist");
        continue;
      }
      try {
        if (confined && !p.toRealPath().startsWith(root.toRealPath())) {
          d.error("policy.outside", Position.file("slipway.yaml"), "spec.policies",
              "policy path " + s + " leads outside the platform directory; policy files must be inside it");
          continue;
        }
      } catch (IOException e) {
        d.error("io.read", Position.file(s), "", "cannot read " + s + ": " + e.getMessage());
        continue;
      }
      try (Stream<Path> files = Files.isDirectory(p) ? Files.walk(p) : Stream.of(p)) {
        Path realRoot = root.toRealPath();
        for (Path f : files.filter(Files::isRegularFile).filter(x -> x.toString().matches(".*\\.ya?ml$"))
            .filter(x -> !x.getFileName().toString().matches("kyverno-test\\.ya?ml|kustomization\\.ya?ml")).sorted().toList()) {
          // '..', absolute paths and symlinks may all lead out of the platform directory; only its files are read.
          if (confined && !f.toRealPath().startsWith(realRoot)) {
            d.error("policy.outside", Position.file("slipway.yaml"), "spec.policies",
                "policy path " + s + ": " + label(root, f) + " leads outside the platform directory; policy files must be inside it");
            continue;
          }
          out.addAll(PolicyLoader.load(Files.readString(f, StandardCharsets.UTF_8), label(root, f), d));
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        d.error("io.read", Position.file(s), "", "cannot read " + s + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static String label(Path root, Path f) {
    Path r = root.toAbsolutePath().normalize();
    Path a = f.toAbsolutePath().normalize();
    return (a.startsWith(r) ? r.relativize(a) : a).toString().replace('\\', '/');
  }

  /** Slipway's baseline, as Kyverno policies. */
  public static List<KyvernoPolicy> baseline() {
    try (InputStream in = PolicySources.class.getResourceAsStream(BASELINE_RESOURCE)) {
      Diagnostics d = new Diagnostics();
      List<KyvernoPolicy> ps = PolicyLoader.load(new String(in.readAllBytes(), StandardCharsets.UTF_8), BASELINE, d);
      if (d.hasErrors()) {
        throw new IllegalStateException("bundled baseline is broken: " + d.list());
      }
      return ps;
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("bundled baseline is missing", e);
    }
  }
}
