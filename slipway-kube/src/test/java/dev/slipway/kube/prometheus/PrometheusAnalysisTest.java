package dev.slipway.kube.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.engine.rollout.Analysis;
import dev.slipway.engine.rollout.Measurement;
import dev.slipway.engine.rollout.MeasurementPhase;
import dev.slipway.engine.rollout.QueryResult;
import dev.slipway.engine.rollout.RunPhase;
import dev.slipway.engine.rollout.Verdict;
import dev.slipway.kube.PrometheusClient;
import dev.slipway.model.Position;
import dev.slipway.model.spec.AnalysisTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Analysis runs against a real Prometheus (Debian's, started per class) scraping stand-in apps
 * every second: the success rate of a healthy app passes, a degrading one fails, a Prometheus that
 * stops answering ends the run in ERROR, and a bad query is refused with Prometheus's own reason.
 */
public class PrometheusAnalysisTest {
  static final String SUCCESS_RATE = "sum(rate(http_requests_total{service=\"{{service}}\",code!~\"5..\"}[5s]))"
      + " / sum(rate(http_requests_total{service=\"{{service}}\"}[5s]))";

  static final PrometheusClient CLIENT = new PrometheusClient(Duration.ofSeconds(2));
  static MetricsApp healthy;
  static MetricsApp degrading;
  static PrometheusProcess prometheus;
  /** A second Prometheus, killed by the test of a Prometheus that stops answering; started here so its warm-up overlaps the first's. */
  static PrometheusProcess doomed;

  @BeforeAll
  static void start() {
    healthy = MetricsApp.start("web-stable", 0);
    degrading = MetricsApp.start("web-canary", 0);
    prometheus = PrometheusProcess.start(healthy, degrading);
    doomed = PrometheusProcess.start(healthy);
    awaitData(prometheus, healthy);
    awaitData(prometheus, degrading);
    awaitData(doomed, healthy);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {doomed, prometheus, healthy, degrading}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** Waits until Prometheus has scraped the app often enough for rate() over the query's window. */
  public static void awaitData(PrometheusProcess p, MetricsApp app) {
    String query = Analysis.render(template(1, 0, 0), vars(app));
    await("samples of " + app.service() + " in Prometheus").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          QueryResult r = CLIENT.query(p.address(), query);
          return r.isOk() && !r.values().isEmpty() && !r.values().get(0).isNaN();
        });
  }

  static AnalysisTemplate template(int count, int failureLimit, int consecutiveErrorLimit) {
    return new AnalysisTemplate("success-rate", SUCCESS_RATE, "result[0] >= 0.99", null, Duration.ofSeconds(1), count, failureLimit, 0,
        consecutiveErrorLimit, new Position("slipway.yaml", 40, 7));
  }

  static Map<String, String> vars(MetricsApp app) {
    return Map.of("service", app.service(), "namespace", "shop");
  }

  static ConditionFactory measuring() {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).pollInSameThread();
  }

  static List<MeasurementPhase> phases(AnalysisRun run) {
    return run.measurements().stream().map(Measurement::phase).toList();
  }

  @Test
  void aHealthyAppPassesTheAnalysis() {
    AnalysisTemplate t = template(3, 0, 0);
    assertThat(Analysis.problems(t)).isEmpty();
    AnalysisRun run = new AnalysisRun(CLIENT, prometheus.address(), t, vars(healthy));
    measuring().until(() -> run.step().phase().terminal());
    assertThat(run.verdict().phase()).as("%s", run.measurements()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(phases(run)).containsOnly(MeasurementPhase.SUCCESSFUL).hasSize(3);
    assertThat(run.measurements()).allSatisfy(m -> assertThat(m.value()).isEqualTo("[1]"));
  }

  @Test
  void raisingTheErrorRateFailsTheAnalysis() {
    AnalysisRun run = new AnalysisRun(CLIENT, prometheus.address(), template(30, 1, 0), vars(degrading));
    measuring().until(() -> run.stepUntil(1));
    assertThat(phases(run)).containsExactly(MeasurementPhase.SUCCESSFUL);

    degrading.errorFraction(0.3);
    measuring().until(() -> run.step().phase().terminal());
    Verdict v = run.verdict();
    assertThat(v.phase()).as("%s", run.measurements()).isEqualTo(RunPhase.FAILED);
    assertThat(v.message()).startsWith("2 of ").contains("measurements failed (limit 1): last value [0.")
        .endsWith("(successCondition not met: result[0] >= 0.99)");
  }

  @Test
  void aPrometheusThatStopsAnsweringErrsTheAnalysisOnceTheLimitIsExceeded() {
    AnalysisRun run = new AnalysisRun(CLIENT, doomed.address(), template(30, 0, 2), vars(healthy));
    measuring().until(() -> run.stepUntil(1));
    assertThat(phases(run)).containsExactly(MeasurementPhase.SUCCESSFUL);

    doomed.stop();
    measuring().until(() -> run.step().phase().terminal());
    assertThat(phases(run)).containsExactly(MeasurementPhase.SUCCESSFUL, MeasurementPhase.ERROR, MeasurementPhase.ERROR, MeasurementPhase.ERROR);
    Measurement last = run.measurements().get(3);
    assertThat(last.message()).isEqualTo("Prometheus at " + doomed.address() + ": connection refused (is Prometheus running and the address right?)");
    assertThat(run.verdict()).isEqualTo(new Verdict(RunPhase.ERROR, "3 measurements in a row were errors (limit 2): " + last.message()));
  }

  @Test
  void aBadQueryFailsWithPrometheusReason() {
    QueryResult r = CLIENT.query(prometheus.address(), "sum(rate(http_requests_total[5s])");
    assertThat(r.isOk()).isFalse();
    assertThat(r.error()).startsWith("Prometheus at " + prometheus.address() + " rejected the query (HTTP 400, bad_data): ")
        .contains("parse error");
    Measurement m = Analysis.measure(template(1, 0, 0), r, java.time.Instant.now());
    assertThat(m.phase()).isEqualTo(MeasurementPhase.ERROR);
    assertThat(m.message()).isEqualTo(r.error());
  }

  @Test
  void readsEveryKindOfAnswerPrometheusGives() {
    String at = prometheus.address();
    assertThat(CLIENT.query(at, "1 + 1")).isEqualTo(QueryResult.ok(List.of(2.0)));
    assertThat(CLIENT.query(at, "vector(0) / 0").values()).singleElement().matches(v -> v.isNaN());
    assertThat(CLIENT.query(at, "scalar(vector(1)) / 0")).isEqualTo(QueryResult.ok(List.of(Double.POSITIVE_INFINITY)));
    assertThat(CLIENT.query(at, "http_requests_total{service=\"nobody\"}")).isEqualTo(QueryResult.ok(List.of()));
    assertThat(CLIENT.query(at, "label_replace(vector(2), \"k\", \"b\", \"\", \"\") or label_replace(vector(1), \"k\", \"a\", \"\", \"\")"))
        .isEqualTo(QueryResult.ok(List.of(1.0, 2.0)));
    assertThat(CLIENT.query(at, "http_requests_total[5s]").error())
        .isEqualTo("Prometheus at " + at + ": the query returns a range vector; analysis needs an instant vector or scalar");
    assertThat(CLIENT.query(at, "\"text\"").error()).endsWith("the query returns a string; analysis needs an instant vector or scalar");
  }
}
