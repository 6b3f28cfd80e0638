package dev.slipway.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.FakeController;
import dev.slipway.kube.FaultyApiServer;
import dev.slipway.kube.control.ShardLeadership;
import dev.slipway.kube.control.Shards;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server replicas against one mock API server, each with its own client (its requests counted
 * by the server under its user agent): one writer per application at any time.
 */
class HighAvailabilityTest {
  static final ShardLeadership.Timings FAST =
      new ShardLeadership.Timings(Duration.ofMillis(2000), Duration.ofMillis(1500), Duration.ofMillis(200));
  static final List<String> APPS = List.of("flask-otel-app", "hello-world", "proyecto06");

  @TempDir
  Path tmp;

  final FaultyApiServer server = new FaultyApiServer();
  final FakeController kube = FakeController.start(server.controllerClient());
  final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    kube.close();
    server.close();
  }

  Controller replica(Path dir, String name, Controller.Responsibility responsibility) {
    Controller.Settings settings = Controller.Settings.defaults().withEnvironments(Set.of("dev")).withWorkers(2)
        .withPoll(Duration.ofMillis(500)).withResync(Duration.ofHours(1)).withSyncTimeout(Duration.ofSeconds(30)).withRateLimit(1000, 1000);
    Controller c = new Controller(PlatformSource.directory(dir), env -> server.clientAs(name), settings, responsibility, new ServerMetrics(),
        new JsonLog.Sink(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC(), JsonLog.Level.INFO),
        Clock.systemUTC());
    closing.add(0, c);
    return c.start();
  }

  /** Writes of one replica to the objects of one application (its namespace), leases and history aside. */
  long writes(String replica, String namespace) {
    return server.requestsBy(replica).stream().filter(r -> !r.startsWith("GET"))
        .filter(r -> r.contains("/namespaces/" + namespace + "/") && !r.contains("/leases/")).count();
  }

  long writes(String replica) {
    return APPS.stream().mapToLong(a -> writes(replica, a)).sum();
  }

  static boolean converged(Controller c) {
    List<ApplicationStatus> m = c.applications();
    return !m.isEmpty() && ControllerTest.converged(c);
  }

  @Test
  void ofTwoReplicasSharingALeaseOnlyTheLeaderWritesAndTheStandbyTakesOverWhenItIsKilled() throws Exception {
    Path dir = tmp.resolve("platform");
    ControllerTest.copy(ControllerTest.EXAMPLE, dir);
    ShardLeadership a = new ShardLeadership(server.clientAs("lease-a"), "slipway", 0, "replica-a", FAST, l -> { }, false).start();
    ControllerTest.await("replica a to lead", Duration.ofSeconds(10), a::isLeader);
    ShardLeadership b = new ShardLeadership(server.clientAs("lease-b"), "slipway", 0, "replica-b", FAST, l -> { }, true).start();
    closing.add(b);
    Controller ca = replica(dir, "replica-a", app -> a.isLeader());
    Controller cb = replica(dir, "replica-b", app -> b.isLeader());
    ControllerTest.await("convergence", Duration.ofSeconds(90), () -> converged(ca) && converged(cb));
    assertThat(writes("replica-a")).as("the leader wrote").isPositive();
    assertThat(writes("replica-b")).as("the standby wrote nothing").isZero();
    assertThat(b.isLeader()).isFalse();

    // Kill the leader: it stops, leaving its lease behind; the standby must take over and carry on.
    long killed = System.nanoTime();
    ca.close();
    a.close();
    long writesOfAAtKill = writes("replica-a");
    ControllerTest.await("the standby to lead", Duration.ofSeconds(10), b::isLeader);
    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(FAST.leaseDuration().plusSeconds(2));
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    ControllerTest.await("the change synced by the new leader", Duration.ofSeconds(60), () -> {
      var d = server.client().apps().deployments().inNamespace("hello-world").withName("web").get();
      return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().endsWith(":1.28-alpine");
    });
    assertThat(writes("replica-b", "hello-world")).as("the new leader wrote").isPositive();
    assertThat(writes("replica-a")).as("the killed replica wrote nothing more").isEqualTo(writesOfAAtKill);
  }

  @Test
  void twoShardsSplitTheApplicationsWithNoOverlap() throws Exception {
    Path dir = tmp.resolve("platform");
    ControllerTest.copy(ControllerTest.EXAMPLE, dir);
    Controller c0 = replica(dir, "shard-0", app -> app.equals("_cluster") || Shards.of(app, 2) == 0);
    Controller c1 = replica(dir, "shard-1", app -> !app.equals("_cluster") && Shards.of(app, 2) == 1);
    ControllerTest.await("convergence", Duration.ofSeconds(90), () -> converged(c0) && converged(c1));
    for (String app : APPS) {
      long w0 = writes("shard-0", app);
      long w1 = writes("shard-1", app);
      assertThat(w0 > 0 ^ w1 > 0).as(app + " written by exactly one shard (" + w0 + ", " + w1 + ")").isTrue();
      assertThat(Shards.of(app, 2) == 0 ? w0 : w1).as(app + " written by its own shard").isPositive();
    }
  }
}
