package dev.slipway.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.model.Position;
import dev.slipway.model.spec.AnalysisTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Analysis runs judged as Argo Rollouts judges them: each measurement, the run, the schedule, the template. */
class AnalysisTest {
  static final String QUERY = "sum(rate(http_requests_total{namespace=\"{{namespace}}\",service=\"{{service}}\",code!~\"5..\"}[1m]))"
      + " / sum(rate(http_requests_total{namespace=\"{{namespace}}\",service=\"{{service}}\"}[1m]))";
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  static AnalysisTemplate template(String success, String failure, int count, int failureLimit, int inconclusiveLimit, int errorLimit) {
    return new AnalysisTemplate("success-rate", QUERY, success, failure, Duration.ofMinutes(1), count, failureLimit, inconclusiveLimit,
        errorLimit, new Position("slipway.yaml", 12, 7));
  }

  static AnalysisTemplate successOnly() {
    return template("result[0] >= 0.99", null, 5, 1, 0, 4);
  }

  static AnalysisTemplate both() {
    return template("result[0] >= 0.99", "result[0] < 0.9", 5, 1, 0, 4);
  }

  static Measurement m(MeasurementPhase phase) {
    return new Measurement(T0, phase, phase == MeasurementPhase.ERROR ? "" : "[0.5]", phase.name().toLowerCase());
  }

