package dev.slipway.kube.prometheus;

import dev.slipway.engine.rollout.Analysis;
import dev.slipway.engine.rollout.Measurement;
import dev.slipway.engine.rollout.Verdict;
import dev.slipway.kube.PrometheusClient;
import dev.slipway.model.spec.AnalysisTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An analysis run driven the way a controller drives it: on each {@link #step()}, if a measurement
 * is due, query Prometheus and judge the result. Tests call {@code step()} from Awaitility's poll
 * loop, which stands in for the controller's timer.
 */
final class AnalysisRun {
  private final PrometheusClient client;
  private final String address;
  private final AnalysisTemplate template;
  private final String query;
  private final List<Measurement> measurements = new ArrayList<>();
  private final Instant started = Instant.now();

  AnalysisRun(PrometheusClient client, String address, AnalysisTemplate template, Map<String, String> vars) {
    this.client = client;
    this.address = address;
    this.template = template;
    this.query = Analysis.render(template, vars);
  }

  /** Takes the next measurement if it is due; returns the verdict so far. */
  Verdict step() {
    Instant due = Analysis.nextAt(template, started, measurements);
    Instant now = Instant.now();
    if (due != null && !now.isBefore(due)) {
      measurements.add(Analysis.measure(template, client.query(address, query), now));
    }
    return verdict();
  }

  /** Steps; true once {@code n} measurements were taken. */
  boolean stepUntil(int n) {
    step();
    return measurements.size() >= n;
  }

  Verdict verdict() {
    return Analysis.verdict(template, measurements);
  }

  List<Measurement> measurements() {
    return List.copyOf(measurements);
  }
}
