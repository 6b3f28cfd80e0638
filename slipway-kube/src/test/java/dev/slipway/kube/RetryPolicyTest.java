package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One retry policy, in one place, measured by the requests the server received. */
class RetryPolicyTest {
  FaultyApiServer server;

  @BeforeEach
  void start() {
    server = new FaultyApiServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  ClusterClient client(int attempts) {
    return new ClusterClient(server.client(), new ClusterClient.RetryPolicy(attempts, Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofSeconds(30)), new RateLimiter(1000, 1000));
  }

  @Test
  void aPermanentServerErrorCostsExactlyTheBoundedAttempts() {
    server.refuse("GET", "/configmaps/x$", 500, 1000);
    assertThatThrownBy(() -> client(5).get("v1", "ConfigMap", "ns", "x")).isInstanceOf(ClusterFailure.class)
        .hasMessageContaining("get configmaps in namespace ns: HTTP 500");
    assertThat(server.count("GET", "/configmaps/x$")).as("fabric8's own retries are off: 5 attempts, not 5 x 11").isEqualTo(5);
  }

  @Test
  void aTooManyRequestsAnswerIsRetriedNoSoonerThanItsRetryAfter() {
    server.throttle("GET", "/configmaps/x$", 1, 1);
    assertThat(client(5).get("v1", "ConfigMap", "ns", "x")).isNull();
    List<Long> at = server.arrivals();
    assertThat(at).hasSize(2);
    assertThat(Duration.ofNanos(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aRetryAfterBeyondTheDeadlineFailsAtOnceInsteadOfWaiting() {
    server.throttle("GET", "/configmaps/x$", 20, 1);
    ClusterClient c = client(5);
    c.deadline(Instant.now().plusSeconds(2));
    long start = System.nanoTime();
    assertThatThrownBy(() -> c.get("v1", "ConfigMap", "ns", "x")).isInstanceOf(ClusterFailure.class).hasMessageContaining("HTTP 429");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(server.count("GET", "/configmaps/x$")).isEqualTo(1);
  }

  @Test
  void clientErrorsAreNotRetriedAndAForbiddenNamesWhatWasRefused() {
    server.refuse("GET", "/apis/apps/v1/namespaces/shop/deployments", 403, 10);
    assertThatThrownBy(() -> client(5).list("apps/v1", "Deployment", "shop", java.util.Map.of("a", "b")))
        .isInstanceOfSatisfying(ClusterFailure.class, f -> {
          assertThat(f.unreachable()).isFalse();
          assertThat(f.getMessage()).contains("not allowed to list deployments.apps in namespace shop (403 Forbidden");
        });
    assertThat(server.count("GET", "/deployments")).isEqualTo(1);
  }

  @Test
  void theRateLimitSpacesRequestsOnceTheBurstIsSpent() {
    ClusterClient c = new ClusterClient(server.client(), ClusterClient.RetryPolicy.DEFAULT, new RateLimiter(10, 2));
    for (int i = 0; i < 6; i++) {
      c.get("v1", "ConfigMap", "ns", "x" + i);
    }
    List<Long> at = server.arrivals();
    // 2 at once, then one per 100 ms: the 6th arrives at least ~400 ms after the first.
    assertThat(Duration.ofNanos(at.get(5) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(350));
  }
}
