package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.capacity.Catalog;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The example platform (with apps/reports added where a scenario needs it) and the scenario dumps, for the doctor tests. */
final class DoctorFixtures {
  static final Path DUMPS = Path.of("src", "test", "resources", "doctor");
  static final Path EXAMPLE = Path.of("..", "examples", "acme");

  private DoctorFixtures() {}

  /** examples/acme copied to {@code tmp}, with the reports application of the fixtures added. */
  static Path platformWithReports(Path tmp) {
    try (Stream<Path> w = Files.walk(EXAMPLE)) {
      for (Path p : w.filter(Files::isRegularFile).filter(p -> !EXAMPLE.relativize(p).startsWith("out")).toList()) {
        Path target = tmp.resolve(EXAMPLE.relativize(p).toString());
        Files.createDirectories(target.getParent());
        Files.copy(p, target);
      }
      Files.createDirectories(tmp.resolve("apps/reports"));
      Files.copy(DUMPS.resolve("reports/app.yaml"), tmp.resolve("apps/reports/app.yaml"));
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Diagnoses a dump of {@code env} of the platform in {@code dir}, as the command does. */
  static List<Finding> diagnose(Path dir, String env, String dump) {
    try {
      Workspace ws = Workspace.load(dir);
      Plan plan = new Planner().plan(ws, new Planner.Scope(Set.of(env), Set.of()));
      if (plan.hasSpecErrors()) {
        throw new IllegalStateException(plan.specDiagnostics().toString());
      }
      Diagnostics d = new Diagnostics();
      List<JsonNode> live = LiveDump.parse(Files.readString(DUMPS.resolve(dump + ".yaml")), dump + ".yaml", d);
      if (d.hasErrors()) {
        throw new IllegalStateException(d.list().toString());
      }
      SpecFacts facts = SpecFacts.of(plan.environments().get(0), Catalog.load(ws.platform().pricing(), new Diagnostics()),
          SpecFacts.platformTree(Files.readString(dir.resolve("slipway.yaml"))));
      return Doctor.diagnose(facts, live, LiveDump.observedAt(live).orElseThrow(), Set.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
