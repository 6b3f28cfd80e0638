package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Argo CD's own Lua health scripts and their 640 cases (../shared/fixtures/argocd-health/lua),
 * through {@code slipway health test}. Every case whose input the fixture holds must pass; the
 * fixture's copy lacks two inputs (apps.kruise.io/CloneSet's suspended.yaml and
 * partition_suspended.yaml, which its suite names with a lowercase {@code inputpath:} key, as Go's
 * case-insensitive JSON reading allows), and the command rightly fails those two.
 */
class HealthCommandFixturesTest {
  static final Path LUA = Path.of("..", "..", "shared", "fixtures", "argocd-health", "lua");

  @Test
  void runsArgoCdsHealthScriptsUnchangedAndPassesEveryCaseWhoseInputExists() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LUA), "SKIPPED: ../shared/fixtures/argocd-health/lua is absent");
    CliRun table = CliRun.run("health", "test", LUA.toString(), "--failures-only");
    String last = table.out().strip().lines().reduce((a, b) -> b).orElse("");
    CliRun r = CliRun.run("health", "test", LUA.toString(), "-o", "json");
    JsonNode json = new ObjectMapper().readTree(r.out());
    List<String> disagree = new ArrayList<>();
    List<String> missingInput = new ArrayList<>();
    for (JsonNode c : json.path("results")) {
      if (c.path("passed").asBoolean()) {
        continue;
      }
      String where = c.path("suite").asText() + "/" + c.path("input").asText();
      if (c.path("problem").asText().endsWith("cannot read the input") && !Files.exists(LUA.resolve(where))) {
        missingInput.add(where);
      } else {
        disagree.add(where + ": expected " + c.path("expectedStatus").asText() + " \"" + c.path("expectedMessage").asText()
            + "\", got " + c.path("actualStatus").asText() + " \"" + c.path("actualMessage").asText() + "\" " + c.path("problem").asText());
      }
    }
    int total = json.path("results").size() + json.path("brokenSuites").size();
    String report = String.format("argocd-health lua via slipway health test: %s (%d/%d = %.1f%%)%ncases whose input file the fixture"
        + " lacks: %s%ndisagreements: %s%n", last, json.path("passed").asInt(), total, 100.0 * json.path("passed").asInt() / total,
        missingInput, disagree);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "lua-health-accuracy.md"), report + table.out());
    System.out.println(report);
    assertThat(total).isEqualTo(640);
    assertThat(json.path("brokenSuites")).as("suites that cannot be loaded").isEmpty();
    assertThat(disagree).as(report).isEmpty();
    assertThat(json.path("passed").asInt()).isEqualTo(total - missingInput.size());
    assertThat(missingInput).as("the inputs the fixture's copy lacks").hasSizeLessThanOrEqualTo(2);
    assertThat(last).isEqualTo(json.path("passed").asInt() + " passed, " + json.path("failed").asInt() + " failed");
    assertThat(table.exitCode()).isEqualTo(missingInput.isEmpty() ? 0 : 1);
  }
}
