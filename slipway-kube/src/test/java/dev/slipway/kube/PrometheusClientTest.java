package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.engine.rollout.QueryResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Prometheus's answers, and the trouble on the way to them, read by the client from a scripted server on loopback. */
class PrometheusClientTest {
  final PrometheusClient client = new PrometheusClient(Duration.ofSeconds(2));
  HttpServer server;
  final AtomicReference<String> asked = new AtomicReference<>();

  interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  String serve(String path, Handler handler) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(path, exchange -> {
      asked.set(exchange.getRequestURI().getPath() + " " + URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8));
      handler.handle(exchange);
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String answering(int status, String body) {
    return serve("/", exchange -> respond(exchange, status, body));
  }

  static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  static String vector(String... series) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + String.join(",", series) + "]}}";
  }

  static String series(String labels, String value) {
    return "{\"metric\":{" + labels + "},\"value\":[1700000000.123,\"" + value + "\"]}";
  }

  @Test
  void asksTheInstantQueryEndpointWithTheQueryEncoded() {
    String base = serve("/prom/", exchange -> respond(exchange, 200, vector()));
    assertThat(client.query(base + "/prom/", "sum(rate(x{code!~\"5..\"}[1m])) > 0 + 1")).isEqualTo(QueryResult.ok(List.of()));
    assertThat(asked.get()).isEqualTo("/prom/api/v1/query query=sum(rate(x{code!~\"5..\"}[1m])) > 0 + 1");
  }

  @Test
  void ordersVectorSamplesByTheirLabelSets() {
    String base = answering(200, vector(series("\"pod\":\"web-b\",\"code\":\"200\"", "3"), series("\"code\":\"200\",\"pod\":\"web-a\"", "1"),
        series("\"code\":\"500\",\"pod\":\"web-a\"", "2")));
    assertThat(client.query(base, "x")).isEqualTo(QueryResult.ok(List.of(1.0, 3.0, 2.0)));
  }

  @Test
  void readsNaNAndInfinitiesAsPrometheusWritesThem() {
    String base = answering(200, vector(series("\"a\":\"1\"", "NaN"), series("\"a\":\"2\"", "+Inf"), series("\"a\":\"3\"", "-Inf"),
        series("\"a\":\"4\"", "1.5e-3")));
    assertThat(client.query(base, "x").values()).containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0015);
  }

  @Test
  void readsAScalarAsOneValue() {
    String base = answering(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"0.25\"]}}");
    assertThat(client.query(base, "scalar(x)")).isEqualTo(QueryResult.ok(List.of(0.25)));
  }

  @Test
  void aRangeVectorIsRefusedBecauseAnalysisNeedsOneValuePerSeries() {
    String base = answering(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
    assertThat(client.query(base, "x[5m]").error())
        .isEqualTo("Prometheus at " + base + ": the query returns a range vector; analysis needs an instant vector or scalar");
  }

  @Test
  void aRejectedQueryFailsWithPrometheusErrorTypeAndReason() {
    String base = answering(422, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing would load too many samples\"}");
    assertThat(client.query(base, "x").error())
        .isEqualTo("Prometheus at " + base + " rejected the query (HTTP 422, execution): query processing would load too many samples");
  }

  @Test
  void anErrorStatusWithoutPrometheusJsonQuotesTheBody() {
    String base = answering(502, "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>");
    assertThat(client.query(base, "x").error()).isEqualTo("Prometheus at " + base + ": HTTP 502: <html><body> <h1>502 Bad Gateway</h1> </body></html>");
  }

  @Test
  void anAnswerThatIsNotPrometheusJsonFails() {
    String base = answering(200, "hello");
    assertThat(client.query(base, "x").error()).isEqualTo("Prometheus at " + base + ": the answer is not Prometheus's JSON: hello; is the address a Prometheus server?");
    String garbled = answering(200, vector(series("\"a\":\"1\"", "lots")));
    assertThat(client.query(garbled, "x").error()).startsWith("Prometheus at " + garbled + ": the answer could not be read: a sample value is not a number: \"lots\"");
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsATimeout() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    String base = serve("/", exchange -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 200, vector());
    });
    try {
      QueryResult r = new PrometheusClient(Duration.ofMillis(300)).query(base, "x");
      assertThat(r.error()).isEqualTo("Prometheus at " + base + ": no answer within 0.3s (timeout)");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aClosedPortIsConnectionRefused() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    assertThat(client.query("http://127.0.0.1:" + port, "x").error())
        .isEqualTo("Prometheus at http://127.0.0.1:" + port + ": connection refused (is Prometheus running and the address right?)");
  }

  @Test
  void anAddressThatIsNotAnHttpUrlFailsWithoutAsking() {
    assertThat(client.query("prometheus:9090", "x").error()).isEqualTo("the Prometheus address prometheus:9090 is not an http:// or https:// URL");
    assertThat(client.query("http://bad host", "x").error()).startsWith("the Prometheus address http://bad host is not a URL: ");
    // Messages are stored in the rollout's state and shown on the dashboard: never the credentials.
    assertThat(client.query("ftp://ana:s3cret@prometheus:9090", "x").error()).doesNotContain("s3cret").contains("ftp://prometheus:9090");
    assertThat(client.query("http://ana:s3cret@bad host", "x").error()).doesNotContain("s3cret");
  }
}
