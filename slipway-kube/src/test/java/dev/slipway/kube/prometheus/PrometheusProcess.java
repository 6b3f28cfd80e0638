package dev.slipway.kube.prometheus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Prometheus (/usr/bin/prometheus) as a child process on 127.0.0.1 and a free port,
 * scraping the given apps every second, with its config and TSDB in a temporary directory that
 * {@link #close()} removes. {@link #stop()} kills it, for tests of a Prometheus that stops answering.
 * Without the binary the tests fail when {@code SLIPWAY_REQUIRE_PROMETHEUS} is set ({@code .ci/run}
 * sets it) and are skipped, saying why, otherwise.
 */
public final class PrometheusProcess implements AutoCloseable {
  public static final Path PROMETHEUS = Paths.get("/usr/bin/prometheus");
  private static final Duration READY_WITHIN = Duration.ofSeconds(30);

  private final Path dir;
  private final int port;
  private final Process process;
  private final Thread killOnExit;

  private PrometheusProcess(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.killOnExit = new Thread(process::destroyForcibly, "kill-prometheus-" + port);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts Prometheus scraping the apps and waits until it is ready, or skips (or fails, under SLIPWAY_REQUIRE_PROMETHEUS) without it. */
  public static PrometheusProcess start(MetricsApp... apps) {
    requireBinary();
    try {
      Path dir = Files.createTempDirectory("slipway-prometheus-");
      String targets = Stream.of(apps).map(a -> "'" + a.target() + "'").collect(Collectors.joining(", "));
      Files.writeString(dir.resolve("prometheus.yml"), """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
            evaluation_interval: 1s
          scrape_configs:
            - job_name: apps
              static_configs:
                - targets: [%s]
          """.formatted(targets));
      int port = freePort();
      Process process = new ProcessBuilder(PROMETHEUS.toString(),
          "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port,
          "--log.level=warn")
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();
      PrometheusProcess prometheus = new PrometheusProcess(dir, port, process);
      try {
        prometheus.awaitReady();
      } catch (RuntimeException | AssertionError e) {
        prometheus.close();
        throw e;
      }
      return prometheus;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requireBinary() {
    if (!Files.isExecutable(PROMETHEUS)) {
      String why = PROMETHEUS + " is missing: install Debian's prometheus (apt-get install -y prometheus) to run the analysis tests against a real Prometheus";
      if (System.getenv("SLIPWAY_REQUIRE_PROMETHEUS") != null) {
        fail(why + " (SLIPWAY_REQUIRE_PROMETHEUS is set)");
      }
      Assumptions.abort(why);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(address() + "/-/ready")).timeout(Duration.ofSeconds(1)).build();
    try {
      await("Prometheus ready at " + address()).atMost(READY_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
        if (!process.isAlive()) {
          throw new AssertionError("Prometheus exited with " + process.exitValue() + ":\n" + log());
        }
        try {
          return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
          return false;
        }
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Prometheus was not ready within " + READY_WITHIN.toSeconds() + "s:\n" + log(), e);
    }
  }

  /** {@code http://127.0.0.1:PORT}, the base URL of its HTTP API. */
  public String address() {
    return "http://127.0.0.1:" + port;
  }

  /** Kills Prometheus (SIGKILL): from now on its address refuses connections. */
  public void stop() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("Prometheus (pid " + process.pid() + ") did not exit within 10s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines Prometheus logged, for failure messages. */
  public String log() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
