package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway doctor --from DUMP}: offline diagnosis of a saved dump, its output, exit codes and bad input. */
class DoctorCommandTest {
  static final Path DUMPS = Path.of("..", "slipway-engine", "src", "test", "resources", "doctor");
  static final String EXAMPLE = Path.of("..", "examples", "acme").toString();

  @TempDir
  Path tmp;

  @Test
  void theReadmesExampleDumpNamesTheFixAndTheSpecLineAndExitsOneOnAnError() {
    // The dump the README's tour runs doctor on (examples/dumps), so that the tour keeps working.
    CliRun r = CliRun.run("doctor", EXAMPLE, "--env", "dev", "--from",
        Path.of("..", "examples", "dumps", "proyecto06-dev-oomkilled.yaml").toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).contains("proyecto06:")
        .contains("error  OOMKilled  Deployment/proyecto06/backend  (component backend)")
        .contains("- memory usage (PodMetrics): 126Mi")
        .contains("spec: apps/proyecto06/app.yaml:25 (components.backend.resources.memory)")
        .contains("1 finding: 1 error, 0 warnings.");
  }

  @Test
  void aHealthyDumpHasNoFindingAndPrintsNoSecret() {
    CliRun r = CliRun.run("doctor", EXAMPLE, "--env", "dev", "--from", DUMPS.resolve("healthy.yaml").toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("No problems found in flask-otel-app, hello-world, proyecto06.");
    CliRun json = CliRun.run("doctor", EXAMPLE, "--env", "dev", "--from", DUMPS.resolve("healthy.yaml").toString(), "-o", "json");
    assertThat(json.out()).doesNotContain("cG9zdGdyZXM6Ly9");
  }

  @Test
  void warningsAloneExitZero() {
    CliRun r = CliRun.run("doctor", EXAMPLE, "--env", "prod", "--from", DUMPS.resolve("pdb-unhealthy-pods.yaml").toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("warning  PodDisruptionBudget  PodDisruptionBudget/proyecto06/frontend");
  }

  @Test
  void aSingleArgumentThatIsNoPlatformDirectoryIsTheApplication() throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    String dump = DUMPS.resolve("crashloop-command-not-found.yaml").toAbsolutePath().toString();
    CliRun other = CliRun.run("doctor", dir.toString(), "proyecto06", "--env", "dev", "--from", dump);
    assertThat(other.exitCode()).as(other.err()).isZero();
    assertThat(other.out()).contains("No problems found in proyecto06.");
    CliRun byApp = CliRun.run("doctor", dir.toString(), "hello-world", "--env", "dev", "--from", dump, "-o", "json");
    JsonNode json = Output.JSON.readTree(byApp.out());
    assertThat(json.path("findings")).hasSize(1);
    JsonNode f = json.path("findings").get(0);
    assertThat(f.path("analyzer").asText()).isEqualTo("CrashLoopBackOff");
    assertThat(f.path("object").path("kind").asText()).isEqualTo("Deployment");
    assertThat(f.path("spec").path("file").asText()).isEqualTo("apps/hello-world/app.yaml");
    assertThat(f.path("spec").path("line").asInt()).isEqualTo(11);
    assertThat(json.path("exitCode").asInt()).isEqualTo(1);
  }

  @Test
  void aMalformedDumpIsBadInputWithFileAndLine() throws Exception {
    Path dump = tmp.resolve("dump.yaml");
    Files.writeString(dump, """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata: {name: web-1, namespace: hello-world
          status: {phase: Running}
        """);
    CliRun r = CliRun.run("doctor", EXAMPLE, "--env", "dev", "--from", dump.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(dump + ":7:").contains("error").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anObjectWithoutKindIsBadInputAtItsLine() throws Exception {
    Path dump = tmp.resolve("dump.yaml");
    Files.writeString(dump, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: b}\n- apiVersion: v1\n  metadata: {name: c}\n");
    CliRun r = CliRun.run("doctor", EXAMPLE, "--env", "dev", "--from", dump.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(dump + ":7:").contains("has no kind");
  }

  @Test
  void unknownKindsAreIgnored() throws Exception {
    Path dump = tmp.resolve("dump.yaml");
    Files.writeString(dump, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: proyecto06}\nspec: {size: 3}\n");
    CliRun r = CliRun.run("doctor", EXAMPLE, "--env", "dev", "--from", dump.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @Test
  void needsAnEnvironmentAndAReadableDump() {
    assertThat(CliRun.run("doctor", EXAMPLE, "--from", "x.yaml").err()).contains("name the environment to diagnose with --env");
    CliRun missing = CliRun.run("doctor", EXAMPLE, "--env", "dev", "--from", tmp.resolve("nope.yaml").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read");
    CliRun unknownEnv = CliRun.run("doctor", EXAMPLE, "--env", "qa", "--from", "x.yaml");
    assertThat(unknownEnv.exitCode()).isEqualTo(2);
  }
}
