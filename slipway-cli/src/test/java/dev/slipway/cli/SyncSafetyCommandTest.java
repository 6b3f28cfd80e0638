package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.kube.FakeController;
import dev.slipway.kube.FaultyApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway sync} of a whole environment under faults: prune only when every apply of the
 * sync succeeded, say what will be deleted first, keep failures inside the outcome (exit 1 and a
 * failed revision, never "cannot reach the cluster"), survive a damaged history. Counts are the
 * mock API server's.
 */
class SyncSafetyCommandTest {
  @TempDir
  Path tmp;
  FaultyApiServer server;
  KubernetesClient client;
  FakeController controller;
  Path dir;
  String kc;

  @BeforeEach
  void start() throws Exception {
    server = new FaultyApiServer();
    client = server.client();
    controller = FakeController.start(client);
    dir = CliRun.example(tmp.resolve("p"));
    Path file = tmp.resolve("kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: me
          user: {token: test}
        contexts:
        - name: acme-dev
          context: {cluster: mock, user: me}
        current-context: acme-dev
        """.formatted(server.url()));
    kc = file.toString();
  }

  @AfterEach
  void stop() {
    controller.close();
    server.close();
  }

  CliRun sync(String... more) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("sync", dir.toString(), "--env", "dev", "--kubeconfig", kc,
        "--timeout", "20s"));
    args.addAll(java.util.List.of(more));
    return CliRun.run(args.toArray(String[]::new));
  }

  void edit(String app, String from, String to) throws Exception {
    Path f = dir.resolve("apps").resolve(app).resolve("app.yaml");
    String s = Files.readString(f);
    assertThat(s).contains(from);
    Files.writeString(f, s.replace(from, to));
  }

  @Test
  void neverPrunesInASyncInWhichAnyApplicationFailedToApply() throws Exception {
    CliRun first = sync();
    assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
    edit("hello-world", "      ingress: {path: /}\n", "");
    edit("proyecto06", "proyecto06-backend:1.4.2", "proyecto06-backend:1.4.3");
    server.refuse("PUT", "/namespaces/proyecto06/deployments/backend$", 403, 100);
    server.resetRequests();

    CliRun second = sync("--prune");
    assertThat(second.exitCode()).as(second.out() + second.err()).isEqualTo(1);
    assertThat(second.err()).contains("sync of proyecto06 failed").contains("HTTP 403").doesNotContain("cannot reach");
    assertThat(second.out()).contains("not pruned in hello-world (an apply failed in this sync)");
    assertThat(server.count("DELETE", "")).isZero();
    assertThat(client.network().v1().ingresses().inNamespace("hello-world").withName("web").get()).isNotNull();

    server.clearFaults();
    CliRun third = sync("--prune");
    assertThat(third.exitCode()).as(third.out() + third.err()).isZero();
    String out = third.out();
    assertThat(out).contains("== prune: deleting 2 object(s) no longer rendered").contains("hello-world: Ingress/hello-world/web");
    assertThat(out.indexOf("== prune: deleting")).as("what will be deleted is said before the first delete")
        .isLessThan(out.indexOf("pruned Ingress/hello-world/web"));
    assertThat(client.network().v1().ingresses().inNamespace("hello-world").withName("web").get()).isNull();
  }

  @Test
  void aFailedPruneDeleteEndsWithExitOneAndAFailedRevisionNotCannotReach() throws Exception {
    assertThat(sync().exitCode()).isZero();
    // Renamed component: the old frontend's objects are no longer rendered, so they are Extra.
    edit("proyecto06", "    frontend:\n      type: web", "    web:\n      type: web");
    edit("proyecto06", "        frontend:\n          autoscaling", "        web:\n          autoscaling");
    server.refuse("DELETE", "/deployments/frontend$", 403, 100);
    server.resetRequests();
    CliRun r = sync("--prune");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).contains("prune of Deployment/proyecto06/frontend failed").contains("HTTP 403").doesNotContain("cannot reach");
    CliRun history = CliRun.run("history", dir.toString(), "--env", "dev", "--app", "proyecto06", "--kubeconfig", kc);
    assertThat(history.out()).contains("Failed: prune of Deployment/proyecto06/frontend failed");
  }

  @Test
  void aDamagedHistoryOfOneApplicationNeitherStopsTheSyncNorTheStatusOfOthers() throws Exception {
    assertThat(sync().exitCode()).isZero();
    client.configMaps().inNamespace("hello-world").withName("slipway-history-dev-hello-world").edit(cm -> new ConfigMapBuilder(cm)
        .withData(Map.of("revisions.json", "[{")).build());
    edit("proyecto06", "proyecto06-backend:1.4.2", "proyecto06-backend:1.4.3");

    CliRun r = sync();
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).contains("hello-world: history ConfigMap slipway-history-dev-hello-world holds unreadable revisions.json");
    assertThat(r.out()).contains("update Deployment/proyecto06/backend");

    CliRun status = CliRun.run("status", dir.toString(), "--env", "dev", "--kubeconfig", kc);
    assertThat(status.out()).contains("proyecto06").contains("flask-otel-app");
    assertThat(status.err()).doesNotContain("cannot read the cluster");
  }
}
