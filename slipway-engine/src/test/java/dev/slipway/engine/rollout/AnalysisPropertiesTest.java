package dev.slipway.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Position;
import dev.slipway.model.spec.AnalysisTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of the run verdict and the schedule, checked on every sequence of measurement phases
 * up to {@value #DEPTH} long, for every template with small counts and limits: exhaustive, so
 * deterministic and without a property-testing library.
 */
class AnalysisPropertiesTest {
  static final int DEPTH = 7;
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final Duration INTERVAL = Duration.ofSeconds(30);

  interface Check {
    void check(AnalysisTemplate t, List<Measurement> ms, Verdict v);
  }

  /** Runs the check on every template and every phase sequence that extends a still-running run by one measurement. */
  static int forAllRuns(Check check) {
    int runs = 0;
    for (int count = 1; count <= 4; count++) {
      for (int failureLimit = 0; failureLimit <= 2; failureLimit++) {
        for (int inconclusiveLimit = 0; inconclusiveLimit <= 1; inconclusiveLimit++) {
          for (int errorLimit = 0; errorLimit <= 2; errorLimit++) {
            AnalysisTemplate t = new AnalysisTemplate("t", "up", "result[0] >= 0.99", "result[0] < 0.9", INTERVAL, count, failureLimit,
                inconclusiveLimit, errorLimit, Position.NONE);
            runs += walk(t, new ArrayList<>(), check);
          }
        }
      }
    }
    return runs;
  }

  private static int walk(AnalysisTemplate t, List<Measurement> ms, Check check) {
    Verdict v = Analysis.verdict(t, ms);
    check.check(t, List.copyOf(ms), v);
    if (v.phase().terminal() || ms.size() == DEPTH) {
      return 1;
    }
    int runs = 1;
    for (MeasurementPhase p : MeasurementPhase.values()) {
      ms.add(new Measurement(T0.plusSeconds(ms.size() * 30L + 1), p, "[0.5]", p.name()));
      runs += walk(t, ms, check);
      ms.remove(ms.size() - 1);
    }
    return runs;
  }

  static long taken(List<Measurement> ms) {
    return ms.stream().filter(m -> m.phase() != MeasurementPhase.ERROR).count();
  }

  static long of(List<Measurement> ms, MeasurementPhase phase) {
    return ms.stream().filter(m -> m.phase() == phase).count();
  }

  static int trailingErrors(List<Measurement> ms) {
    int n = 0;
    for (int i = ms.size() - 1; i >= 0 && ms.get(i).phase() == MeasurementPhase.ERROR; i--) {
      n++;
    }
    return n;
  }

  @Test
  void aFinalVerdictNeverChangesWhateverMeasurementsFollow() {
    int runs = forAllRuns((t, ms, v) -> {
      if (v.phase().terminal()) {
        for (MeasurementPhase p : MeasurementPhase.values()) {
          List<Measurement> more = new ArrayList<>(ms);
          more.add(new Measurement(T0.plusSeconds(9999), p, "[0.1]", "late"));
          assertThat(Analysis.verdict(t, more)).as("%s then %s", ms, p).isEqualTo(v);
        }
      }
    });
    assertThat(runs).isGreaterThan(10_000);
  }

  @Test
  void aRunningRunIsWithinEveryLimitAndShortOfItsCount() {
    forAllRuns((t, ms, v) -> {
      if (v.phase() == RunPhase.RUNNING) {
        assertThat(taken(ms)).as("%s", ms).isLessThan(t.count());
        assertThat(of(ms, MeasurementPhase.FAILED)).isLessThanOrEqualTo(t.failureLimit());
        assertThat(of(ms, MeasurementPhase.INCONCLUSIVE)).isLessThanOrEqualTo(t.inconclusiveLimit());
        assertThat(trailingErrors(ms)).isLessThanOrEqualTo(t.consecutiveErrorLimit());
      }
    });
  }

  @Test
  void aSuccessfulRunTookExactlyCountMeasurementsNotCountingErrors() {
    forAllRuns((t, ms, v) -> {
      if (v.phase() == RunPhase.SUCCESSFUL) {
        assertThat(taken(ms)).as("%s", ms).isEqualTo(t.count());
        assertThat(ms.get(ms.size() - 1).phase()).isNotEqualTo(MeasurementPhase.ERROR);
        assertThat(of(ms, MeasurementPhase.FAILED)).isLessThanOrEqualTo(t.failureLimit());
        assertThat(of(ms, MeasurementPhase.INCONCLUSIVE)).isLessThanOrEqualTo(t.inconclusiveLimit());
      }
    });
  }

  @Test
  void eachFinalPhaseIsReachedOnlyByExceedingItsOwnLimit() {
    forAllRuns((t, ms, v) -> {
      switch (v.phase()) {
        case FAILED -> assertThat(of(ms, MeasurementPhase.FAILED)).as("%s", ms).isEqualTo(t.failureLimit() + 1);
        case INCONCLUSIVE -> assertThat(of(ms, MeasurementPhase.INCONCLUSIVE)).as("%s", ms).isEqualTo(t.inconclusiveLimit() + 1);
        case ERROR -> assertThat(trailingErrors(ms)).as("%s", ms).isEqualTo(t.consecutiveErrorLimit() + 1);
        default -> { }
      }
    });
  }

  @Test
  void aMeasurementIsDueExactlyWhileTheRunIsRunningAndNeverBeforeThePreviousOne() {
    forAllRuns((t, ms, v) -> {
      Instant next = Analysis.nextAt(t, T0, ms);
      assertThat(next == null).as("%s", ms).isEqualTo(v.phase().terminal());
      if (next != null && !ms.isEmpty()) {
        Instant last = ms.get(ms.size() - 1).at();
        assertThat(next).isAfter(last).isBeforeOrEqualTo(last.plus(INTERVAL));
      }
    });
  }
}
