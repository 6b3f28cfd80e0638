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

  /**
   * One case: the outcome the tool's tests expect and Slipway's, and the expected details that
   * differ (counts, exit code, the invalid resource and field, which file each document came
   * from). A case agrees only when the outcome and every compared detail agree.
   */
  record Outcome(String tool, String file, String options, String expected, String actual, String detail, List<String> mismatches) {
    boolean agrees() {
      return expected.equals(actual) && mismatches.isEmpty();
    }
  }

  @Test
  void agreesWithKubeconformAndKubevalExpectations() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(ROOT),
        "SKIPPED: ../shared/fixtures/manifest-validation is absent, so the kubeconform/kubeval oracle cannot run");
    JsonNode index = new ObjectMapper().readTree(ROOT.resolve("index.json").toFile());
    List<Outcome> outcomes = new ArrayList<>();
    for (JsonNode c : index.path("cases")) {
      outcomes.add(run(c));
    }
    long agree = outcomes.stream().filter(Outcome::agrees).count();
    long outcomeOnly = outcomes.stream().filter(o -> o.expected().equals(o.actual())).count();
    StringBuilder report = new StringBuilder("# manifest-validation fixtures\n\n");
    for (String tool : List.of("kubeconform", "kubeval")) {
      List<Outcome> t = outcomes.stream().filter(o -> o.tool().equals(tool)).toList();
      long a = t.stream().filter(Outcome::agrees).count();
      report.append(String.format("- %s: %d/%d%n", tool, a, t.size()));
    }
    report.append(String.format("- overall, outcome and details: %d/%d = %.1f%%%n", agree, outcomes.size(), 100.0 * agree / outcomes.size()));
    report.append(String.format("- outcome alone: %d/%d%n%nDisagreements:%n", outcomeOnly, outcomes.size()));
    outcomes.stream().filter(o -> !o.agrees()).forEach(o -> report.append(String.format(
        "- %s %s %s: expected %s, got %s%s (%s)%n", o.tool(), o.file(), o.options(), o.expected(), o.actual(),
        o.mismatches().isEmpty() ? "" : "; " + String.join("; ", o.mismatches()), o.detail())));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "manifest-validation-accuracy.md"), report.toString());
    System.out.println(report);
    // Two known, explained misses (docs/validation.md): httpproxy.yaml needs a schema downloaded
    // at run time, and kubeval calls "valid" a file whose every object is of a skipped kind.
    // Strict: the outcome and every compared detail of each case.
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
    ManifestCheck.Report r = new ManifestCheck(options, ns, o.path("exit-on-error").asBoolean(false)).check(files);
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
    return new Outcome(tool, c.path("file").asText(), o.toString(), c.path("expected").asText(), actual, detail, mismatches(c, r));
  }

  /** The expected details that Slipway's report does not match. Tool-specific wording (messages) is not compared. */
  static List<String> mismatches(JsonNode c, ManifestCheck.Report r) {
    List<String> out = new ArrayList<>();
    JsonNode d = c.path("details");
    long errors = r.count(Status.ERROR) + r.fileErrors().list().stream().filter(x -> x.isError()).count();
    compare(out, d, "resources", r.resources().size());
    compare(out, d, "valid", r.count(Status.VALID));
    compare(out, d, "invalid", r.count(Status.INVALID));
    compare(out, d, "errors", errors);
    compare(out, d, "files", r.resources().stream().map(ManifestCheck.ResourceResult::file).distinct().count());
    compare(out, d, "exit", r.ok() ? 0 : 1);
    if (d.has("invalid_resource")) {
      String got = r.resources().stream().filter(x -> x.status() == Status.INVALID).map(x -> x.kind() + " " + x.name()).findFirst().orElse("none");
      if (!got.equals(d.path("invalid_resource").asText())) {
        out.add("invalid resource " + got + " instead of " + d.path("invalid_resource").asText());
      }
    }
    if (d.has("error_path")) {
      String want = d.path("error_path").asText().replaceFirst("^/", "").replace('/', '.');
      boolean found = r.resources().stream().flatMap(x -> x.problems().stream()).anyMatch(p -> p.path().equals(want));
      if (!found) {
        out.add("no problem at " + want);
      }
    }
    if (d.has("source_files_in_order")) {
      List<String> want = new ArrayList<>();
      d.path("source_files_in_order").forEach(x -> want.add(x.asText()));
      List<String> got = r.resources().stream().map(ManifestCheck.ResourceResult::source).toList();
      // kubeval also reports empty documents (here the file's trailing "---" lines); Slipway, like
      // kubeconform, reports objects only. Every object's attribution is compared.
      if (got.size() > want.size() || !want.subList(0, got.size()).equals(got)) {
        out.add("documents attributed to " + got + " instead of " + want);
      }
    }
    // Which object each reported resource is, in order (file attribution in multi-document input).
    if (c.has("resources") && c.path("resources").size() == r.resources().size()) {
      for (int i = 0; i < r.resources().size(); i++) {
        JsonNode want = c.path("resources").get(i);
        ManifestCheck.ResourceResult got = r.resources().get(i);
        String w = want.path("kind").asText("") + "/" + want.path("name").asText("");
        String g = (got.kind() == null ? "" : got.kind()) + "/" + (got.name() == null ? "" : got.name());
        if (!w.equals(g) && !want.path("kind").isNull()) {
          out.add("resource " + (i + 1) + " is " + g + " instead of " + w);
        }
      }
    }
    return out;
  }

  private static void compare(List<String> out, JsonNode details, String key, long got) {
    if (details.has(key) && details.path(key).asLong() != got) {
      out.add(key + " " + got + " instead of " + details.path(key).asLong());
    }
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
