package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
  @TempDir
  Path tmp;

  @Test
  void plansTheBundledExampleInEveryEnvironmentWithoutEnforcedViolations() {
    Path dir = CliRun.example(tmp);
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Environment dev", "Environment staging", "Environment prod", "proyecto06", "hello-world",
        "flask-otel-app", "enforce-level policy violations: 0", "manifests: ");
    assertThat(dir.resolve("out/prod/proyecto06/manifest.yaml")).content().contains("kind: StatefulSet\n");
    assertThat(dir.resolve("out/prod/_cluster/manifest.yaml")).content().contains("kind: NodePool\n");
    assertThat(dir.resolve("out/dev/hello-world/kustomization.yaml")).doesNotExist();
    assertThat(dir.resolve("out/dev/kustomization.yaml")).content().contains("- hello-world/manifest.yaml\n");
    assertThat(dir.resolve("out/dev/hello-world/README.md")).exists();
  }

  @Test
  void writesByteIdenticalManifestsOnEveryRun() {
    Path dir = CliRun.example(tmp);
    assertThat(CliRun.run("plan", dir.toString(), "--out-dir", tmp.resolve("a").toString()).exitCode()).isZero();
    assertThat(CliRun.run("plan", dir.toString(), "--out-dir", tmp.resolve("b").toString()).exitCode()).isZero();
    assertThat(CliRun.tree(tmp.resolve("a"))).isEqualTo(CliRun.tree(tmp.resolve("b"))).isNotEmpty();
  }

  @Test
  void removesFilesOfObjectsNoLongerRendered() throws Exception {
    Path dir = CliRun.example(tmp);
    Path stale = dir.resolve("out/dev/hello-world/deployment-old.yaml");
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    Files.writeString(stale, "stale");
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    assertThat(stale).doesNotExist();
  }

  @Test
  void printsAMachineReadablePlan() throws Exception {
    Path dir = CliRun.example(tmp);
    CliRun r = CliRun.run("plan", dir.toString(), "-o", "json", "--env", "prod", "--app", "proyecto06");
    assertThat(r.exitCode()).isZero();
    JsonNode plan = new ObjectMapper().readTree(r.out());
    assertThat(plan.path("environments")).hasSize(1);
    JsonNode app = plan.path("environments").get(0).path("applications").get(0);
    assertThat(app.path("name").asText()).isEqualTo("proyecto06");
    assertThat(app.path("objects")).anySatisfy(o -> {
      assertThat(o.path("kind").asText()).isEqualTo("StatefulSet");
      assertThat(o.path("apiVersion").asText()).isEqualTo("apps/v1");
      assertThat(o.path("namespace").asText()).isEqualTo("proyecto06");
      assertThat(o.path("name").asText()).isEqualTo("database");
      assertThat(o.path("file").asText()).isEqualTo("out/prod/proyecto06/manifest.yaml");
    });
    CliRun files = CliRun.run("plan", dir.toString(), "-o", "json", "--env", "prod", "--app", "proyecto06", "--layout", "files");
    assertThat(new ObjectMapper().readTree(files.out()).findValuesAsText("file"))
        .contains("out/prod/proyecto06/statefulset-database.yaml");
    assertThat(plan.path("diagnostics").isArray()).isTrue();
  }

  @Test
  void explainsWhereEveryValueCameFrom() {
    Path dir = CliRun.example(tmp);
    CliRun r = CliRun.run("plan", dir.toString(), "--explain", "--env", "prod", "--app", "proyecto06");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).containsPattern("resources\\.cpu\\s+\"1\"\\s+environment override \\(apps/proyecto06/app\\.yaml:\\d+:\\d+\\)")
        .containsPattern("replicas\\s+3\\s+platform \\(slipway\\.yaml:\\d+:\\d+\\)")
        .containsPattern("storage\\.size\\s+5Gi\\s+app \\(apps/proyecto06/app\\.yaml:\\d+:\\d+\\)")
        .containsPattern("port\\s+5432\\s+type default \\(postgres\\)")
        .containsPattern("resources\\.limits\\.cpu\\s+\"2\"\\s+derived");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void explainsWhatIfValues() {
    CliRun r = CliRun.run("plan", CliRun.example(tmp).toString(), "--explain", "--env", "dev", "--app", "hello-world",
        "--set", "hello-world.web.replicas=50");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).containsPattern(
        "replicas\\s+50\\s+what-if --set \\(--set hello-world.web.replicas=50; overrides 1 from platform \\(slipway.yaml:\\d+:\\d+\\)\\)");
  }

  @Test
  void explainMarksASetWithoutEffectAndSaysWhy() {
    CliRun r = CliRun.run("plan", CliRun.example(tmp).toString(), "--explain", "--env", "prod", "--app", "proyecto06",
        "--set", "proyecto06.backend.replicas=50");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).containsPattern("replicas\\s+50\\s+what-if --set \\(--set proyecto06.backend.replicas=50; overrides 3 from .*; no effect\\)");
    assertThat(r.err()).contains("warning [whatif.no-effect]", "proyecto06.backend.autoscaling.max");
  }

  @Test
  void rejectsBadInputWithLocationsExitCodeTwoAndWritesNothing() throws Exception {
    Path dir = CliRun.example(tmp);
    Path app = dir.resolve("apps/proyecto06/app.yaml");
    Files.writeString(app, Files.readString(app).replace("port: 8000", "port: 80000").replace("type: postgres", "type: postgress"));
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("apps/proyecto06/app.yaml:20:13: error [spec.out-of-range] spec.components.backend.port")
        .contains("did you mean 'postgres'?").contains("nothing was written").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void failsWhenAnEnforcedEnvironmentViolatesPolicy() throws Exception {
    Path dir = CliRun.example(tmp);
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:latest"));
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    // prod enforces (error, exit 1), staging warns, dev tolerates mutable tags.
    assertThat(r.out()).contains("out/prod/hello-world/manifest.yaml: error [policy.disallow-latest-tag]")
        .contains("out/staging/hello-world/manifest.yaml: warning [policy.disallow-latest-tag]")
        .doesNotContain("out/dev/hello-world/manifest.yaml: warning [policy.disallow-latest-tag]")
        .contains("enforce-level policy violations: 1");
  }

  @Test
  void suggestsTheClosestEnvironmentForATypo() {
    CliRun r = CliRun.run("plan", CliRun.example(tmp).toString(), "--env", "prd");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no environment 'prd' (did you mean 'prod'?)");
  }

  @Test
  void refusesToOverwriteADirectoryItDidNotWrite() throws Exception {
    Path dir = CliRun.example(tmp);
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/notes.txt"), "mine");
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("was not written by slipway");
    assertThat(dir.resolve("out/notes.txt")).hasContent("mine");
  }

  @Test
  void neverPrintsSecretValues() throws Exception {
    Path dir = CliRun.example(tmp);
    Path app = dir.resolve("apps/proyecto06/app.yaml");
    Files.writeString(app, Files.readString(app).replace("env: {LOG_LEVEL: info}", "env: {LOG_LEVEL: info, DB_PASSWORD: hunter2-literal}"));
    CliRun plan = CliRun.run("plan", dir.toString(), "--no-write");
    CliRun explain = CliRun.run("plan", dir.toString(), "--explain", "--env", "dev");
    assertThat(plan.out()).contains("policy.disallow-secrets-in-env").doesNotContain("hunter2-literal");
    assertThat(explain.out()).contains("env.DB_PASSWORD").doesNotContain("hunter2-literal");
  }
}
