package dev.slipway.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.sync.HealthStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationsTest {
  private final TestServer server = new TestServer();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void metricsExposeTheSeriesTheIssueNamesWithoutAToken() {
    server.metrics.reconciled(Duration.ofMillis(120));
    server.metrics.synced("succeeded");
    server.metrics.gitFetched(Duration.ofMillis(300), true);
    server.metrics.queueDepth(7);
    server.metrics.queueRetried();
    server.metrics.leader(0, true);
    server.get("/api/v1/applications", TestServer.ADA);
    HttpResponse<String> r = server.get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(r.body())
        .contains("slipway_reconcile_duration_seconds_bucket{")
        .contains("slipway_reconcile_duration_seconds_count 1")
        .contains("slipway_syncs_total{result=\"succeeded\"} 1.0")
        .contains("slipway_syncs_total{result=\"failed\"} 0.0")
        .contains("slipway_applications{health=\"Degraded\",sync=\"OutOfSync\"} 1.0")
        .contains("slipway_applications{health=\"Healthy\",sync=\"Synced\"} 7.0")
        .contains("slipway_applications{health=\"Unknown\",sync=\"InvalidSpec\"} 1.0")
        .contains("slipway_drifted_objects{environment=\"prod\"} 2.0")
        .contains("slipway_git_fetch_duration_seconds_count 1")
        .contains("slipway_git_fetch_failures_total 1.0")
        .contains("slipway_workqueue_depth 7.0")
        .contains("slipway_workqueue_retries_total 1.0")
        .contains("slipway_shard_leader{shard=\"0\"} 1.0")
        .contains("slipway_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/applications\",status=\"200\"} 1")
        .contains("slipway_event_streams 0.0")
        .contains("slipway_webhooks_total{forge=\"gitea\",result=\"rejected\"} 0.0");
  }

  @Test
  void applicationGaugesFollowTheMatrix() {
    server.plane.setHealth("shop", "prod", HealthStatus.HEALTHY, "");
    server.post("/api/v1/applications/shop/environments/prod/sync", TestServer.ADA, "{}");
    assertThat(server.get("/metrics", null).body())
        .contains("slipway_applications{health=\"Healthy\",sync=\"Synced\"} 8.0")
        .contains("slipway_drifted_objects{environment=\"prod\"} 0.0");
  }

  @Test
  void healthzAnswersAndReadyzFollowsTheControlPlane() {
    assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
    server.plane.setReady(false);
    HttpResponse<String> notReady = server.get("/readyz", null);
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(server.json(notReady).path("error").path("code").asText()).isEqualTo("not-ready");
    server.plane.setReady(true);
    assertThat(server.get("/readyz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void logLinesAreJsonObjectsWithTimeLevelAndMessage() throws Exception {
    server.post("/api/v1/applications/shop/environments/dev/pin", TestServer.ALICE, null);
    String[] lines = server.logText().split("\n");
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      var node = server.json.readTree(line);
      assertThat(node.isObject()).as(line).isTrue();
      assertThat(node.has("time") && node.has("level") && node.has("message")).as(line).isTrue();
    }
    assertThat(server.logText()).contains("\"route\":\"/api/v1/applications/{app}/environments/{env}/pin\"")
        .contains("\"subject\":\"alice\"").doesNotContain(TestServer.ALICE);
  }
}
