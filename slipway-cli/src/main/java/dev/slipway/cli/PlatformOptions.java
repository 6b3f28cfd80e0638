package dev.slipway.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every command that reads a platform shares: the directory and the scope. */
final class PlatformOptions {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Platform directory (with slipway.yaml). Default: current directory.")
  Path dir = Path.of(".");

  @Option(names = "--env", split = ",", paramLabel = "ENV", description = "Only these environments (repeatable, comma-separated).")
  List<String> envs = new ArrayList<>();

  @Option(names = "--app", split = ",", paramLabel = "APP", description = "Only these applications (repeatable, comma-separated).")
  List<String> apps = new ArrayList<>();

  @Option(names = "--set", paramLabel = "APP.COMPONENT.FIELD=VALUE",
      description = "What-if override of a component field, e.g. --set proyecto06.backend.replicas=50 (repeatable).")
  List<String> sets = new ArrayList<>();

  Set<String> environments() {
    return new LinkedHashSet<>(envs);
  }

  Set<String> applications() {
    return new LinkedHashSet<>(apps);
  }
}
