package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A server that answers, but not as a Kubernetes API server does (a proxy's login page, a web server). */
class BadResponseTest {
  @Test
  void anAnswerThatIsNotKubernetesJsonIsReportedAsSuchAndNotRetriedAsALostConnection() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", ex -> {
      requests.incrementAndGet();
      byte[] body = "<html><body>Sign in</body></html>".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    String url = "http://127.0.0.1:" + http.getAddress().getPort();
    try (KubernetesClient k = new KubernetesClientBuilder().withConfig(ClusterClient.configure(
        new ConfigBuilder().withMasterUrl(url).build(), Duration.ofSeconds(5))).build()) {
      ClusterClient c = new ClusterClient(k, new ClusterClient.RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50),
          Duration.ofSeconds(30)), new RateLimiter(1000, 1000));
      assertThatThrownBy(() -> c.get("v1", "ConfigMap", "ns", "x")).isInstanceOfSatisfying(ClusterFailure.class, f -> {
        assertThat(f.kind()).isEqualTo(ClusterFailure.Cause.BAD_RESPONSE);
        assertThat(f.unreachable()).isFalse();
        assertThat(f.getMessage()).contains("could not be read as Kubernetes JSON");
      });
      assertThat(requests).as("a server that answers nonsense answers it again: no retries").hasValue(1);
    } finally {
      http.stop(0);
    }
  }
}
