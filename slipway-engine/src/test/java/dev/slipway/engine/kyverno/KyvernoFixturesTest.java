package dev.slipway.engine.kyverno;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.model.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Kyverno policy library's own expected results (../shared/fixtures/kyverno/index.json, 1,010
 * rows) as the oracle. Writes the accuracy per suite and every disagreement to
 * target/kyverno-accuracy.md.
 */
class KyvernoFixturesTest {
  static final Path ROOT = Path.of("..", "..", "shared", "fixtures", "kyverno").toAbsolutePath().normalize();

  @Test
  void agreesWithTheKyvernoPolicyLibrary() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(ROOT), "SKIPPED: ../shared/fixtures/kyverno is absent");
    JsonNode index = new ObjectMapper().readTree(ROOT.resolve("index.json").toFile());
    Map<String, List<KyvernoPolicy>> policies = new HashMap<>();
    Map<String, List<JsonNode>> resources = new HashMap<>();
    Map<String, int[]> bySuite = new TreeMap<>();
    List<String> misses = new ArrayList<>();
    int agree = 0;
    int[] autogen = new int[2];
    for (JsonNode row : index) {
      Diagnostics d = new Diagnostics();
      List<KyvernoPolicy> ps = new ArrayList<>();
      for (JsonNode f : row.path("policy_files")) {
        ps.addAll(policies.computeIfAbsent(f.asText(),
            k -> PolicyLoader.load(KyvernoTestRunner.read(ROOT.resolve(k), d), k, d)));
      }
      List<JsonNode> rs = resources.computeIfAbsent(row.path("resource_file").asText(),
          k -> KyvernoTestRunner.resources(KyvernoTestRunner.read(ROOT.resolve(k), d), k, d));
      String name = row.path("resource_namespace").isNull() ? row.path("resource_name").asText()
          : row.path("resource_namespace").asText() + "/" + row.path("resource_name").asText();
      JsonNode resource = KyvernoTestRunner.find(rs, row.path("resource_kind").asText(), name);
      String actual = "missing resource";
      String why = "";
      KyvernoPolicy policy = ps.stream().filter(p -> p.name().equals(row.path("policy").asText())).findFirst().orElse(null);
      if (resource != null && policy != null) {
        RuleResult r = KyvernoEngine.apply(policy, resource).stream()
            .filter(x -> x.rule().equals(row.path("rule").asText())).findFirst().orElse(null);
        actual = r == null ? "not applied" : r.status().label();
        why = r == null ? "" : r.message();
      }
      String suite = row.path("suite").asText().replaceAll("/\\.kyverno-test$", "").replaceAll("^policies/", "");
      String group = suite.split("/")[0];
      int[] c = bySuite.computeIfAbsent(group, k -> new int[2]);
      c[1]++;
      boolean viaAutogen = row.path("via_autogen").asBoolean(false);
      autogen[1] += viaAutogen ? 1 : 0;
      if (actual.equals(row.path("expected").asText())) {
        agree++;
        c[0]++;
        autogen[0] += viaAutogen ? 1 : 0;
      } else {
        misses.add(String.format("- %s rule %s on %s %s: expected %s, got %s%s", suite, row.path("rule").asText(),
            row.path("resource_kind").asText(), name, row.path("expected").asText(), actual, why.isEmpty() ? "" : " (" + why + ")"));
      }
    }
    StringBuilder report = new StringBuilder("# Kyverno policy library\n\n");
    bySuite.forEach((k, v) -> report.append(String.format("- %s: %d/%d%n", k, v[0], v[1])));
    report.append(String.format("- through autogen (a Pod rule on a controller's pod template): %d/%d%n", autogen[0], autogen[1]));
    report.append(String.format("- overall: %d/%d = %.1f%%%n%nDisagreements:%n", agree, index.size(), 100.0 * agree / index.size()));
    misses.forEach(m -> report.append(m).append('\n'));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "kyverno-accuracy.md"), report.toString());
    System.out.println(report.substring(0, Math.min(report.length(), 4000)));
    // 1,010/1,010 when this was written; a regression fails the build.
    assertThat(agree).as(report.toString()).isEqualTo(index.size());
  }
}
