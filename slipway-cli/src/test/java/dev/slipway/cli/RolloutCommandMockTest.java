package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blue/green flow of docs/delivery.md through the CLI: sync starts the rollout, {@code rollout
 * run} drives it to the pause before the switch, {@code promote} switches, {@code undo} switches
 * back; and the mistakes a person makes with the commands. Against fabric8's mock API server.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RolloutCommandMockTest {
  KubernetesClient client;
  @TempDir
  Path tmp;
  dev.slipway.kube.FakeController controller;
  Path dir;
  String kc;

  @BeforeEach
  void start() throws Exception {
    controller = dev.slipway.kube.FakeController.start(client);
    dir = CliRun.example(tmp.resolve("p"));
    kc = CliRun.kubeconfig(tmp.resolve("kubeconfig"), client.getMasterUrl().toString()).toString();
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("      ingress: {path: /}\n",
        "      ingress: {path: /}\n      strategy: {type: blueGreen, autoPromote: false, scaleDownDelay: 1h}\n"));
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  CliRun rollout(String... args) {
    String[] all = new String[args.length + 6];
    all[0] = "rollout";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "hello-world";
    all[args.length + 2] = dir.toString();
    all[args.length + 3] = "--env";
    all[args.length + 4] = "dev";
    all[args.length + 5] = "--kubeconfig=" + kc;
    return CliRun.run(all);
  }

  CliRun sync() {
    return CliRun.run("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--timeout", "20s");
  }

  void newImage() throws Exception {
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
  }

  @Test
  void blueGreenFromSyncThroughPromoteAndUndo() throws Exception {
    CliRun none = rollout("status");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("no rollout state for hello-world/web in dev").contains("slipway sync --env dev --app hello-world");

    CliRun first = sync();
    assertThat(first.exitCode()).isZero();
    assertThat(first.out()).contains("create Service/hello-world/web-preview").contains("create Ingress/hello-world/web-preview");
    CliRun steady = rollout("status");
    assertThat(steady.exitCode()).as(steady.err()).isZero();
    assertThat(steady.out()).contains("Rollout of hello-world/web in dev (blueGreen)").contains("phase:     STABLE");

    newImage();
    CliRun second = sync();
    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    // The new revision starts beside the old one; only the preview Service moves to it.
    assertThat(second.out()).contains("rollout of web: blueGreen rollout of revision").contains("update Service/hello-world/web-preview")
        .contains("create Deployment/hello-world/web-").doesNotContain("update Service/hello-world/web\n");
    CliRun run = rollout("run", "--poll", "100ms", "--timeout", "20s");
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(4);
    assertThat(run.out()).contains("blueGreen rollout of revision").contains("paused: waiting for slipway rollout promote");
    CliRun paused = rollout("status");
    assertThat(paused.out()).contains("phase:     PAUSED").contains("preview").contains("waiting:");

    CliRun promote = rollout("promote");
    assertThat(promote.exitCode()).as(promote.err()).isZero();
    assertThat(promote.out()).contains("phase:     STABLE").contains("previous:").contains("slipway rollout undo switches back");
    var web = client.services().inNamespace("hello-world").withName("web").get();
    String live = web.getSpec().getSelector().get("slipway.dev/revision");

    CliRun undo = rollout("undo");
    assertThat(undo.exitCode()).as(undo.err()).isZero();
    assertThat(undo.out()).contains("phase:     ABORTED").contains("undone by");
    String back = client.services().inNamespace("hello-world").withName("web").get().getSpec().getSelector().get("slipway.dev/revision");
    assertThat(back).isNotEqualTo(live);

    CliRun history = CliRun.run("history", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(history.exitCode()).as(history.err()).isZero();
    assertThat(history.out()).contains("Rollout of web (blueGreen), aborted").contains("promoted by").contains("undone by");

    CliRun json = rollout("status", "-o", "json");
    assertThat(json.out()).contains("\"phase\" : \"ABORTED\"").doesNotContain("\"release\"");
  }

  @Test
  void commandsThatDoNotApplyAreRefusedWithTheReason() throws Exception {
    assertThat(sync().exitCode()).isZero();
    CliRun promote = rollout("promote");
    assertThat(promote.exitCode()).isEqualTo(2);
    assertThat(promote.err()).contains("no rollout in progress to promote (stable on revision");
    CliRun unknown = rollout("status", "--component", "wbe");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("no component 'wbe'").contains("did you mean 'web'?");
    CliRun noStrategy = CliRun.run("rollout", "status", "proyecto06", dir.toString(), "--env", "dev", "--kubeconfig=" + kc);
    assertThat(noStrategy.exitCode()).isEqualTo(2);
    assertThat(noStrategy.err()).contains("no component of proyecto06 has a strategy in dev");
  }
}
