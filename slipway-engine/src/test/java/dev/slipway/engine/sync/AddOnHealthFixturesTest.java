package dev.slipway.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The built-in rules (Java, no Lua) against Argo CD's own Lua health test cases for the kinds
 * Slipway renders and their add-ons' kinds: every case of these groups in
 * ../shared/fixtures/argocd-health/lua, status and message.
 */
class AddOnHealthFixturesTest {
  static final Path LUA = HealthFixturesTest.ROOT.resolve("lua").resolve("resource_customizations");
  static final List<String> GROUPS = List.of("batch/CronJob", "policy/PodDisruptionBudget", "external-secrets.io", "keda.sh",
      "karpenter.sh", "karpenter.k8s.aws", "monitoring.coreos.com");

  @Test
  void builtInRulesAgreeWithArgoCdScriptsOnTheKindsSlipwayRenders() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LUA), "SKIPPED: ../shared/fixtures/argocd-health/lua is absent");
    YAMLMapper yaml = new YAMLMapper();
    List<String> misses = new ArrayList<>();
    int cases = 0;
    int status = 0;
    int both = 0;
    List<String> kinds = new ArrayList<>();
    for (String g : GROUPS) {
      try (Stream<Path> files = Files.walk(LUA.resolve(g))) {
        for (Path suite : files.filter(p -> p.getFileName().toString().equals("health_test.yaml")).sorted().toList()) {
          kinds.add(LUA.relativize(suite.getParent()).toString().replace('\\', '/'));
          for (JsonNode t : yaml.readTree(suite.toFile()).path("tests")) {
            cases++;
            Path input = suite.getParent().resolve(t.path("inputPath").asText());
            Health.Assessment a = Health.assess(yaml.readTree(input.toFile()));
            String expected = t.path("healthStatus").path("status").asText();
            String message = t.path("healthStatus").path("message").asText("");
            String actual = a == null ? "none" : a.status().label();
            String actualMessage = a == null ? "" : a.message();
            if (actual.equals(expected)) {
              status++;
              if (actualMessage.equals(message)) {
                both++;
                continue;
              }
            }
            misses.add(LUA.relativize(input) + ": expected " + expected + " \"" + message + "\", got " + actual + " \"" + actualMessage + "\"");
          }
        }
      }
    }
    String report = String.format("built-in health on add-on kinds (%d kinds: %s): status %d/%d, status and message %d/%d%n%s",
        kinds.size(), String.join(", ", kinds), status, cases, both, cases, String.join("\n", misses));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "addon-health-accuracy.md"), report);
    System.out.println(report);
    assertThat(cases).as("cases found").isGreaterThanOrEqualTo(50);
    assertThat(misses).as(report).isEmpty();
  }
}
