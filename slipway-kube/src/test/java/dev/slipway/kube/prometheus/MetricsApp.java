package dev.slipway.kube.prometheus;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for an application Prometheus scrapes: {@code /metrics} on 127.0.0.1 (an ephemeral
 * port) in Prometheus's text format, with the counters {@code http_requests_total{code="200"}}
 * and {@code {code="500"}}, labelled with the app's {@code service}. A background thread serves
 * {@link #REQUESTS_PER_SECOND} pretend requests a second, the {@linkplain #errorFraction(double)
 * error fraction} of them failing, so {@code rate()} over a few seconds says what the test set.
 */
public final class MetricsApp implements AutoCloseable {
  public static final int REQUESTS_PER_SECOND = 100;
  private static final int TICKS_PER_SECOND = 10;

  private final String service;
  private final HttpServer server;
  private final ScheduledExecutorService traffic;
  private long ok;
  private long errors;
  /** Errors owed but not yet whole, so any fraction comes out exact over time. */
  private double errorDebt;
  private double errorFraction;

  private MetricsApp(String service, double errorFraction) throws IOException {
    this.service = service;
    this.errorFraction = errorFraction;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    traffic = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metrics-app-" + service);
      t.setDaemon(true);
      return t;
    });
    traffic.scheduleAtFixedRate(this::tick, 0, 1000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
  }

  /** Starts serving with the given share of requests failing (0 to 1). */
  public static MetricsApp start(String service, double errorFraction) {
    try {
      return new MetricsApp(service, errorFraction);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on this share of requests fails with 500 (0 to 1). */
  public synchronized void errorFraction(double fraction) {
    this.errorFraction = fraction;
  }

  private synchronized void tick() {
    int requests = REQUESTS_PER_SECOND / TICKS_PER_SECOND;
    errorDebt += requests * errorFraction;
    long failed = Math.min(requests, (long) errorDebt);
    errorDebt -= failed;
    errors += failed;
    ok += requests - failed;
  }

  private synchronized String exposition() {
    return "# HELP http_requests_total Requests served, by status code.\n"
        + "# TYPE http_requests_total counter\n"
        + "http_requests_total{service=\"" + service + "\",code=\"200\"} " + ok + "\n"
        + "http_requests_total{service=\"" + service + "\",code=\"500\"} " + errors + "\n";
  }

  public String service() {
    return service;
  }

  /** {@code 127.0.0.1:PORT}, as a scrape target. */
  public String target() {
    return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    traffic.shutdownNow();
    server.stop(0);
  }
}
