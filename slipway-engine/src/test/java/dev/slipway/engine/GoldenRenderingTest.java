package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.OutputLayout;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden files: the rendered tree of a platform, file by file, per component type and per
 * environment. Regenerate after an intended change with
 * {@code mvn -pl slipway-engine test -Dtest=GoldenRenderingTest -Dslipway.golden.update=true}
 * and review the diff.
 */
class GoldenRenderingTest {
  static final Path EXAMPLE = Path.of("..", "examples", "acme");
  static final Path TYPES = Path.of("src", "test", "resources", "golden", "types");

  static Path platform(String name) {
    return name.startsWith("acme") ? EXAMPLE : TYPES;
  }

  /** {@code acme-hydrated}: the example in Argo CD's source hydrator layout; the others one file per object. */
  static SortedMap<String, String> render(String name) {
    Workspace ws = Workspace.load(platform(name));
    Plan plan = new Planner().plan(ws, Planner.Scope.ALL);
    assertThat(plan.specDiagnostics()).isEmpty();
    return OutputLayout.files(plan, name.endsWith("-hydrated") ? OutputLayout.Layout.HYDRATED : OutputLayout.Layout.FILES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme", "types", "acme-hydrated"})
  void rendersTheExpectedFilesForEveryEnvironment(String name) throws IOException {
    SortedMap<String, String> actual = render(name);
    Path expectedDir = Path.of("src", "test", "resources", "golden", "expected", name);
    if (Boolean.getBoolean("slipway.golden.update")) {
      if (Files.exists(expectedDir)) {
        try (Stream<Path> w = Files.walk(expectedDir)) {
          w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      for (var e : actual.entrySet()) {
        Path p = expectedDir.resolve(e.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
      }
    }
    SortedMap<String, String> expected = new TreeMap<>();
    try (Stream<Path> w = Files.walk(expectedDir)) {
      for (Path p : w.filter(Files::isRegularFile).toList()) {
        expected.put(expectedDir.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    for (var e : expected.entrySet()) {
      assertThat(actual.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme", "types", "acme-hydrated"})
  void rendersByteIdenticalOutputOnEveryRun(String name) {
    assertThat(render(name)).isEqualTo(render(name));
  }
}
