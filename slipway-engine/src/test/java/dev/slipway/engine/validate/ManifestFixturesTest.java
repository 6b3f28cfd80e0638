package dev.slipway.engine.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.validate.ManifestValidator.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * kubeconform's and kubeval's own test fixtures and expected outcomes (../shared/fixtures/
 * manifest-validation) used as an independent oracle for {@code slipway validate}. Writes the
 * accuracy and every disagreement to target/manifest-validation-accuracy.md.
 */
class ManifestFixturesTest {
  static final Path ROOT = Path.of("..", "..", "shared", "fixtures", "manifest-validation").toAbsolutePath().normalize();

  record Outcome(String tool, String file, String options, String expected, String actual, String detail) {}

  @Test
  void agreesWithKubeconformAndKubevalExpectations() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(ROOT),
        "SKIPPED: ../shared/fixtures/manifest-validation is absent, so the kubeconform/kubeval oracle cannot run");
    JsonNode index = new ObjectMapper().readTree(ROOT.resolve("index.json").toFile());
    List<Outcome> outcomes = new ArrayList<>();
    for (JsonNode c : index.path("cases")) {
      outcomes.add(run(c));
    }
    long agree = outcomes.stream().filter(o -> o.expected().equals(o.actual())).count();
    StringBuilder report = new StringBuilder("# manifest-validation fixtures\n\n");
    for (String tool : List.of("kubeconform", "kubeval")) {
      List<Outcome> t = outcomes.stream().filter(o -> o.tool().equals(tool)).toList();
      long a = t.stream().filter(o -> o.expected().equals(o.actual())).count();
      report.append(String.format("- %s: %d/%d%n", tool, a, t.size()));
    }
    report.append(String.format("- overall: %d/%d = %.1f%%%n%nDisagreements:%n", agree, outcomes.size(), 100.0 * agree / outcomes.size()));
    outcomes.stream().filter(o -> !o.expected().equals(o.actual())).forEach(o -> report.append(String.format(
        "- %s %s %s: expected %s, got %s (%s)%n", o.tool(), o.file(), o.options(), o.expected(), o.actual(), o.detail())));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "manifest-validation-accuracy.md"), report.toString());
    System.out.println(report);
    // Two known, explained misses (docs/validation.md): httpproxy.yaml needs a schema downloaded
    // at run time, and kubeval calls "valid" a file whose every object is of a skipped kind.
    assertThat(agree).as(report.toString()).isGreaterThanOrEqualTo(69);
  }

  private static Outcome run(JsonNode c) throws IOException {
    String tool = c.path("tool").asText();
    Path toolDir = ROOT.resolve(tool);
    JsonNode o = c.path("options");
    List<String> locations = new ArrayList<>();
    JsonNode loc = o.path("schema-location");
    for (JsonNode l : loc.isArray() ? loc : List.of(loc)) {
      if (!l.isMissingNode()) {
        String s = l.asText();
        locations.add(s.startsWith("./") ? toolDir.resolve(s.substring(2)).toString() : s);
      }
    }
    ManifestValidator.Options options = new ManifestValidator.Options(o.path("strict").asBoolean(false), locations,
        o.path("ignore-missing-schemas").asBoolean(false), kinds(o, "skip", "skip-kinds"), kinds(o, "reject", "reject-kinds"),
        o.has("kubernetes-version") ? o.path("kubernetes-version").asText() : null);
    List<ManifestCheck.SourceFile> files = new ArrayList<>();
    Path target = ROOT.resolve(c.path("file").asText());
    List<Path> paths;
    if (Files.isDirectory(target)) {
      try (Stream<Path> w = Files.walk(target)) {
        paths = w.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(yaml|yml|json)$")).sorted().toList();
      }
    } else {
      paths = List.of(target);
    }
    for (Path p : paths) {
      files.add(new ManifestCheck.SourceFile(ROOT.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8)));
    }
    String ns = o.has("default-namespace") ? o.path("default-namespace").asText() : null;
    ManifestCheck.Report r = new ManifestCheck(options, ns).check(files);
    String actual = !r.fileErrors().isEmpty() || r.count(Status.ERROR) > 0 ? "error"
        : r.count(Status.INVALID) > 0 ? "invalid"
        : !r.resources().isEmpty() && r.count(Status.SKIPPED) == r.resources().size() ? "skipped"
        : "valid";
    TreeMap<String, Long> counts = new TreeMap<>();
    for (Status s : Status.values()) {
      counts.put(s.name().toLowerCase(java.util.Locale.ROOT), r.count(s));
    }
    String detail = counts + r.resources().stream().flatMap(x -> x.problems().stream()).map(ManifestCheck.Located::message)
        .findFirst().map(m -> " " + m).orElse("");
    return new Outcome(tool, c.path("file").asText(), o.toString(), c.path("expected").asText(), actual, detail);
  }

  private static Set<String> kinds(JsonNode o, String... keys) {
    Set<String> out = new LinkedHashSet<>();
    for (String k : keys) {
      if (o.has(k)) {
        for (String s : o.path(k).asText().split(",")) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }
}
