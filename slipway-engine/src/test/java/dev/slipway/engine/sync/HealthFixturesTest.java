package dev.slipway.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.kyverno.KyvernoTestRunner;
import dev.slipway.model.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Argo CD's own health test cases (../shared/fixtures/argocd-health) as the oracle. */
class HealthFixturesTest {
  static final Path ROOT = Path.of("..", "..", "shared", "fixtures", "argocd-health").toAbsolutePath().normalize();

  @Test
  void agreesWithArgoCdBuiltInHealthChecks() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(ROOT), "SKIPPED: ../shared/fixtures/argocd-health is absent");
    JsonNode index = new ObjectMapper().readTree(ROOT.resolve("builtin_index.json").toFile());
    List<String> misses = new ArrayList<>();
    int agree = 0;
    for (JsonNode c : index.path("cases")) {
      Diagnostics d = new Diagnostics();
      List<JsonNode> objects = KyvernoTestRunner.resources(Files.readString(ROOT.resolve(c.path("input").asText())), "f", d);
      JsonNode obj = objects.stream().filter(o -> o.path("kind").asText().equals(c.path("kind").asText())).findFirst().orElseThrow();
      Health.Assessment a = Health.assess(obj);
      String actual = a == null ? "null" : a.status().label();
      String expected = c.path("expected_status").isNull() ? "null" : c.path("expected_status").asText();
      if (actual.equals(expected)) {
        agree++;
      } else {
        misses.add(c.path("input").asText() + ": expected " + expected + ", got " + actual + (a == null ? "" : " (" + a.message() + ")"));
      }
    }
    String report = String.format("argocd-health: %d/%d%n%s", agree, index.path("cases").size(), String.join("\n", misses));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "health-accuracy.md"), report);
    System.out.println(report);
    assertThat(misses).as(report).isEmpty();
  }
}
