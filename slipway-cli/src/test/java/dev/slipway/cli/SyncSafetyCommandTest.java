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
    controller = FakeController.start(server.controllerClient());
    dir = CliRun.example(tmp.resolve("p"));
    kc = CliRun.kubeconfig(tmp.resolve("kubeconfig"), server.url()).toString();
  }

  @AfterEach
  void stop() {
    controller.close();
    server.close();
  }

  CliRun sync(String... more) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("sync", dir.toString(), "--env", "dev", "--kubeconfig", kc));
    args.addAll(java.util.List.of(more));
    if (!args.contains("--timeout")) {
      args.addAll(java.util.List.of("--timeout", "20s"));
    }
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
    assertThat(server.count("DELETE", "^(?!.*/leases/)")).as("no delete but the lock's release").isZero();
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

  void lease(String holder, java.time.Instant renewed) {
    String t = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC)
        .format(renewed);
    client.leases().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder().withNewMetadata()
        .withName("slipway-sync-dev").withNamespace("default").endMetadata().withNewSpec().withHolderIdentity(holder)
        .withLeaseDurationSeconds(60).withAcquireTime(java.time.ZonedDateTime.parse(t)).withRenewTime(java.time.ZonedDateTime.parse(t))
        .endSpec().build()).create();
  }

  @Test
  void aSyncFailsClearlyAndWritesNothingWhileAnotherHoldsTheEnvironmentsLock() {
    lease("ana@laptop/4242/abcd", java.time.Instant.now());
    server.resetRequests();
    CliRun r = sync();
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("environment dev is being synced by ana@laptop/4242/abcd since").contains("--lock-wait")
        .contains("Nothing was applied");
    assertThat(server.count("POST", "") + server.count("PUT", "") + server.count("DELETE", "")).isZero();
  }

  @Test
  void aLockWhoseHolderStoppedRenewingItIsTakenOverAndReleasedAfterTheSync() {
    lease("killed@host/1/dead", java.time.Instant.now().minusSeconds(600));
    CliRun r = sync();
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    var lease = client.leases().inNamespace("default").withName("slipway-sync-dev").get();
    assertThat(lease.getSpec().getHolderIdentity()).as("released").isNull();
  }

  @Test
  void twoSyncsOfTheSameEnvironmentAtOnceTakeTurnsInsteadOfFighting() throws Exception {
    server.slow("POST", "", 20);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> sync("--lock-wait", "60s"));
      var b = pool.submit(() -> sync("--lock-wait", "60s"));
      CliRun ra = a.get();
      CliRun rb = b.get();
      assertThat(ra.exitCode()).as(ra.out() + ra.err()).isZero();
      assertThat(rb.exitCode()).as(rb.out() + rb.err()).isZero();
      assertThat(ra.out() + rb.out()).contains("Synced: 0 write(s).");
    } finally {
      pool.shutdownNow();
    }
    assertThat(client.apps().deployments().inNamespace("hello-world").list().getItems()).hasSize(1);
  }

  /** The most applications whose requests (to their own namespace) were under way at once, from the server's request log. */
  int mostApplicationsAtOnce() {
    java.util.List<String> log = server.requests();
    java.util.Map<String, int[]> span = new java.util.HashMap<>();
    for (int i = 0; i < log.size(); i++) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("/namespaces/(flask-otel-app|hello-world|proyecto06)/").matcher(log.get(i));
      if (m.find()) {
        int at = i;
        span.merge(m.group(1), new int[] {at, at}, (a, b) -> new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
      }
    }
    int most = 0;
    for (int i = 0; i < log.size(); i++) {
      int at = i;
      most = Math.max(most, (int) span.values().stream().filter(s -> s[0] <= at && at <= s[1]).count());
    }
    return most;
  }

  @Test
  void applicationsSyncInParallelUpToTheWorkerBound() {
    CliRun one = sync("--parallel", "1");
    assertThat(one.exitCode()).as(one.out() + one.err()).isZero();
    assertThat(mostApplicationsAtOnce()).as("one worker: one application after another").isEqualTo(1);
    client.namespaces().withName("hello-world").delete();
    client.namespaces().withName("proyecto06").delete();
    client.namespaces().withName("flask-otel-app").delete();
    for (String ns : java.util.List.of("hello-world", "proyecto06", "flask-otel-app")) {
      for (var kind : java.util.List.of(client.apps().deployments(), client.apps().statefulSets())) {
        kind.inNamespace(ns).delete();
      }
      client.configMaps().inNamespace(ns).delete();
      client.services().inNamespace(ns).delete();
      client.serviceAccounts().inNamespace(ns).delete();
    }
    server.resetRequests();
    CliRun two = sync("--parallel", "2");
    assertThat(two.exitCode()).as(two.out() + two.err()).isZero();
    assertThat(mostApplicationsAtOnce()).as("two workers: two applications at once, never three").isEqualTo(2);
    // Each application's lines stay together, in the order of the bundles.
    String out = two.out();
    assertThat(out.indexOf("== dev/flask-otel-app")).isLessThan(out.indexOf("== dev/hello-world"));
    assertThat(out.substring(out.indexOf("== dev/hello-world"), out.indexOf("== dev/proyecto06"))).doesNotContain("proyecto06/");
  }

  @Test
  void theTimeoutBoundsTheWholeSyncEvenWhenEveryRequestIsSlow() {
    controller.close(); // the mock serves one request at a time: keep the controller's own reads out of the way
    server.slow("GET", "", 1000);
    long start = System.nanoTime();
    CliRun r = sync("--timeout", "3s");
    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.exitCode()).as(r.out() + r.err()).isNotZero();
    assertThat(r.err()).contains("time ran out");
    // Unbounded, the first sync's 19 lists and health reads would take well over 20 s at 1 s each.
    assertThat(took).isLessThan(java.time.Duration.ofSeconds(10));
  }

  @Test
  void syncWatchExitsNonZeroWhenItsWatchIsRefused() {
    server.refuse("GET", "watch=true", 403, 100000);
    long start = System.nanoTime();
    CliRun r = sync("--watch", "--watch-timeout", "60s", "--interval", "1s");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).contains("the watch of dev stopped").contains("403");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(40));
  }

  @Test
  void aLeaseTakenWhoseResponseWasLostIsStillThisRunsLock() {
    server.loseResponse("POST", "/namespaces/default/leases$", 500, 1);
    CliRun r = sync();
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(client.leases().inNamespace("default").withName("slipway-sync-dev").get().getSpec().getHolderIdentity())
        .as("released at the end").isNull();
  }
}
