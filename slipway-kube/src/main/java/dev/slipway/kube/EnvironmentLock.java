package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.Labels;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One sync of an environment at a time: a Lease ({@code coordination.k8s.io/v1}) named
 * {@code slipway-sync-<env>} in the cluster, taken with a compare-and-swap on its resourceVersion
 * (two runs racing for it: one wins, the other sees 409 and reads the winner), renewed while the
 * sync runs, and released at the end. A lease whose holder stopped renewing it (a killed run) is
 * taken over once it has expired. A run that finds the lease held waits up to its
 * {@code --lock-wait}, then fails saying who holds it and since when.
 */
public final class EnvironmentLock implements AutoCloseable {
  public static final String NAMESPACE = "default";
  public static final Duration LEASE = Duration.ofSeconds(60);
  private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(java.time.ZoneOffset.UTC);

  /** The lease is held by another run. */
  public static final class Held extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Held(String message) {
      super(message);
    }
  }

  private final ClusterClient client;
  private final String environment;
  private final String holder;
  private final Clock clock;
  private final ScheduledExecutorService renewer;
  private volatile String lost;
  private volatile Instant renewed;

  private EnvironmentLock(ClusterClient client, String environment, String holder, Clock clock) {
    this.client = client;
    this.environment = environment;
    this.holder = holder;
    this.clock = clock;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slipway-lease-" + environment);
      t.setDaemon(true);
      return t;
    });
  }

  public static String name(String environment) {
    return "slipway-sync-" + environment;
  }

  /** Takes the environment's lock for {@code holder}, waiting up to {@code wait} while another run holds it. */
  public static EnvironmentLock acquire(ClusterClient client, String environment, String holder, Duration wait, Clock clock) {
    EnvironmentLock lock = new EnvironmentLock(client, environment, holder, clock);
    Instant giveUp = clock.instant().plus(wait);
    while (true) {
      String heldBy = lock.tryTake();
      if (heldBy == null) {
        lock.renewed = clock.instant();
        long every = LEASE.toMillis() / 3;
        lock.renewer.scheduleWithFixedDelay(lock::renew, every, every, TimeUnit.MILLISECONDS);
        return lock;
      }
      if (!clock.instant().isBefore(giveUp)) {
        lock.renewer.shutdownNow();
        throw new Held("environment " + environment + " is being synced by " + heldBy + " (Lease " + NAMESPACE + "/" + name(environment)
            + "); try again when it is done, or wait for it with --lock-wait 5m");
      }
      try {
        Thread.sleep(Math.min(1000, Math.max(1, java.time.Duration.between(clock.instant(), giveUp).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Held("interrupted while waiting for the lock of environment " + environment);
      }
    }
  }

  /** Takes the lease when free or expired; returns who holds it otherwise ("holder since time"). */
  private String tryTake() {
    JsonNode live = client.get("coordination.k8s.io/v1", "Lease", NAMESPACE, name(environment));
    Instant now = clock.instant();
    try {
      if (live == null) {
        client.create(lease(null, now, now));
        return null;
      }
      JsonNode spec = live.path("spec");
      String current = spec.path("holderIdentity").asText("");
      Instant renewed = parse(spec.path("renewTime").asText(spec.path("acquireTime").asText("")));
      long seconds = spec.path("leaseDurationSeconds").asLong(LEASE.toSeconds());
      boolean expired = renewed == null || renewed.plusSeconds(seconds).isBefore(now);
      if (!current.isEmpty() && !current.equals(holder) && !expired) {
        return current + " since " + spec.path("acquireTime").asText("?");
      }
      client.update(lease(live.path("metadata").path("resourceVersion").asText(), now, now));
      return null;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Another run took it between the read and the write — or this run did, and the response was lost.
        JsonNode winner = client.get("coordination.k8s.io/v1", "Lease", NAMESPACE, name(environment));
        if (winner != null && holder.equals(winner.path("spec").path("holderIdentity").asText())) {
          return null;
        }
        return winner == null ? "another run" : winner.path("spec").path("holderIdentity").asText("another run") + " since "
            + winner.path("spec").path("acquireTime").asText("?");
      }
      throw e;
    }
  }

  private ObjectNode lease(String resourceVersion, Instant acquired, Instant renewed) {
    ObjectNode l = JsonNodeFactory.instance.objectNode();
    l.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
    ObjectNode meta = l.putObject("metadata").put("name", name(environment)).put("namespace", NAMESPACE);
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    meta.putObject("labels").put(Labels.MANAGED_BY, "slipway").put(Labels.ENVIRONMENT, environment);
    l.putObject("spec").put("holderIdentity", holder).put("leaseDurationSeconds", (int) LEASE.toSeconds())
        .put("acquireTime", MICRO.format(acquired.truncatedTo(ChronoUnit.MICROS)))
        .put("renewTime", MICRO.format(renewed.truncatedTo(ChronoUnit.MICROS)));
    return l;
  }

  private void renew() {
    try {
      JsonNode live = client.get("coordination.k8s.io/v1", "Lease", NAMESPACE, name(environment));
      if (live == null || !holder.equals(live.path("spec").path("holderIdentity").asText())) {
        lost = "the lock of environment " + environment + " was taken by " + (live == null ? "nobody (deleted)"
            : live.path("spec").path("holderIdentity").asText());
        return;
      }
      ObjectNode l = lease(live.path("metadata").path("resourceVersion").asText(),
          parse(live.path("spec").path("acquireTime").asText()), clock.instant());
      client.update(l);
      renewed = clock.instant();
    } catch (RuntimeException e) {
      // The next renewal tries again; the lease lasts three renewal periods.
    }
  }

  /**
   * Why the lock is lost (or about to be): another run took it over, or this run could not renew
   * it for so long that the lease is about to expire and another run may take it. Null while held.
   */
  public String lost() {
    if (lost != null) {
      return lost;
    }
    Instant last = renewed;
    if (last != null && clock.instant().isAfter(last.plus(LEASE).minusSeconds(15))) {
      return "the lock of environment " + environment + " could not be renewed since " + last + " (its lease is about to expire)";
    }
    return null;
  }

  private static Instant parse(String t) {
    try {
      return t == null || t.isEmpty() ? null : Instant.parse(t);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Releases the lease when this run still holds it: clears its holder with a compare-and-swap on
   * the resourceVersion read, so a lease another run took meanwhile is never touched.
   */
  @Override
  public void close() {
    renewer.shutdownNow();
    try {
      JsonNode live = client.get("coordination.k8s.io/v1", "Lease", NAMESPACE, name(environment));
      if (live != null && holder.equals(live.path("spec").path("holderIdentity").asText())) {
        ObjectNode released = live.deepCopy();
        ((ObjectNode) released.path("spec")).remove("holderIdentity");
        ((ObjectNode) released.path("spec")).remove("renewTime");
        client.update(released);
      }
    } catch (RuntimeException e) {
      // Not released: it expires after its lease duration.
    }
  }
}
