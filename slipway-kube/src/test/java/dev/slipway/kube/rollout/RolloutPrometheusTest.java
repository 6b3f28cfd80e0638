package dev.slipway.kube.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.kube.prometheus.MetricsApp;
import dev.slipway.kube.prometheus.PrometheusAnalysisTest;
import dev.slipway.kube.prometheus.PrometheusProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canary rollouts judged by a real Prometheus (Debian's, on a loopback port) scraping stand-in
 * canaries whose error rate the test sets; the cluster is fabric8's mock API server with a fake
 * controller. A healthy canary is promoted step by step; one whose errors rise is aborted with all
 * traffic back on the stable revision; a Prometheus that stops answering pauses the rollout with
 * that reason, neither stuck nor promoted.
 */
class RolloutPrometheusTest extends RolloutTestBase {
  static final String STRATEGY = "{type: canary, steps: [{setWeight: 20}, {setWeight: 50}], analysis: [canary-success]}";
  static MetricsApp healthy;
  static MetricsApp failing;
  static PrometheusProcess prometheus;
  static PrometheusProcess doomed;

  @BeforeAll
  static void startPrometheus() {
    healthy = MetricsApp.start("canary-healthy", 0);
    failing = MetricsApp.start("canary-failing", 0);
    prometheus = PrometheusProcess.start(healthy, failing);
    doomed = PrometheusProcess.start(healthy);
    PrometheusAnalysisTest.awaitData(prometheus, healthy);
    PrometheusAnalysisTest.awaitData(prometheus, failing);
    PrometheusAnalysisTest.awaitData(doomed, healthy);
  }

  @AfterAll
  static void stopPrometheus() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {doomed, prometheus, healthy, failing}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** acme at {@code tag} with a canary-success template over the stand-in {@code service}'s requests. */
  Path platform(String name, String tag, String service) throws Exception {
    Path dir = acme(name, STRATEGY, tag);
    addTemplate(dir, """
              canary-success:
                query: >-
                  sum(rate(http_requests_total{service="%1$s",code!~"5.."}[5s]))
                  / sum(rate(http_requests_total{service="%1$s"}[5s]))
                successCondition: result[0] >= 0.99
                interval: 1s
                count: 2
                consecutiveErrorLimit: 1
        """.formatted(service));
    return dir;
  }

  /** Syncs the first revision, then the second, which starts the rollout; returns the second's platform. */
  Path started(String service) throws Exception {
    v1 = platform("v1", "1.27-alpine", service);
    sync(v1);
    Path v2 = platform("v2", "1.28-alpine", service);
    sync(v2);
    return v2;
  }

  /** The first revision's platform, which {@link #started} synced. */
  Path v1;

  String stableRevision() {
    return revisionOf(v1);
  }

  @Test
  void aHealthyCanaryIsPromotedStepByStepOnItsMeasurements() throws Exception {
    Path v2 = started("canary-healthy");
    RolloutState done = tickUntil(driver(), target(v2, prometheus.address()), s -> s.phase() != Phase.PROGRESSING, Duration.ofSeconds(40));
    assertThat(done.phase()).as("%s", done.events()).isEqualTo(Phase.STABLE);
    assertThat(done.stable()).isEqualTo(revisionOf(v2));
    assertThat(done.events()).extracting(RolloutState.Event::text)
        .anyMatch(t -> t.contains("analysis canary-success at 20% passed"))
        .anyMatch(t -> t.contains("analysis canary-success at 50% passed"));
    assertThat(selected("web")).isEqualTo(revisionOf(v2));
    assertThat(weights()).isEqualTo("web=100,web-canary=0");
  }

  @Test
  void aCanaryWhoseErrorRateRisesIsAbortedAndAllTrafficReturnsToStable() throws Exception {
    Path v2 = started("canary-failing");
    failing.errorFraction(0.3);
    try {
      RolloutState done = tickUntil(driver(), target(v2, prometheus.address()), s -> s.phase() != Phase.PROGRESSING,
          Duration.ofSeconds(40));
      assertThat(done.phase()).as("%s", done.events()).isEqualTo(Phase.ABORTED);
      assertThat(done.message()).contains("analysis failed at 20%").contains("canary-success");
      assertThat(selected("web")).isEqualTo(stableRevision());
      assertThat(weights()).isEqualTo("web=100,web-canary=0");
      assertThat(get("Deployment", "web-" + revisionOf(v2)).path("spec").path("replicas").asInt()).isZero();
    } finally {
      failing.errorFraction(0);
    }
  }

  @Test
  void aPrometheusThatStopsAnsweringPausesTheRolloutWithThatReason() throws Exception {
    Path v2 = started("canary-healthy");
    doomed.stop();
    RolloutState done = tickUntil(driver(), target(v2, doomed.address()), s -> s.phase() != Phase.PROGRESSING, Duration.ofSeconds(40));
    assertThat(done.phase()).as("%s", done.events()).isEqualTo(Phase.PAUSED);
    assertThat(done.message()).contains("inconclusive").contains("canary-success");
    assertThat(done.waitingFor()).contains("slipway rollout promote or abort");
    assertThat(done.deadline()).isNotNull();
    assertThat(done.stable()).isEqualTo(stableRevision());
    assertThat(selected("web")).isEqualTo(stableRevision());
  }
}