  static List<Measurement> ms(MeasurementPhase... phases) {
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < phases.length; i++) {
      out.add(new Measurement(T0.plusSeconds(60L * i), phases[i], "[0.5]", phases[i].name().toLowerCase()));
    }
    return out;
  }

  static final MeasurementPhase OK = MeasurementPhase.SUCCESSFUL;
  static final MeasurementPhase FAIL = MeasurementPhase.FAILED;
  static final MeasurementPhase INC = MeasurementPhase.INCONCLUSIVE;
  static final MeasurementPhase ERR = MeasurementPhase.ERROR;

  static Measurement measure(AnalysisTemplate t, Double... values) {
    return Analysis.measure(t, QueryResult.ok(List.of(values)), T0);
  }

  // render

  @Test
  void rendersEveryVariableOfTheQuery() {
    String q = Analysis.render(successOnly(), Map.of("namespace", "shop-prod", "service", "web-canary"));
    assertThat(q).isEqualTo("sum(rate(http_requests_total{namespace=\"shop-prod\",service=\"web-canary\",code!~\"5..\"}[1m]))"
        + " / sum(rate(http_requests_total{namespace=\"shop-prod\",service=\"web-canary\"}[1m]))");
  }

  @Test
  void rendersVariablesWrittenWithSpacesAndLeavesPromqlBracesAlone() {
    AnalysisTemplate t = new AnalysisTemplate("t", "up{job=\"{{ application }}\"} == ${x}", "result[0] > 0.0", null, null, 1, 0, 0, 4, Position.NONE);
    assertThat(Analysis.render(t, Map.of("application", "shop"))).isEqualTo("up{job=\"shop\"} == ${x}");
  }

  @Test
  void renderRejectsAVariableWithoutAValue() {
    assertThatThrownBy(() -> Analysis.render(successOnly(), Map.of("namespace", "shop-prod")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{service}}");
  }

  // measure

  @Test
  void aQueryThatCouldNotBeMadeIsAnErrorWithItsReason() {
    Measurement m = Analysis.measure(successOnly(), QueryResult.failed("cannot reach Prometheus at http://127.0.0.1:9090: connection refused"), T0);
    assertThat(m).isEqualTo(new Measurement(T0, MeasurementPhase.ERROR, "", "cannot reach Prometheus at http://127.0.0.1:9090: connection refused"));
  }

  @Test
  void noSamplesIsInconclusiveBecauseNoTrafficProvesNothing() {
    Measurement m = measure(successOnly());
    assertThat(m.phase()).isEqualTo(MeasurementPhase.INCONCLUSIVE);
    assertThat(m.value()).isEqualTo("[]");
    assertThat(m.message()).startsWith("no data");
  }

  @Test
  void aNaNSampleIsInconclusive() {
    // 0/0: a success rate with no requests at all.
    Measurement m = measure(both(), 0.999, Double.NaN);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.INCONCLUSIVE);
    assertThat(m.value()).isEqualTo("[0.999, NaN]");
    assertThat(m.message()).isEqualTo("no data: the query returned NaN");
  }

  @Test
  void successConditionMetIsSuccessful() {
    Measurement m = measure(successOnly(), 0.995);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.SUCCESSFUL);
    assertThat(m.value()).isEqualTo("[0.995]");
    assertThat(m.message()).isEqualTo("successCondition met: result[0] >= 0.99");
  }

  @Test
  void successConditionNotMetFailsWhenNoFailureConditionIsGiven() {
    Measurement m = measure(successOnly(), 0.93);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.FAILED);
    assertThat(m.message()).isEqualTo("successCondition not met: result[0] >= 0.99");
  }

  @Test
  void failureConditionMetFailsEvenWhenTheSuccessConditionIsMet() {
    AnalysisTemplate t = template("result[0] >= 0.5", "result[0] < 0.9", 5, 0, 0, 4);
    Measurement m = measure(t, 0.6);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.FAILED);
    assertThat(m.message()).isEqualTo("failureCondition met: result[0] < 0.9");
  }

  @Test
  void failureConditionNotMetIsSuccessfulWhenItIsTheOnlyCondition() {
    AnalysisTemplate t = template(null, "result[0] > 0.05", 5, 0, 0, 4);
    assertThat(measure(t, 0.01).phase()).isEqualTo(MeasurementPhase.SUCCESSFUL);
    assertThat(measure(t, 0.2).phase()).isEqualTo(MeasurementPhase.FAILED);
  }

  @Test
  void neitherConditionMetIsInconclusiveWhenBothAreGiven() {
    Measurement m = measure(both(), 0.95);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.INCONCLUSIVE);
    assertThat(m.message()).isEqualTo("neither successCondition nor failureCondition met");
    assertThat(measure(both(), 0.995).phase()).isEqualTo(MeasurementPhase.SUCCESSFUL);
    assertThat(measure(both(), 0.5).phase()).isEqualTo(MeasurementPhase.FAILED);
  }

  @Test
  void aConditionThatCannotBeEvaluatedIsAnErrorNamingTheField() {
    AnalysisTemplate t = template("result[1] >= 0.99", null, 5, 0, 0, 4);
    Measurement m = measure(t, 0.995);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.ERROR);
    assertThat(m.value()).isEqualTo("[0.995]");
    assertThat(m.message()).isEqualTo("successCondition: Index out of bounds: 1");
  }

  @Test
  void aConditionThatYieldsNoBoolIsAnError() {
    AnalysisTemplate t = template(null, "dyn(result[0])", 5, 0, 0, 4);
    Measurement m = measure(t, 0.5);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.ERROR);
    assertThat(m.message()).isEqualTo("failureCondition: yields 0.5, not true or false");
  }

  @Test
  void aConditionThatDoesNotCompileIsAnErrorWhenMeasuredAnyway() {
    AnalysisTemplate t = template("result[0] >", null, 5, 0, 0, 4);
    Measurement m = measure(t, 0.5);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.ERROR);
    assertThat(m.message()).startsWith("successCondition: mismatched input '<EOF>'");
  }

  @Test
  void aTemplateWithoutConditionsJudgesNothingAndErrs() {
    Measurement m = measure(template(null, null, 1, 0, 0, 0), 0.5);
    assertThat(m.phase()).isEqualTo(MeasurementPhase.ERROR);
    assertThat(m.message()).startsWith("successCondition, failureCondition: neither is given");
  }

  @Test
  void conditionsCompareValuesWithIntLiteralsAndUseMacros() {
    assertThat(measure(template("result[0] < 1", null, 1, 0, 0, 0), 0.5).phase()).isEqualTo(MeasurementPhase.SUCCESSFUL);
    AnalysisTemplate all = template("size(result) == 2 && result.all(v, v < 0.05)", null, 1, 0, 0, 0);
    assertThat(measure(all, 0.01, 0.02).phase()).isEqualTo(MeasurementPhase.SUCCESSFUL);
    assertThat(measure(all, 0.01, 0.2).phase()).isEqualTo(MeasurementPhase.FAILED);
  }

  @Test
  void valuesAreFormattedCompactlyAsPrometheusWritesThem() {
    assertThat(Analysis.format(List.of(0.995, 1.0, 120.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5e-7)))
        .isEqualTo("[0.995, 1, 120, +Inf, -Inf, 1.5E-7]");
    assertThat(measure(template("result[0] > 1.0", null, 1, 0, 0, 0), Double.POSITIVE_INFINITY).phase())
        .isEqualTo(MeasurementPhase.SUCCESSFUL);
  }

  @Test
  void conditionsEvaluateConsistentlyFromManyThreads() {
    AnalysisTemplate t = template("result[0] >= 0.99", "result[0] < 0.9", 1, 0, 0, 0);
    List<MeasurementPhase> phases = IntStream.range(0, 2000).parallel()
        .mapToObj(i -> measure(t, (i % 3 == 0) ? 0.995 : (i % 3 == 1) ? 0.95 : 0.5).phase()).toList();
    for (int i = 0; i < phases.size(); i++) {
      MeasurementPhase expected = i % 3 == 0 ? MeasurementPhase.SUCCESSFUL : i % 3 == 1 ? MeasurementPhase.INCONCLUSIVE : MeasurementPhase.FAILED;
      assertThat(phases.get(i)).isEqualTo(expected);
    }
  }

  // verdict

  @Test
  void aRunWithoutMeasurementsIsRunning() {
    assertThat(Analysis.verdict(successOnly(), List.of())).isEqualTo(new Verdict(RunPhase.RUNNING, "0 of 5 measurements taken"));
  }

  @Test
  void failsOnceFailuresExceedTheFailureLimit() {
    AnalysisTemplate t = successOnly(); // failureLimit 1
    assertThat(Analysis.verdict(t, ms(OK, FAIL, OK)).phase()).isEqualTo(RunPhase.RUNNING);
    List<Measurement> run = new ArrayList<>(ms(OK, FAIL, OK, OK));
    run.add(measure(t, 0.93));
    assertThat(Analysis.verdict(t, run))
        .isEqualTo(new Verdict(RunPhase.FAILED, "2 of 5 measurements failed (limit 1): last value [0.93] (successCondition not met: result[0] >= 0.99)"));
  }

  @Test
  void aFailureLimitOfZeroFailsOnTheFirstFailure() {
    AnalysisTemplate t = template("result[0] >= 0.99", null, 5, 0, 0, 4);
    assertThat(Analysis.verdict(t, ms(FAIL)).phase()).isEqualTo(RunPhase.FAILED);
  }

  @Test
  void isInconclusiveOnceInconclusivesExceedTheLimit() {
    AnalysisTemplate t = template("result[0] >= 0.99", "result[0] < 0.9", 5, 1, 1, 4);
    assertThat(Analysis.verdict(t, ms(INC, OK)).phase()).isEqualTo(RunPhase.RUNNING);
    List<Measurement> run = new ArrayList<>(ms(INC, OK));
    run.add(Analysis.measure(t, QueryResult.ok(List.of()), T0.plusSeconds(180)));
    assertThat(Analysis.verdict(t, run)).isEqualTo(new Verdict(RunPhase.INCONCLUSIVE,
        "2 of 3 measurements were inconclusive (limit 1): last value [] (no data: the query returned no samples)"));
  }

  @Test
  void errsOnceConsecutiveErrorsExceedTheLimit() {
    AnalysisTemplate t = template("result[0] >= 0.99", null, 5, 0, 0, 2);
    assertThat(Analysis.verdict(t, ms(OK, ERR, ERR))).isEqualTo(new Verdict(RunPhase.RUNNING,
        "1 of 5 measurements taken; the last 2 were errors (limit 2 in a row): error"));
    List<Measurement> run = new ArrayList<>(ms(OK, ERR, ERR));
    run.add(Analysis.measure(t, QueryResult.failed("connection refused"), T0.plusSeconds(200)));
    assertThat(Analysis.verdict(t, run)).isEqualTo(new Verdict(RunPhase.ERROR, "3 measurements in a row were errors (limit 2): connection refused"));
  }

  @Test
  void errorsInterruptedByAMeasurementCountFromZeroAgain() {
    AnalysisTemplate t = template("result[0] >= 0.99", null, 10, 0, 0, 2);
    assertThat(Analysis.verdict(t, ms(ERR, ERR, OK, ERR, ERR, OK, ERR, ERR)).phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(Analysis.verdict(t, ms(ERR, ERR, OK, ERR, ERR, ERR)).phase()).isEqualTo(RunPhase.ERROR);
  }

  @Test
  void errorsAreRetriedAndDoNotCountTowardsCount() {
    AnalysisTemplate t = template("result[0] >= 0.99", null, 3, 0, 0, 4);
    assertThat(Analysis.verdict(t, ms(OK, ERR, OK, ERR, ERR)).phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(Analysis.verdict(t, ms(OK, ERR, OK, ERR, ERR, OK)).phase()).isEqualTo(RunPhase.SUCCESSFUL);
  }

  @Test
  void succeedsOnceCountMeasurementsWereTakenWithinTheLimits() {
    AnalysisTemplate t = both(); // count 5, failureLimit 1, inconclusiveLimit 0
    assertThat(Analysis.verdict(t, ms(OK, OK, FAIL, OK)).phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(Analysis.verdict(t, ms(OK, OK, FAIL, OK, OK))).isEqualTo(new Verdict(RunPhase.SUCCESSFUL,
        "5 of 5 measurements taken, 1 failed (limit 1), 0 inconclusive (limit 0): last value [0.5]"));
  }

  @Test
  void aLimitExceededByTheLastMeasurementWinsOverTheCountReached() {
    AnalysisTemplate t = both();
    assertThat(Analysis.verdict(t, ms(OK, OK, FAIL, OK, FAIL)).phase()).isEqualTo(RunPhase.FAILED);
    assertThat(Analysis.verdict(t, ms(OK, OK, OK, OK, INC)).phase()).isEqualTo(RunPhase.INCONCLUSIVE);
  }

  @Test
  void measurementsAfterTheEndDoNotChangeTheVerdict() {
    AnalysisTemplate t = both();
    assertThat(Analysis.verdict(t, ms(FAIL, FAIL, OK, OK, OK, OK)).phase()).isEqualTo(RunPhase.FAILED);
    assertThat(Analysis.verdict(t, ms(OK, OK, OK, OK, OK, FAIL, FAIL)).phase()).isEqualTo(RunPhase.SUCCESSFUL);
  }

  // nextAt

  @Test
  void theFirstMeasurementIsDueWhenTheRunStarts() {
    assertThat(Analysis.nextAt(successOnly(), T0, List.of())).isEqualTo(T0);
  }

  @Test
  void eachNextMeasurementIsDueOneIntervalAfterThePreviousOne() {
    List<Measurement> run = List.of(new Measurement(T0.plusSeconds(3), OK, "[1]", ""), new Measurement(T0.plusSeconds(65), OK, "[1]", ""));
    assertThat(Analysis.nextAt(successOnly(), T0, run)).isEqualTo(T0.plusSeconds(125));
  }

  @Test
  void aQueryThatCouldNotBeMadeIsRetriedAfterAtMostTenSeconds() {
    List<Measurement> run = List.of(new Measurement(T0.plusSeconds(5), ERR, "", "timeout"));
    assertThat(Analysis.nextAt(successOnly(), T0, run)).isEqualTo(T0.plusSeconds(15));
    AnalysisTemplate fast = new AnalysisTemplate("t", "up", "result[0] > 0.0", null, Duration.ofSeconds(2), 5, 0, 0, 4, Position.NONE);
    assertThat(Analysis.nextAt(fast, T0, run)).isEqualTo(T0.plusSeconds(7));
  }

  @Test
  void nothingIsDueOnceTheVerdictIsFinal() {
    AnalysisTemplate t = both();
    assertThat(Analysis.nextAt(t, T0, ms(OK, OK, OK, OK, OK))).isNull();
    assertThat(Analysis.nextAt(t, T0, ms(FAIL, FAIL))).isNull();
    assertThat(Analysis.nextAt(t, T0, ms(ERR, ERR, ERR, ERR, ERR))).isNull();
    assertThat(Analysis.nextAt(t, T0, ms(ERR, ERR, ERR, ERR))).isNotNull();
  }

  // problems

  @Test
  void aSoundTemplateHasNoProblems() {
    assertThat(Analysis.problems(both())).isEmpty();
    assertThat(Analysis.problems(template(null, "result[0] > 0.05 || size(result) == 0", 1, 0, 0, 0))).isEmpty();
    assertThat(Analysis.problems(new AnalysisTemplate("once", "up", "result[0] == 1.0", null, null, 1, 0, 0, 4, Position.NONE))).isEmpty();
  }

  @Test
  void aConditionThatDoesNotParseIsAProblemNamingTheField() {
    assertThat(Analysis.problems(template("result[0] >", null, 5, 0, 0, 4))).singleElement().asString()
        .startsWith("successCondition: mismatched input '<EOF>'").endsWith("at column 12");
  }

  @Test
  void aConditionThatDoesNotTypeCheckIsAProblem() {
    assertThat(Analysis.problems(template("result[0] >= 0.99", "result[0] > threshold", 5, 0, 0, 4)))
        .containsExactly("failureCondition: undeclared reference to 'threshold' at column 13");
    assertThat(Analysis.problems(template("result[0] == 1", null, 5, 0, 0, 4))).singleElement().asString()
        .startsWith("successCondition: found no matching overload for '_==_' applied to '(double, int)'");
  }

  @Test
  void aConditionThatIsNotABoolIsAProblem() {
    assertThat(Analysis.problems(template("result[0]", null, 5, 0, 0, 4))).containsExactly("successCondition: is of type double, not bool");
  }

  @Test
  void unknownQueryVariablesAreProblems() {
    AnalysisTemplate t = new AnalysisTemplate("t", "up{ns=\"{{namespace}}\",pod=\"{{pod}}\",x=\"{{ args.x }}\",y=\"{{pod}}\"}",
        "result[0] > 0.0", null, Duration.ofSeconds(30), 3, 0, 0, 4, Position.NONE);
    assertThat(Analysis.problems(t)).containsExactly(
        "query: unknown variable {{pod}}; the known ones are namespace, application, component, service, revision, environment",
        "query: unknown variable {{args.x}}; the known ones are namespace, application, component, service, revision, environment");
  }

  @Test
  void anUnclosedVariableIsAProblem() {
    AnalysisTemplate t = new AnalysisTemplate("t", "up{ns=\"{{namespace\"}", "result[0] > 0.0", null, Duration.ofSeconds(30), 3, 0, 0, 4,
        Position.NONE);
    assertThat(Analysis.problems(t)).containsExactly("query: {{ at character 8 is not closed by }}");
  }

  @Test
  void neitherConditionIsAProblem() {
    assertThat(Analysis.problems(template(null, " ", 5, 0, 0, 4))).singleElement().asString()
        .startsWith("successCondition, failureCondition: neither is given");
  }

  @Test
  void countIntervalAndLimitsOutOfRangeAreProblems() {
    AnalysisTemplate t = new AnalysisTemplate("t", "", "result[0] > 0.0", null, null, 3, -1, -2, -3, Position.NONE);
    assertThat(Analysis.problems(t)).containsExactly(
        "query: is empty; give the PromQL query to measure",
        "interval: is missing; it is needed to take 3 measurements",
        "failureLimit: is -1; it must be 0 or more",
        "inconclusiveLimit: is -2; it must be 0 or more",
        "consecutiveErrorLimit: is -3; it must be 0 or more");
    AnalysisTemplate zero = new AnalysisTemplate("t", "up", "result[0] > 0.0", null, Duration.ZERO, 0, 0, 0, 0, Position.NONE);
    assertThat(Analysis.problems(zero)).containsExactly("count: is 0; an analysis takes at least 1 measurement", "interval: is PT0S; it must be positive");
  }
}
