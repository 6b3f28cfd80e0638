package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code plan --layout hydrated|files}: both layouts written incrementally, both buildable by kustomize. */
class PlanLayoutTest {
  @TempDir
  Path tmp;

  @Test
  void writesOneManifestAndReadmePerApplicationByDefault() {
    Path dir = CliRun.example(tmp);
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    SortedMap<String, String> tree = CliRun.tree(dir.resolve("out"));
    // 3 environments x (3 applications + _cluster) x 2 files, an environment kustomization each, the marker.
    assertThat(tree).hasSize(3 * 4 * 2 + 3 + 1);
    assertThat(tree.keySet()).allMatch(k -> k.endsWith("/manifest.yaml") || k.endsWith("/README.md")
        || k.matches("[a-z]+/kustomization.yaml") || k.equals(OutputWriter.MARKER));
    assertThat(tree.get("prod/proyecto06/README.md")).contains("| StatefulSet | proyecto06/database | 0 | 5 |");
    assertThat(r.out()).contains("27 files written, 0 unchanged, 0 removed");
  }

  @Test
  void theFilesLayoutWritesOneFilePerObject() {
    Path dir = CliRun.example(tmp);
    assertThat(CliRun.run("plan", dir.toString(), "--layout", "files").exitCode()).isZero();
    assertThat(dir.resolve("out/prod/proyecto06/statefulset-database.yaml")).exists();
    assertThat(dir.resolve("out/prod/_cluster/nodepool-default.yaml")).exists();
    assertThat(dir.resolve("out/prod/proyecto06/manifest.yaml")).doesNotExist();
  }

  @Test
  void switchingLayoutsLeavesOnlyTheNewLayoutsFiles() {
    Path dir = CliRun.example(tmp);
    assertThat(CliRun.run("plan", dir.toString(), "--layout", "files").exitCode()).isZero();
    assertThat(CliRun.run("plan", dir.toString(), "--layout", "hydrated").exitCode()).isZero();
    assertThat(CliRun.tree(dir.resolve("out"))).isEqualTo(fresh("hydrated"));
    assertThat(CliRun.run("plan", dir.toString(), "--layout", "files").exitCode()).isZero();
    assertThat(CliRun.tree(dir.resolve("out"))).isEqualTo(fresh("files"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"hydrated", "files"})
  void rePlanningWithNothingChangedWritesNothingAndOneChangedApplicationRewritesOnlyItsFiles(String layout) throws Exception {
    Path dir = CliRun.example(tmp);
    assertThat(CliRun.run("plan", dir.toString(), "--layout", layout).exitCode()).isZero();
    Path manifest = dir.resolve("out/prod/proyecto06/" + (layout.equals("files") ? "deployment-backend.yaml" : "manifest.yaml"));
    var before = Files.getLastModifiedTime(manifest);
    CliRun again = CliRun.run("plan", dir.toString(), "--layout", layout);
    assertThat(again.out()).contains("; 0 files written, ").contains(" 0 removed");
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    CliRun changed = CliRun.run("plan", dir.toString(), "--layout", layout);
    // The image is in hello-world's Deployment only, in each of the 3 environments.
    assertThat(changed.out()).contains("; 3 files written, ").contains(" 0 removed");
    assertThat(Files.getLastModifiedTime(manifest)).isEqualTo(before);
  }

  @Test
  void removesTheDirectoryOfAnApplicationNoLongerPlanned() throws Exception {
    Path dir = CliRun.example(tmp);
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    deleteTree(dir.resolve("apps/flask-otel-app"));
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(dir.resolve("out/dev/flask-otel-app")).doesNotExist();
    assertThat(dir.resolve("out/prod/kustomization.yaml")).content().doesNotContain("flask-otel-app");
    assertThat(r.out()).contains("6 removed");
  }

  @Test
  void planningOneApplicationLeavesTheOthersAndTheEnvironmentFilesAlone() throws Exception {
    Path dir = CliRun.example(tmp);
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    SortedMap<String, String> before = CliRun.tree(dir.resolve("out"));
    Files.writeString(dir.resolve("out/prod/proyecto06/stale.yaml"), "stale");
    CliRun r = CliRun.run("plan", dir.toString(), "--app", "proyecto06", "--layout", "hydrated");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(CliRun.tree(dir.resolve("out"))).isEqualTo(before);
  }

  /** kustomize (through kubectl, when installed) builds each environment directory into the planned objects. */
  @ParameterizedTest
  @ValueSource(strings = {"hydrated", "files"})
  void kustomizeBuildsEveryEnvironmentDirectory(String layout) throws Exception {
    assumeThat(Path.of("/usr/bin/kubectl")).as("kubectl is not installed").exists();
    Path dir = CliRun.example(tmp);
    CliRun r = CliRun.run("plan", dir.toString(), "--layout", layout, "-o", "json");
    assertThat(r.exitCode()).isZero();
    var plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    for (var env : plan.path("environments")) {
      int expected = env.path("clusterObjects").size();
      for (var app : env.path("applications")) {
        expected += app.path("objects").size();
      }
      Process p = new ProcessBuilder("kubectl", "kustomize", dir.resolve("out").resolve(env.path("name").asText()).toString())
          .redirectErrorStream(true).start();
      String built = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(built).isZero();
      assertThat(built.lines().filter(l -> l.startsWith("kind: ")).count()).isEqualTo(expected).isPositive();
      assertThat(built).contains("argocd.argoproj.io/sync-wave");
    }
  }

  @Test
  void rejectsAnUnknownLayout() {
    CliRun r = CliRun.run("plan", CliRun.example(tmp).toString(), "--layout", "helm");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--layout must be hydrated or files, got 'helm'");
  }

  private SortedMap<String, String> fresh(String layout) {
    Path dir = CliRun.example(tmp.resolve("fresh-" + layout));
    assertThat(CliRun.run("plan", dir.toString(), "--layout", layout).exitCode()).isZero();
    return CliRun.tree(dir.resolve("out"));
  }

  private static void deleteTree(Path p) throws IOException {
    try (var w = Files.walk(p)) {
      for (Path x : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
