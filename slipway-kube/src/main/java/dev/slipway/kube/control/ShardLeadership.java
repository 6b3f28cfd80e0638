package dev.slipway.kube.control;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Leadership of one shard: a {@code coordination.k8s.io/v1} Lease {@code slipway-shard-<i>}
 * held through fabric8's {@link LeaderElector}. Of the replicas that run for the same shard, one
 * leads and writes, the others stand by and take over once the leader stops renewing for the
 * lease duration. A leader that cannot renew within the renew deadline stops leading before
 * anyone else may take the lease (renew deadline &lt; lease duration), so two replicas never
 * lead the same shard at once.
 */
public final class ShardLeadership implements AutoCloseable {
  /** Timings of an election: how long a lease holds, how long a leader tries to renew, how often candidates retry. */
  public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    /** client-go's defaults, as Kubernetes controllers use them. */
    public static final Timings DEFAULT = new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

    public Timings {
      if (renewDeadline.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("the renew deadline must be shorter than the lease duration");
      }
    }
  }

  private final int shard;
  private final String identity;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicReference<String> leader = new AtomicReference<>();
  private final LeaderElector elector;
  private final Consumer<Boolean> changed;
  private CompletableFuture<?> running;

  /**
   * An election for {@code shard} among replicas named {@code identity}, in {@code namespace};
   * {@code changed} hears true when this replica starts leading and false when it stops.
   */
  public ShardLeadership(KubernetesClient client, String namespace, int shard, String identity, Timings timings,
      Consumer<Boolean> changed) {
    this(client, namespace, shard, identity, timings, changed, true);
  }

  /**
   * As above; with {@code releaseOnClose} false, {@link #close} leaves the lease as a killed
   * process would, and a standby takes over only once it expires.
   */
  public ShardLeadership(KubernetesClient client, String namespace, int shard, String identity, Timings timings,
      Consumer<Boolean> changed, boolean releaseOnClose) {
    this.shard = shard;
    this.changed = changed;
    this.identity = identity;
    this.elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("slipway-shard-" + shard)
        .withLock(new LeaseLock(namespace, leaseName(shard), identity))
        .withLeaseDuration(timings.leaseDuration())
        .withRenewDeadline(timings.renewDeadline())
        .withRetryPeriod(timings.retryPeriod())
        .withReleaseOnCancel(releaseOnClose)
        .withLeaderCallbacks(new LeaderCallbacks(
            () -> {
              leading.set(true);
              changed.accept(true);
            },
            () -> {
              if (leading.getAndSet(false)) {
                changed.accept(false);
              }
            },
            leader::set))
        .build()).build();
  }

  /** The Lease of shard {@code shard}. */
  public static String leaseName(int shard) {
    return "slipway-shard-" + shard;
  }

  /** Starts competing for the lease, in the background. */
  public synchronized ShardLeadership start() {
    if (running == null) {
      running = elector.start();
    }
    return this;
  }

  /** Whether this replica leads its shard now. */
  public boolean isLeader() {
    return leading.get();
  }

  /** Who leads the shard, as last seen (null before the first observation). */
  public String leader() {
    return leader.get();
  }

  public int shard() {
    return shard;
  }

  public String identity() {
    return identity;
  }

  /** Stops competing and, when leading, releases the lease so a standby takes over at once. */
  @Override
  public synchronized void close() {
    if (running != null) {
      running.cancel(true);
      running = null;
    }
    if (leading.getAndSet(false)) {
      changed.accept(false);
    }
  }
}
