package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.kube.Kubeconfigs;
import dev.slipway.model.load.Workspace;
import dev.slipway.sandbox.Sandbox;
import dev.slipway.sandbox.SandboxOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the sandbox's simulated clusters, reached only through the kubeconfig the
 * sandbox writes, as a newcomer would: no test code sets any status.
 */
class SandboxCommandMockTest {
  @TempDir
  Path tmp;
  Path dir;
  Sandbox sandbox;
  String kc;

  @BeforeEach
  void start() throws Exception {
    dir = CliRun.example(tmp.resolve("p"));
    sandbox = Sandbox.start(Workspace.load(dir).platform(), new SandboxOptions(Duration.ofMillis(200), Duration.ofSeconds(1), null));
    kc = sandbox.writeKubeconfig(tmp.resolve("kubeconfig")).toString();
  }

  @AfterEach
  void stop() {
    String failure = sandbox.controllerFailure();
    sandbox.close();
    assertThat(failure).as("no simulated controller failed").isNull();
  }

  @Test
  void theKubeconfigsContextsAreThePlatformsAndSyncStatusAndDiffConvergeOnTheWholeExample() throws Exception {
    Kubeconfigs.Merged merged = Kubeconfigs.load(List.of(Path.of(kc)));
    for (String context : List.of("acme-dev", "acme-staging", "acme-prod")) {
      assertThat(merged.hasContext(context)).as(context).isTrue();
    }
    assertThat(merged.server("acme-dev")).isEqualTo(sandbox.cluster("dev").url());

    CliRun sync = CliRun.run("sync", dir.toString(), "--env", "dev", "--kubeconfig", kc, "--timeout", "60s");
    assertThat(sync.exitCode()).as(sync.out() + sync.err()).isZero();
    assertThat(sync.out()).contains("create Deployment/hello-world/web").contains("create Ingress/hello-world/web")
        .contains("create ExternalSecret/proyecto06/");

    CliRun status = CliRun.run("status", dir.toString(), "--env", "dev", "--kubeconfig", kc);
    assertThat(status.exitCode()).as(status.out() + status.err()).isZero();
    for (String app : List.of("flask-otel-app", "hello-world", "proyecto06")) {
      assertThat(status.out()).containsPattern("dev +" + app + " +Synced +Healthy");
    }
    CliRun diff = CliRun.run("diff", dir.toString(), "--env", "dev", "--kubeconfig", kc);
    assertThat(diff.exitCode()).as(diff.out()).isZero();
    assertThat(diff.out()).contains("In sync.");
    assertThat(sandbox.cluster("staging").client().namespaces().list().getItems()).as("other environments untouched").isEmpty();
  }

  @Test
  void aNewImageRollsOutThroughProgressingToHealthyAndInjectedDriftIsReportedByDiff() throws Exception {
    String[] scope = {dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--timeout", "30s"};
    assertThat(CliRun.run(concat("sync", scope)).exitCode()).isZero();
    Path appYaml = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(appYaml, Files.readString(appYaml).replace(":1.27-alpine", ":1.28-alpine"));

    CliRun rollout = CliRun.run(concat("sync", scope));
    assertThat(rollout.exitCode()).as(rollout.out() + rollout.err()).isZero();
    assertThat(rollout.out()).contains("update Deployment/hello-world/web")
        .containsPattern("waiting for Deployment/web is Progressing: Waiting for rollout to finish");
    assertThat(sandbox.cluster("dev").client().apps().deployments().inNamespace("hello-world").withName("web").get().getStatus()
        .getObservedGeneration()).isEqualTo(2);
    CliRun status = CliRun.run("status", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(status.out()).containsPattern("dev +hello-world +Synced +Healthy");

    sandbox.drift("dev", "apps/v1", "Deployment", "hello-world", "web", "spec.template.spec.containers[0].image", "nginx:evil");
    CliRun diff = CliRun.run("diff", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(diff.exitCode()).as(diff.out() + diff.err()).isEqualTo(1);
    assertThat(diff.out()).contains("OutOfSync  Deployment/hello-world/web").contains("nginx:evil");
  }

  @Test
  void anInjectedImagePullFailureFailsTheSyncWithTheDeploymentDegraded() {
    sandbox.failDeployment("dev", "hello-world", "web", "ImagePullBackOff");
    CliRun sync = CliRun.run("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--timeout", "3s");
    assertThat(sync.exitCode()).as(sync.out() + sync.err()).isEqualTo(1);
    assertThat(sync.err()).contains("sync of hello-world failed")
        .contains("Deployment/web is Degraded: Deployment \"web\" exceeded its progress deadline");
    CliRun status = CliRun.run("status", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.out()).containsPattern("dev +hello-world +Synced +Degraded");
  }

  @Test
  void theSandboxCommandServesUntilStoppedAndCleansUp() throws Exception {
    sandbox.close();
    Path file = tmp.resolve("sandbox.kubeconfig");
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out, true);
    int[] code = {-1};
    Thread command = new Thread(() -> code[0] = Main.run(w, w, "sandbox", dir.toString(), "--kubeconfig-out", file.toString(),
        "--delay", "100ms"));
    command.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!out.toString().contains("Stop with Ctrl-C.")) {
      assertThat(System.nanoTime()).as("the sandbox started: " + out).isLessThan(deadline);
      assertThat(command.isAlive()).as(out.toString()).isTrue();
      Thread.sleep(50);
    }
    assertThat(out.toString()).startsWith("SIMULATED: Slipway sandbox.").contains("SIMULATED environment dev: context acme-dev")
        .contains("SIMULATED kubeconfig: " + file.toAbsolutePath())
        .contains("slipway sync " + dir + " --env staging --kubeconfig " + file.toAbsolutePath());
    CliRun sync = CliRun.run("sync", dir.toString(), "--env", "staging", "--app", "hello-world", "--kubeconfig", file.toString(),
        "--timeout", "30s");
    assertThat(sync.exitCode()).as(sync.out() + sync.err()).isZero();

    command.interrupt();
    command.join(10_000);
    assertThat(command.isAlive()).isFalse();
    assertThat(code[0]).as(out.toString()).isZero();
    assertThat(out.toString()).contains("SIMULATED clusters stopped");
    assertThat(file).doesNotExist();

    CliRun bad = CliRun.run("sandbox", dir.toString(), "--delay", "soon");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--delay and --progress-deadline take a duration");
    CliRun noPlatform = CliRun.run("sandbox", tmp.resolve("nowhere").toString());
    assertThat(noPlatform.exitCode()).isEqualTo(2);
    assertThat(noPlatform.err()).contains("no slipway.yaml");
  }

  private static String[] concat(String command, String... scope) {
    String[] args = new String[scope.length + 1];
    args[0] = command;
    System.arraycopy(scope, 0, args, 1, scope.length);
    return args;
  }
}
