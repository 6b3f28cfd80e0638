package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform-defined types of examples/kro-platform through the CLI: plan, types, bad input. */
class PlatformTypesCommandTest {
  @TempDir
  Path tmp;

  /** A fresh copy of examples/kro-platform. */
  Path example() {
    return CliRun.copy(Path.of("..", "examples", "kro-platform"), tmp);
  }

  @Test
  void theKroExamplePlansCleanInEveryEnvironment() {
    Path dir = example();
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Environment dev", "Environment staging", "Environment prod", "0 errors, 0 warnings",
        "enforce-level policy violations: 0");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void rendersInstancesAsSlipwayObjectsInTheApplicationsNamespace() throws IOException {
    Path dir = example();
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    String prod = Files.readString(dir.resolve("out/prod/storefront/manifest.yaml"));
    assertThat(prod).contains("kind: Deployment\n", "kind: PodDisruptionBudget\n", "kind: Ingress\n", "namespace: storefront\n",
        "slipway.dev/component: web\n", "app.kubernetes.io/managed-by: slipway\n", "slipway.dev/environment: prod\n",
        "host: storefront.kro.example\n", "slipway.dev/ready-when: \"{\\\"id\\\":\\\"deployment\\\"", "slipway.dev/cdn-origin: \"true\"",
        "cpu: 250m");
    // includeWhen: the disruption budget is for production only.
    assertThat(Files.readString(dir.resolve("out/dev/storefront/manifest.yaml"))).doesNotContain("kind: PodDisruptionBudget");
    String job = Files.readString(dir.resolve("out/dev/reports/manifest.yaml"));
    assertThat(job).contains("activeDeadlineSeconds: 1800\n", "backoffLimit: 3\n", "schedule: \"0 * * * *\"\n");
  }

  @Test
  void explainShowsWhereEachValueOfAnInstanceCameFrom() {
    CliRun r = CliRun.run("plan", example().toString(), "--explain", "--env", "prod", "--app", "storefront");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).containsPattern("replicas +3 +platform \\(slipway.yaml:\\d+:\\d+\\)")
        .containsPattern("cpu +250m +environment override \\(apps/storefront/app.yaml:15:20\\)")
        .containsPattern("port +8080 +type default \\(web-application\\)");
  }

  @Test
  void listsBuiltInAndPlatformTypesWithTheirSchemas() throws Exception {
    Path dir = example();
    CliRun r = CliRun.run("types", dir.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Built-in types", "postgres", "Platform types (componentTypes/)", "api-service", "batch-job",
        "web-application").containsPattern("retries +integer +3 +>= 0, <= 10 +Pod retries per run");
    CliRun one = CliRun.run("types", dir.toString(), "batch-job");
    assertThat(one.out()).startsWith("batch-job (componentTypes/batch-job.yaml)").contains("cronJob  CronJob");
    JsonNode json = new ObjectMapper().readTree(CliRun.run("types", dir.toString(), "web-application", "-o", "json").out());
    assertThat(json.path("platform")).hasSize(1);
    assertThat(json.path("platform").get(0).path("fields").get(0).path("required").asBoolean()).isTrue();
    CliRun unknown = CliRun.run("types", dir.toString(), "batch-jobs");
    assertThat(unknown.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(unknown.err()).contains("no component type 'batch-jobs' (did you mean 'batch-job'?)");
  }

  @Test
  void aTypeErrorFailsPlanWithItsPositionAndWritesNothing() throws IOException {
    Path dir = example();
    Path file = dir.resolve("componentTypes/batch-job.yaml");
    String text = Files.readString(file).replace("${schema.spec.retries}", "${schema.spec.retries + \"x\"}");
    Files.writeString(file, text);
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    int line = (int) text.substring(0, text.indexOf("+ \"x\"")).chars().filter(c -> c == '\n').count() + 1;
    int column = text.indexOf("+ \"x\"") - text.lastIndexOf('\n', text.indexOf("+ \"x\"")) ;
    assertThat(r.err()).contains("componentTypes/batch-job.yaml:" + line + ":" + column + ": error [spec.invalid-expression]")
        .doesNotContain("Exception");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void anUnusedTypeIsCheckedAgainstPolicyBeforeAnyApplicationUsesIt() throws IOException {
    Path dir = example();
    // A type no application uses, whose Deployment runs as root with a writable root filesystem.
    String text = Files.readString(dir.resolve("componentTypes/web-application.yaml"))
        .replace("name: web-application", "name: root-web").replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false");
    Files.writeString(dir.resolve("componentTypes/root-web.yaml"), text);
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("componentTypes/root-web.yaml:").contains("[spec.type-policy]")
        .contains("renders a Deployment that fails policy require-ro-rootfs").contains("environment 'prod' enforces it");
  }
}
