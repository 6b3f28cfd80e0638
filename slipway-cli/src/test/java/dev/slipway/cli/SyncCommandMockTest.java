package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway diff} and {@code sync} end to end, against fabric8's mock API server through a kubeconfig. */
@EnableKubernetesMockClient(crud = true, https = false)
class SyncCommandMockTest {
  KubernetesClient client;
  @TempDir
  Path tmp;
  private dev.slipway.kube.FakeController controller;

  Path kubeconfig() throws Exception {
    return CliRun.kubeconfig(tmp.resolve("kubeconfig"), client.getMasterUrl().toString());
  }

  /** Sets status as Kubernetes' controllers would; a failure of its own fails the test with its cause. */
  void startController() {
    controller = dev.slipway.kube.FakeController.start(client);
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void syncsAnApplicationThenReportsItInSync() throws Exception {
    startController();
    Path dir = CliRun.example(tmp.resolve("p"));
    String kc = kubeconfig().toString();
    CliRun before = CliRun.run("diff", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(before.exitCode()).as(before.out() + before.err()).isEqualTo(1);
    assertThat(before.out()).contains("Missing    Deployment/hello-world/web");

    CliRun sync = CliRun.run("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--timeout", "20s");
    assertThat(sync.exitCode()).as(sync.out() + sync.err()).isZero();
    assertThat(sync.out()).contains("wave 0: create Namespace/hello-world").contains("create Deployment/hello-world/web");

    CliRun again = CliRun.run("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--timeout", "20s");
    assertThat(again.out()).contains("Synced: 0 write(s).");

    CliRun after = CliRun.run("diff", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(after.exitCode()).as(after.out()).isZero();
    assertThat(after.out()).contains("In sync.");
  }

  @Test
  void destroyNeedsConfirmationAndDataDeletionNeedsYes() throws Exception {
    startController();
    Path dir = CliRun.example(tmp.resolve("p"));
    String kc = kubeconfig().toString();
    assertThat(CliRun.run("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--timeout", "20s")
        .exitCode()).isZero();
    CliRun noConfirm = CliRun.run("destroy", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(noConfirm.exitCode()).isEqualTo(2);
    assertThat(noConfirm.err()).contains("not confirmed; nothing was deleted");
    CliRun data = CliRun.run("destroy", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--delete-data");
    assertThat(data.exitCode()).isEqualTo(2);
    assertThat(data.err()).contains("add --yes");
    CliRun yes = CliRun.run("destroy", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--yes");
    assertThat(yes.exitCode()).as(yes.out() + yes.err()).isZero();
    assertThat(yes.out()).contains("deleted Ingress/hello-world/web").contains("Destroyed hello-world in dev");
  }

  private static void commit(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
  }

  private String image() {
    return client.apps().deployments().inNamespace("hello-world").withName("web").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getImage();
  }

  @Test
  void recordsEachSyncAndRollsBackToAnEarlierCommit() throws Exception {
    startController();
    Path dir = CliRun.example(tmp.resolve("repo"));
    Path appYaml = dir.resolve("apps/hello-world/app.yaml");
    String kc = kubeconfig().toString();
    String[] scope = {dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc};
    try (Git git = Git.init().setDirectory(dir.toFile()).call()) {
      commit(git, "first");
      assertThat(CliRun.run(concat("sync", scope, "--timeout", "20s")).exitCode()).isZero();
      assertThat(image()).endsWith(":1.27-alpine");

      Files.writeString(appYaml, Files.readString(appYaml).replace(":1.27-alpine", ":1.28-alpine"));
      commit(git, "nginx 1.28");
      CliRun second = CliRun.run(concat("sync", scope, "--timeout", "20s"));
      assertThat(second.out()).as(second.err()).contains("history: revision 2");
      assertThat(image()).endsWith(":1.28-alpine");

      CliRun noop = CliRun.run(concat("sync", scope, "--timeout", "20s"));
      assertThat(noop.out()).as("a sync that changes nothing adds no revision").doesNotContain("history: revision");

      CliRun history = CliRun.run(concat("history", scope));
      assertThat(history.exitCode()).as(history.err()).isZero();
      assertThat(history.out().lines().toList()).hasSize(3);
      assertThat(history.out()).contains("nginx-unprivileged:1.27-alpine").contains("nginx-unprivileged:1.28-alpine")
          .contains("Succeeded");

      CliRun rollback = CliRun.run(concat("rollback", scope, "--timeout", "20s"));
      assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isZero();
      assertThat(rollback.out()).contains("to revision 1").contains("update Deployment/hello-world/web");
      assertThat(image()).as("the first commit's image is back").endsWith(":1.27-alpine");
      assertThat(CliRun.run(concat("history", scope)).out()).contains("rollback to 1");

      CliRun forward = CliRun.run(concat("sync", scope, "--timeout", "20s"));
      assertThat(forward.out()).contains("was rolled back to revision 1").contains("history: revision 4");
      assertThat(image()).endsWith(":1.28-alpine");

      Files.writeString(appYaml, Files.readString(appYaml).replace(":1.28-alpine", ":1.29-alpine"));
      CliRun dirty = CliRun.run(concat("sync", scope, "--timeout", "20s"));
      assertThat(dirty.out()).contains("history: revision 5 (uncommitted changes: cannot be rolled back to)");
      CliRun refused = CliRun.run(concat("rollback", scope, "--to", "5"));
      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.err()).contains("revision 5 was synced from uncommitted changes");
      assertThat(CliRun.run(concat("rollback", scope, "--to", "99")).err()).contains("no revision 99 in the history of hello-world");
    }
  }

  private static String[] concat(String command, String[] scope, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of(command));
    args.addAll(List.of(scope));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void statusShowsSyncHealthRevisionAndDriftPerApplicationAndEnvironment() throws Exception {
    startController();
    Path dir = CliRun.example(tmp.resolve("p"));
    String kc = kubeconfig().toString();
    assertThat(CliRun.run("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc, "--timeout", "20s")
        .exitCode()).isZero();
    CliRun synced = CliRun.run("status", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    assertThat(synced.exitCode()).as(synced.out() + synced.err()).isZero();
    assertThat(synced.out()).containsPattern("dev +hello-world +Synced +Healthy +1 - +20\\d\\d-\\S+Z +-");

    client.apps().deployments().inNamespace("hello-world").withName("web")
        .edit(d -> { d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:evil"); return d; });
    CliRun drifted = CliRun.run("status", dir.toString(), "--env", "dev", "--kubeconfig", kc);
    assertThat(drifted.exitCode()).isEqualTo(1);
    assertThat(drifted.out()).containsPattern("dev +hello-world +OutOfSync")
        .contains("OutOfSync Deployment/hello-world/web")
        .containsPattern("dev +proyecto06 +OutOfSync +Missing +- +-").contains("not deployed: its 24 objects are missing");

    CliRun everywhere = CliRun.run("status", dir.toString(), "--kubeconfig", kc, "-o", "json");
    assertThat(everywhere.exitCode()).as("staging and prod have no context in this kubeconfig").isEqualTo(2);
    assertThat(everywhere.err()).contains("cannot use the cluster of environment staging (context acme-staging)").contains("is not in");
    assertThat(everywhere.out()).contains("\"environment\" : \"prod\"").contains("\"healthDetail\" : \"cluster unreachable\"");
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static void enableSelfHeal(Path dir) throws java.io.IOException {
    Path platformYaml = dir.resolve("slipway.yaml");
    // Whatever the example says of dev's sync, the test sets self-heal itself (and fails when it cannot).
    String text = Files.readString(platformYaml);
    String updated = text.replaceFirst("(  - name: dev[^\\n]*\\n)(    sync: \\{[^}]*}\\n)?", "$1    sync: {selfHeal: true}\n");
    org.assertj.core.api.Assertions.assertThat(updated).as("dev's sync block in " + platformYaml).contains("sync: {selfHeal: true}");
    Files.writeString(platformYaml, updated);
  }

  /** Starts {@code slipway sync --watch} on a thread, its output going to {@code out} as it is printed. */
  private static Thread watch(java.io.StringWriter out, String... scope) {
    java.io.PrintWriter w = new java.io.PrintWriter(out, true);
    Thread watcher = new Thread(() -> Main.run(w, w, concat("sync", scope, "--timeout", "20s", "--watch", "--interval", "1s",
        "--watch-timeout", "60s")));
    watcher.start();
    return watcher;
  }

  @Test
  void watchSelfHealsDriftAndSyncsChangedPlatformFiles() throws Exception {
    startController();
    Path dir = CliRun.example(tmp.resolve("p"));
    enableSelfHeal(dir);
    String kc = kubeconfig().toString();
    java.io.StringWriter out = new java.io.StringWriter();
    Thread watcher = watch(out, dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc);
    try {
      await("the watch to start", () -> out.toString().contains("watching dev"));
      assertThat(out.toString()).contains("self-heal on");

      client.apps().deployments().inNamespace("hello-world").withName("web")
          .edit(d -> { d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:evil"); return d; });
      await("drift to be corrected", () -> image().endsWith(":1.27-alpine"));
      assertThat(out.toString()).contains("drift in hello-world: OutOfSync Deployment/hello-world/web").contains("self-healing hello-world");

      Path appYaml = dir.resolve("apps/hello-world/app.yaml");
      Files.writeString(appYaml, Files.readString(appYaml).replace(":1.27-alpine", ":1.28-alpine"));
      await("the changed files to be synced", () -> image().endsWith(":1.28-alpine"));
      assertThat(out.toString()).contains("platform files changed: syncing");
    } finally {
      watcher.interrupt();
      watcher.join(10_000);
    }
  }

  @Test
  void aRunningWatchDoesNotUndoARollback() throws Exception {
    startController();
    Path dir = CliRun.example(tmp.resolve("repo"));
    enableSelfHeal(dir);
    Path appYaml = dir.resolve("apps/hello-world/app.yaml");
    String kc = kubeconfig().toString();
    String[] scope = {dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc};
    try (Git git = Git.init().setDirectory(dir.toFile()).call()) {
      commit(git, "first");
      assertThat(CliRun.run(concat("sync", scope, "--timeout", "20s")).exitCode()).isZero();
      Files.writeString(appYaml, Files.readString(appYaml).replace(":1.27-alpine", ":1.28-alpine"));
      commit(git, "nginx 1.28");
      java.io.StringWriter out = new java.io.StringWriter();
      Thread watcher = watch(out, scope);
      try {
        await("the watch to start", () -> out.toString().contains("watching dev"));
        assertThat(image()).endsWith(":1.28-alpine");
        assertThat(CliRun.run(concat("rollback", scope, "--timeout", "20s")).exitCode()).isZero();
        String leftAlone = "drift in hello-world, which was rolled back: left alone";
        await("the watch to see the rollback", () -> out.toString().contains(leftAlone));
        assertThat(image()).as("self-heal did not undo the rollback").endsWith(":1.27-alpine");
        // A later edit is seen too, and still not healed back to the current files.
        int seen = out.toString().split(java.util.regex.Pattern.quote(leftAlone), -1).length;
        client.apps().deployments().inNamespace("hello-world").withName("web")
            .edit(d -> { d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:edited"); return d; });
        await("the watch to see the edit", () -> out.toString().split(java.util.regex.Pattern.quote(leftAlone), -1).length > seen);
        assertThat(image()).isEqualTo("nginx:edited");
      } finally {
        watcher.interrupt();
        watcher.join(10_000);
      }
    }
  }

  @Test
  void refusesAContextThatIsNotInTheKubeconfig() throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    CliRun r = CliRun.run("sync", dir.toString(), "--env", "prod", "--kubeconfig", kubeconfig().toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("context 'acme-prod' is not in").contains("refusing to use another cluster");
  }
}
