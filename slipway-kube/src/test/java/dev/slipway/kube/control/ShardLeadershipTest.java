package dev.slipway.kube.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.kube.FaultyApiServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShardLeadershipTest {
  private static final ShardLeadership.Timings FAST =
      new ShardLeadership.Timings(Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(100));
  private final FaultyApiServer server = new FaultyApiServer();

  /** Waits for {@code condition} up to {@code limit}; fails the test when it does not come. */
  private static void until(Duration limit, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + limit);
      }
      Thread.sleep(10);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ShardLeadership replica(String name, boolean releaseOnClose, AtomicInteger changes) {
    return new ShardLeadership(server.client(), "slipway", 0, name, FAST, leading -> changes.incrementAndGet(), releaseOnClose);
  }

  @Test
  void ofTwoReplicasOfAShardExactlyOneLeadsAtEveryMoment() throws Exception {
    AtomicInteger changes = new AtomicInteger();
    try (ShardLeadership a = replica("slipway-0", true, changes).start();
        ShardLeadership b = replica("slipway-2", true, changes).start()) {
      until(Duration.ofSeconds(5), () -> a.isLeader() || b.isLeader());
      for (int i = 0; i < 100; i++) {
        assertThat(a.isLeader() && b.isLeader()).as("both lead at sample " + i).isFalse();
        Thread.sleep(20);
      }
      assertThat(a.isLeader() ^ b.isLeader()).isTrue();
      Lease lease = server.client().leases().inNamespace("slipway").withName("slipway-shard-0").get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(a.isLeader() ? "slipway-0" : "slipway-2");
    }
  }

  @Test
  void aKilledLeaderIsReplacedWithinTheLeaseDuration() throws Exception {
    AtomicInteger changes = new AtomicInteger();
    ShardLeadership first = replica("slipway-0", false, changes).start();
    until(Duration.ofSeconds(5), first::isLeader);
    try (ShardLeadership standby = replica("slipway-1", true, changes).start()) {
      Thread.sleep(300);
      assertThat(standby.isLeader()).as("the standby waits while the leader renews").isFalse();
      long killed = System.nanoTime();
      first.close(); // stops renewing and leaves the lease behind, as a killed process does
      until(Duration.ofSeconds(5), standby::isLeader);
      Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(takeover).isLessThan(FAST.leaseDuration().plus(FAST.retryPeriod()).plusMillis(700));
      assertThat(standby.leader()).isEqualTo("slipway-1");
    }
  }

  @Test
  void aLeaderThatStopsReleasesTheLeaseSoTheStandbyTakesOverAtOnce() throws Exception {
    AtomicInteger changes = new AtomicInteger();
    ShardLeadership first = replica("slipway-0", true, changes).start();
    until(Duration.ofSeconds(5), first::isLeader);
    try (ShardLeadership standby = replica("slipway-1", true, changes).start()) {
      Thread.sleep(200);
      first.close();
      assertThat(first.isLeader()).isFalse();
      until(FAST.leaseDuration(), standby::isLeader);
    }
  }

  @Test
  void shardsAreElectedIndependently() throws Exception {
    AtomicInteger changes = new AtomicInteger();
    try (ShardLeadership s0 = new ShardLeadership(server.client(), "slipway", 0, "slipway-0", FAST, l -> changes.incrementAndGet()).start();
        ShardLeadership s1 = new ShardLeadership(server.client(), "slipway", 1, "slipway-1", FAST, l -> changes.incrementAndGet()).start()) {
      until(Duration.ofSeconds(5), () -> s0.isLeader() && s1.isLeader());
      assertThat(server.client().leases().inNamespace("slipway").list().getItems())
          .extracting(l -> l.getMetadata().getName()).containsExactlyInAnyOrder("slipway-shard-0", "slipway-shard-1");
    }
  }
}
