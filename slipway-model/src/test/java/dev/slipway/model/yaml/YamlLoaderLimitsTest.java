package dev.slipway.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.YamlLoader.Document;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading cost stays a small multiple of the input: one 3.9 MB token used to take 4-9 s and 1 GB
 * (SnakeYAML's reader copied its whole look-ahead window every 1 KiB), a 200,000-entry list about
 * 1 s. Both are now refused in well under a second with a {@code yaml.*} diagnostic.
 */
class YamlLoaderLimitsTest {
  private static final Duration QUICKLY = Duration.ofSeconds(3);

  private static List<Diagnostic> load(YamlLoader loader, String text) {
    Diagnostics d = new Diagnostics();
    loader.load(text, "apps/a/app.yaml", Layer.APP, d);
    return d.list();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x: \"%s\"\n", "x: %s\n", "x: '%s'\n", "x: |\n  %s\n", "? %s\n: 1\n"})
  void refusesAHugeScalarQuickly(String shape) {
    String text = shape.formatted("x".repeat(3_900_000));
    List<Diagnostic> ds = assertTimeoutPreemptively(QUICKLY, () -> load(YamlLoader.forSpecs(), text));
    assertThat(ds).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("yaml.scalar-too-long");
      assertThat(d.file()).isEqualTo("apps/a/app.yaml");
      assertThat(d.line()).isPositive();
      assertThat(d.message()).containsPattern("a value of 390000[01] characters").contains("65536");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"flow list", "block list", "flow map"})
  void refusesAHugeCollectionQuickly(String shape) {
    StringBuilder b = new StringBuilder("spec:\n  x:");
    for (int i = 0; i < 200_000; i++) {
      switch (shape) {
        case "flow list" -> b.append(i == 0 ? " [" : ",").append(i);
        case "block list" -> b.append("\n  - ").append(i);
        default -> b.append(i == 0 ? " {" : ",").append('k').append(i).append(": 1");
      }
    }
    b.append(shape.startsWith("flow") ? (shape.endsWith("map") ? "}\n" : "]\n") : "\n");
    String text = b.toString();
    List<Diagnostic> ds = assertTimeoutPreemptively(QUICKLY, () -> load(YamlLoader.forSpecs(), text));
    assertThat(ds).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("yaml.too-many-entries");
      assertThat(d.line()).as("where the collection starts").isBetween(2, 3);
      assertThat(d.message()).contains("more than 10000 entries");
    });
  }

  @Test
  void acceptsCollectionsAndScalarsUpToTheLimits() {
    String text = "big: [" + "1,".repeat(9_999) + "1]\nlong: " + "y".repeat(65_536) + "\n";
    Diagnostics d = new Diagnostics();
    List<Document> docs = YamlLoader.forSpecs().load(text, "f", Layer.APP, d);
    assertThat(d.list()).isEmpty();
    SpecNode.MapNode root = (SpecNode.MapNode) docs.get(0).root();
    assertThat(((SpecNode.ListNode) root.get("big")).items()).hasSize(10_000);
  }

  @Test
  void manifestsKeepTheirLargerLimits() {
    String text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  blob: " + "z".repeat(1 << 20) + "\n  list: ["
        + "1,".repeat(50_000) + "1]\n";
    List<Diagnostic> ds = assertTimeoutPreemptively(QUICKLY,
        () -> load(new YamlLoader(YamlLoader.Limits.MANIFESTS, false), text));
    assertThat(ds).isEmpty();
  }

  @Test
  void keepsLinesAndColumnsAcrossReadBoundaries() {
    String text = "a: 1\n" + "# " + "c".repeat(20_000) + "\nb: [1, 2\n";
    List<Diagnostic> ds = load(YamlLoader.forSpecs(), text);
    assertThat(ds).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("yaml.syntax");
      assertThat(d.line()).isEqualTo(4);
    });
  }

  @Test
  void refusesNonPrintableCharacters() {
    assertThat(load(YamlLoader.forSpecs(), "a: \u0001\n")).singleElement()
        .satisfies(d -> assertThat(d.code()).isIn("yaml.limit", "yaml.syntax"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x: !!binary aGVsbG8=\n", "x: !!set {a, b}\n", "x: !!omap [{a: 1}]\n", "x: !!pairs [{a: 1}]\n",
      "x: !foo bar\n", "x: !<tag:example.com,2024:x> bar\n"})
  void refusesTagsOutsideTheCoreSchema(String text) {
    assertThat(load(YamlLoader.forSpecs(), text)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("yaml.unsupported-tag");
      assertThat(d.line()).isEqualTo(1);
      assertThat(d.column()).isEqualTo(4);
    });
  }

  @Test
  void acceptsCoreSchemaTags() {
    assertThat(load(YamlLoader.forSpecs(), "a: !!str 1\nb: !!int 2\nc: !!map {d: !!seq [!!bool true, !!null ~]}\ne: 2024-01-01\n"))
        .isEmpty();
  }
}
