package dev.slipway.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.rollout.RolloutMachine.Command;
import dev.slipway.engine.rollout.RolloutMachine.Observation;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.model.Position;
import dev.slipway.model.spec.AnalysisTemplate;
import dev.slipway.model.spec.DeliveryStrategy;
import dev.slipway.model.spec.DeliveryStrategy.Kind;
import dev.slipway.model.spec.DeliveryStrategy.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutMachineTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  static final AnalysisTemplate SUCCESS_RATE = new AnalysisTemplate("success-rate", "sum(rate(x[1m]))", "result[0] >= 0.99", null,
      Duration.ofSeconds(10), 3, 0, 0, 2, Position.NONE);
  static final Map<String, AnalysisTemplate> TEMPLATES = Map.of("success-rate", SUCCESS_RATE);

  static DeliveryStrategy blueGreen(boolean autoPromote, List<String> analysis) {
    return new DeliveryStrategy(Kind.BLUE_GREEN, List.of(), analysis, autoPromote, Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofHours(1), Position.NONE);
  }

  static DeliveryStrategy canary(List<Step> steps, List<String> analysis) {
    return new DeliveryStrategy(Kind.CANARY, steps, analysis, true, Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofHours(1),
        Position.NONE);
  }

  static List<ObjectNode> release(String rev) {
    ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "web-" + rev).put("namespace", "shop").putObject("labels").put(RolloutShaper.REVISION, rev);
    d.putObject("spec").put("replicas", 4);
    return List.of(d);
  }

  /** Steady on "aaa", then revision "bbb" released at T0. */
  static RolloutState started(DeliveryStrategy s) {
    RolloutState steady = RolloutMachine.release(null, s.kind(), "web", "aaa", release("aaa"), T0.minusSeconds(3600));
    return RolloutMachine.release(steady, s.kind(), "web", "bbb", release("bbb"), T0);
  }

  static Measurement ok(Instant at) {
    return new Measurement(at, MeasurementPhase.SUCCESSFUL, "[1.0]", null);
  }

  static Measurement failed(Instant at) {
    return new Measurement(at, MeasurementPhase.FAILED, "[0.5]", null);
  }

  static Measurement error(Instant at) {
    return new Measurement(at, MeasurementPhase.ERROR, null, "connection refused");
  }

  @Test
  void aFirstReleaseIsSteadyAndANewRevisionStartsARolloutKeepingTheStableDeployment() {
    RolloutState s = started(blueGreen(true, List.of()));
    assertThat(s.phase()).isEqualTo(Phase.PROGRESSING);
    assertThat(s.stable()).isEqualTo("aaa");
    assertThat(s.canary()).isEqualTo("bbb");
    assertThat(s.stableDeployment().path("metadata").path("name").asText()).isEqualTo("web-aaa");
  }

  @Test
  void blueGreenWaitsForThePreviewThenSwitchesAndKeepsThePreviousScaledForUndo() {
    DeliveryStrategy bg = blueGreen(true, List.of());
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(false), T0.plusSeconds(5));
    assertThat(s.phase()).isEqualTo(Phase.PROGRESSING);
    assertThat(s.waitingFor()).contains("to be ready");
    assertThat(s.deadline()).isEqualTo(T0.plusSeconds(5).plus(Duration.ofMinutes(10)));
    s = RolloutMachine.next(s, bg, TEMPLATES, Observation.ready(true), T0.plusSeconds(30));
    assertThat(s.phase()).isEqualTo(Phase.STABLE);
    assertThat(s.stable()).isEqualTo("bbb");
    assertThat(s.previous()).isEqualTo("aaa");
    assertThat(s.scaleDownAt()).isEqualTo(T0.plusSeconds(30).plus(Duration.ofMinutes(5)));
    assertThat(RolloutShaper.shape(s)).extracting(o -> o.name()).contains("web-aaa", "web-bbb");

    RolloutState undone = RolloutMachine.command(s, bg, Command.UNDO, "ana", T0.plusSeconds(60));
    assertThat(undone.stable()).isEqualTo("aaa");
    assertThat(undone.phase()).isEqualTo(Phase.ABORTED);
    assertThat(undone.message()).contains("undone by ana");
    // The same revision synced again does not start the rollout again: an undo holds until a new revision.
    RolloutState resynced = RolloutMachine.release(undone, Kind.BLUE_GREEN, "web", "bbb", release("bbb"), T0.plusSeconds(90));
    assertThat(resynced.phase()).isEqualTo(Phase.ABORTED);
    assertThat(resynced.stable()).isEqualTo("aaa");
  }

  @Test
  void afterScaleDownDelayThePreviousRevisionGoesAndUndoIsRefused() {
    DeliveryStrategy bg = blueGreen(true, List.of());
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(true), T0);
    s = RolloutMachine.next(s, bg, TEMPLATES, Observation.ready(true), T0.plus(Duration.ofMinutes(6)));
    assertThat(s.previous()).isNull();
    assertThat(RolloutShaper.shape(s)).extracting(o -> o.name()).containsExactly("web-bbb");
    RolloutState stable = s;
    assertThatThrownBy(() -> RolloutMachine.command(stable, bg, Command.UNDO, "ana", T0.plus(Duration.ofMinutes(7))))
        .isInstanceOf(RolloutMachine.NotApplicable.class).hasMessageContaining("nothing to undo");
  }

  @Test
  void blueGreenWithoutAutoPromotePausesUntilPromotedAndAbortsAtThePauseDeadline() {
    DeliveryStrategy bg = blueGreen(false, List.of());
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(true), T0);
    assertThat(s.phase()).isEqualTo(Phase.PAUSED);
    assertThat(s.deadline()).isEqualTo(T0.plus(Duration.ofHours(1)));
    RolloutState promoted = RolloutMachine.command(s, bg, Command.PROMOTE, "ana", T0.plusSeconds(10));
    // Approved; the switch waits for the new revision to be ready, and not a moment longer.
    assertThat(RolloutMachine.next(promoted, bg, TEMPLATES, Observation.ready(false), T0.plusSeconds(11)).stable()).isEqualTo("aaa");
    assertThat(RolloutMachine.next(promoted, bg, TEMPLATES, Observation.ready(true), T0.plusSeconds(11)).stable()).isEqualTo("bbb");
    RolloutState expired = RolloutMachine.next(s, bg, TEMPLATES, Observation.ready(true), T0.plus(Duration.ofHours(1)));
    assertThat(expired.phase()).isEqualTo(Phase.ABORTED);
    assertThat(expired.message()).contains("nobody promoted or aborted");
  }

  @Test
  void podsThatNeverBecomeReadyAbortAtTheProgressDeadline() {
    DeliveryStrategy bg = blueGreen(true, List.of());
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(false), T0);
    s = RolloutMachine.next(s, bg, TEMPLATES, Observation.ready(false), T0.plus(Duration.ofMinutes(10)));
    assertThat(s.phase()).isEqualTo(Phase.ABORTED);
    assertThat(s.message()).contains("progressDeadline");
    assertThat(s.stable()).isEqualTo("aaa");
    assertThat(RolloutShaper.shape(s).stream().filter(o -> o.name().equals("web-bbb")).findFirst().orElseThrow()
        .body().path("spec").path("replicas").asInt()).isZero();
  }

  @Test
  void analysisThatPassesLetsBlueGreenSwitchAndOneThatFailsAborts() {
    DeliveryStrategy bg = blueGreen(true, List.of("success-rate"));
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(true), T0);
    assertThat(s.analysis()).isNotNull();
    assertThat(RolloutMachine.due(s, TEMPLATES, T0)).containsExactly("success-rate");
    RolloutState passing = s;
    for (int i = 0; i < 3; i++) {
      Instant at = T0.plusSeconds(10L * i);
      passing = RolloutMachine.next(passing, bg, TEMPLATES, new Observation(true, Map.of("success-rate", ok(at))), at);
    }
    assertThat(passing.phase()).isEqualTo(Phase.STABLE);
    assertThat(passing.stable()).isEqualTo("bbb");

    RolloutState failing = RolloutMachine.next(s, bg, TEMPLATES, new Observation(true, Map.of("success-rate", failed(T0))), T0);
    assertThat(failing.phase()).isEqualTo(Phase.ABORTED);
    assertThat(failing.message()).contains("analysis failed").contains("success-rate");
  }

  @Test
  void anAnalysisThatCannotReachPrometheusPausesTheRolloutWithTheReasonNeitherStuckNorPromoted() {
    DeliveryStrategy bg = blueGreen(true, List.of("success-rate"));
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(true), T0);
    for (int i = 0; i < 3; i++) {
      Instant at = T0.plusSeconds(10L * i);
      s = RolloutMachine.next(s, bg, TEMPLATES, new Observation(true, Map.of("success-rate", error(at))), at);
    }
    assertThat(s.phase()).isEqualTo(Phase.PAUSED);
    assertThat(s.stable()).isEqualTo("aaa");
    assertThat(s.message()).contains("inconclusive").contains("success-rate");
    assertThat(s.deadline()).isNotNull();
    // A person decides: promote goes on despite it.
    RolloutState promoted = RolloutMachine.command(s, bg, Command.PROMOTE, "ana", T0.plusSeconds(60));
    assertThat(RolloutMachine.next(promoted, bg, TEMPLATES, Observation.ready(true), T0.plusSeconds(61)).stable()).isEqualTo("bbb");
  }

  @Test
  void canaryScalesBeforeShiftingWeightWaitsOnTimedPausesAndStopsAtAPauseUntilPromoted() {
    DeliveryStrategy c = canary(List.of(Step.weight(20), Step.pauseFor(Duration.ofMinutes(2)),
        new Step(null, null, true, List.of(), Position.NONE), Step.weight(50)), List.of());
    RolloutState s = RolloutMachine.next(started(c), c, TEMPLATES, Observation.ready(false), T0);
    assertThat(s.scale()).isEqualTo(20);
    assertThat(s.weight()).isZero();
    assertThat(RolloutShaper.shape(s).stream().filter(o -> o.name().equals("web-bbb")).findFirst().orElseThrow()
        .body().path("spec").path("replicas").asInt()).isEqualTo(1); // ceil(4 × 20%)
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(20));
    assertThat(s.weight()).isEqualTo(20);
    assertThat(s.step()).isEqualTo(1);
    assertThat(s.waitingFor()).contains("pause");
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(60));
    assertThat(s.step()).isEqualTo(1);
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(141));
    assertThat(s.phase()).isEqualTo(Phase.PAUSED);
    assertThat(s.step()).isEqualTo(2);
    s = RolloutMachine.command(s, c, Command.PROMOTE, "ana", T0.plusSeconds(200));
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(200));
    // Scaled to 50% in this call: the pods seen ready were the 20% ones, so no traffic moves yet.
    assertThat(s.scale()).isEqualTo(50);
    assertThat(s.weight()).isEqualTo(20);
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(210));
    assertThat(s.weight()).isEqualTo(50);
    assertThat(s.scale()).isEqualTo(100);
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(260));
    assertThat(s.phase()).isEqualTo(Phase.STABLE);
    assertThat(s.stable()).isEqualTo("bbb");
  }

  @Test
  void canaryAbortReturnsAllTrafficToStableAndScalesTheCanaryDown() {
    DeliveryStrategy c = canary(List.of(Step.weight(30), new Step(null, null, true, List.of(), Position.NONE)), List.of());
    RolloutState s = RolloutMachine.next(started(c), c, TEMPLATES, Observation.ready(true), T0);
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(1));
    assertThat(s.weight()).isEqualTo(30);
    s = RolloutMachine.command(s, c, Command.ABORT, "ana", T0.plusSeconds(5));
    assertThat(s.phase()).isEqualTo(Phase.ABORTED);
    assertThat(s.weight()).isZero();
    assertThat(s.scale()).isZero();
    RolloutState retried = RolloutMachine.command(s, c, Command.RETRY, "ana", T0.plusSeconds(10));
    assertThat(retried.phase()).isEqualTo(Phase.PROGRESSING);
    assertThat(retried.step()).isZero();
  }

  @Test
  void theStableRevisionWrittenAgainEndsARolloutAndANewOneRestartsIt() {
    DeliveryStrategy c = canary(List.of(Step.weight(30), new Step(null, null, true, List.of(), Position.NONE)), List.of());
    RolloutState s = RolloutMachine.next(started(c), c, TEMPLATES, Observation.ready(true), T0);
    s = RolloutMachine.next(s, c, TEMPLATES, Observation.ready(true), T0.plusSeconds(1));
    assertThat(s.weight()).isEqualTo(30);
    RolloutState back = RolloutMachine.release(s, Kind.CANARY, "web", "aaa", release("aaa"), T0.plusSeconds(1));
    assertThat(back.phase()).isEqualTo(Phase.STABLE);
    assertThat(back.canary()).isNull();
    RolloutState third = RolloutMachine.release(s, Kind.CANARY, "web", "ccc", release("ccc"), T0.plusSeconds(1));
    assertThat(third.canary()).isEqualTo("ccc");
    assertThat(third.stable()).isEqualTo("aaa");
    assertThat(third.weight()).isZero();
    assertThat(third.events().get(third.events().size() - 1).text()).contains("replaces bbb");
  }

  @Test
  void aBriefReadinessDipDoesNotShortenTheAnalysisOrCarryItsDeadlineToTheNextDip() {
    DeliveryStrategy bg = blueGreen(true, List.of("success-rate"));
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(true), T0);
    Instant analysisEnd = T0.plus(Duration.ofSeconds(20)).plus(Duration.ofMinutes(10));
    assertThat(s.deadline()).isEqualTo(analysisEnd);
    s = RolloutMachine.next(s, bg, TEMPLATES, Observation.ready(false), T0.plusSeconds(5));
    assertThat(s.waitingFor()).contains("to be ready");
    s = RolloutMachine.next(s, bg, TEMPLATES, Observation.ready(true), T0.plusSeconds(6));
    assertThat(s.deadline()).as("the analysis keeps its own deadline").isEqualTo(analysisEnd);
    // A second dip long after the first starts its own wait instead of inheriting the first one's deadline.
    s = RolloutMachine.next(s, bg, TEMPLATES, Observation.ready(false), T0.plus(Duration.ofMinutes(9)));
    assertThat(s.phase()).isEqualTo(Phase.PROGRESSING);
    assertThat(s.deadline()).isEqualTo(T0.plus(Duration.ofMinutes(19)));
  }

  @Test
  void theStateSurvivesItsJsonForm() throws Exception {
    DeliveryStrategy bg = blueGreen(true, List.of("success-rate"));
    RolloutState s = RolloutMachine.next(started(bg), bg, TEMPLATES, Observation.ready(true), T0);
    s = RolloutMachine.next(s, bg, TEMPLATES, new Observation(true, Map.of("success-rate", ok(T0))), T0);
    RolloutState back = RolloutState.fromJson(JSON.readTree(s.toJson().toString()));
    assertThat(back).isEqualTo(s);
  }
}
