package dev.slipway.server.metrics;

import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.SyncState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's metrics, in one Micrometer registry rendered as Prometheus text at {@code /metrics}.
 *
 * <p>The HTTP layer records its own series (requests, event streams, webhooks) and derives the
 * application gauges from the {@code ControlPlane}'s matrix at each scrape, so they always agree
 * with the API. The controller records the rest through the helpers here ({@link #reconciled},
 * {@link #synced}, {@link #gitFetched}, ...) so that every series has one name and one set of tags,
 * or through {@link #registry()} for anything new. Every named series exists from start-up (at
 * zero), so dashboards and alerts do not see gaps before the first event.
 *
 * <p>Series (Prometheus names): {@code slipway_reconcile_duration_seconds} (histogram),
 * {@code slipway_syncs_total{result}}, {@code slipway_applications{sync,health}},
 * {@code slipway_drifted_objects{environment}}, {@code slipway_git_fetch_duration_seconds},
 * {@code slipway_git_fetch_failures_total}, {@code slipway_workqueue_depth},
 * {@code slipway_workqueue_retries_total}, {@code slipway_shard_leader{shard}},
 * {@code slipway_http_requests_seconds{method,route,status}},
 * {@code slipway_event_streams}, {@code slipway_webhooks_total{forge,result}}.
 */
public final class ServerMetrics {

  /** Results a sync ends with: the tag values of {@code slipway_syncs_total}. */
  public static final List<String> SYNC_RESULTS = List.of("succeeded", "failed");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer reconcile;
  private final Map<String, Counter> syncs = new ConcurrentHashMap<>();
  private final Map<SyncState, Map<HealthStatus, AtomicLong>> applications = new EnumMap<>(SyncState.class);
  private final Map<String, AtomicLong> drifted = new ConcurrentHashMap<>();
  private final Timer gitFetch;
  private final Counter gitFetchFailures;
  private final AtomicLong queueDepth = new AtomicLong();
  private final Counter queueRetries;
  private final Map<Integer, AtomicLong> leaders = new ConcurrentHashMap<>();
  private final AtomicLong eventStreams = new AtomicLong();

  public ServerMetrics() {
    reconcile = Timer.builder("slipway.reconcile.duration")
        .description("Time to reconcile one application in one environment")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(5))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
    for (String result : SYNC_RESULTS) {
      syncCounter(result);
    }
    for (SyncState s : SyncState.values()) {
      Map<HealthStatus, AtomicLong> byHealth = new EnumMap<>(HealthStatus.class);
      for (HealthStatus h : HealthStatus.values()) {
        AtomicLong n = new AtomicLong();
        byHealth.put(h, n);
        Gauge.builder("slipway.applications", n, AtomicLong::get)
            .description("Applications × environments by sync state and health")
            .tags("sync", s.label(), "health", h.label())
            .register(registry);
      }
      applications.put(s, byHealth);
    }
    gitFetch = Timer.builder("slipway.git.fetch.duration").description("Time to fetch the platform repository")
        .publishPercentileHistogram().register(registry);
    gitFetchFailures = Counter.builder("slipway.git.fetch.failures").description("Failed fetches of the platform repository")
        .register(registry);
    Gauge.builder("slipway.workqueue.depth", queueDepth, AtomicLong::get)
        .description("Application × environment keys waiting to be reconciled").register(registry);
    queueRetries = Counter.builder("slipway.workqueue.retries").description("Reconciles re-queued after a failure")
        .register(registry);
    Gauge.builder("slipway.event.streams", eventStreams, AtomicLong::get)
        .description("Open /api/v1/events streams").register(registry);
    // The drifted-objects and leader series need a label value to exist; until the controller
    // reports, they are present as an empty environment and shard 0 (not leader).
    drifted.computeIfAbsent("", this::driftGauge);
    leader(0, false);
    for (String forge : List.of("github", "gitlab", "gitea")) {
      for (String result : List.of("accepted", "ignored", "rejected")) {
        webhookCounter(forge, result);
      }
    }
  }

  /** The registry the controller records into; {@link #scrape()} renders it. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  public void reconciled(Duration took) {
    reconcile.record(took);
  }

  /** One finished sync; {@code result} is one of {@link #SYNC_RESULTS}. */
  public void synced(String result) {
    syncCounter(result).increment();
  }

  public void gitFetched(Duration took, boolean failed) {
    gitFetch.record(took);
    if (failed) {
      gitFetchFailures.increment();
    }
  }

  public void queueDepth(long depth) {
    queueDepth.set(depth);
  }

  public void queueRetried() {
    queueRetries.increment();
  }

  /** Whether this replica leads {@code shard} (1) or stands by (0). */
  public void leader(int shard, boolean leading) {
    leaders.computeIfAbsent(shard, s -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder("slipway.shard.leader", v, AtomicLong::get).description("1 when this replica leads the shard")
          .tags("shard", Integer.toString(s)).register(registry);
      return v;
    }).set(leading ? 1 : 0);
  }

  /** Sets the per-state application counts and per-environment drift from the matrix. */
  public void observe(List<ApplicationStatus> matrix) {
    Map<SyncState, Map<HealthStatus, Long>> counts = new EnumMap<>(SyncState.class);
    Map<String, Long> drift = new ConcurrentHashMap<>();
    for (ApplicationStatus a : matrix) {
      counts.computeIfAbsent(a.sync(), s -> new EnumMap<>(HealthStatus.class)).merge(a.health(), 1L, Long::sum);
      drift.merge(a.environment(), (long) a.driftedObjects(), Long::sum);
    }
    applications.forEach((s, byHealth) -> byHealth.forEach((h, n) ->
        n.set(counts.getOrDefault(s, Map.of()).getOrDefault(h, 0L))));
    drift.forEach((env, n) -> drifted.computeIfAbsent(env, this::driftGauge).set(n));
    drifted.forEach((env, n) -> {
      if (!drift.containsKey(env)) {
        n.set(0);
      }
    });
  }

  public void httpRequest(String method, String route, int status, Duration took) {
    Timer.builder("slipway.http.requests").description("HTTP API requests")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .register(registry).record(took);
  }

  public void eventStreamOpened() {
    eventStreams.incrementAndGet();
  }

  public void eventStreamClosed() {
    eventStreams.decrementAndGet();
  }

  /** One webhook delivery; {@code result} is {@code accepted}, {@code ignored} or {@code rejected}. */
  public void webhook(String forge, String result) {
    webhookCounter(forge, result).increment();
  }

  private Counter webhookCounter(String forge, String result) {
    return Counter.builder("slipway.webhooks").description("Git webhook deliveries").tags("forge", forge, "result", result)
        .register(registry);
  }

  private Counter syncCounter(String result) {
    return syncs.computeIfAbsent(result, r -> Counter.builder("slipway.syncs").description("Syncs by result")
        .tags("result", r).register(registry));
  }

  private AtomicLong driftGauge(String environment) {
    AtomicLong v = new AtomicLong();
    Gauge.builder("slipway.drifted.objects", v, AtomicLong::get).description("Live objects that differ from the spec")
        .tags("environment", environment).register(registry);
    return v;
  }
}
