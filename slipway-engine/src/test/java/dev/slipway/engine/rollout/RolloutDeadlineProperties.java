package dev.slipway.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.rollout.RolloutMachine.Command;
import dev.slipway.engine.rollout.RolloutMachine.Observation;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.model.Position;
import dev.slipway.model.spec.DeliveryStrategy;
import dev.slipway.model.spec.DeliveryStrategy.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The rollout machine is never stuck: from any state reached by any observations, commands and
 * times, every state that waits has a deadline, and a bounded number of {@code next} calls with
 * time moving on reaches a state that waits for nothing (stable with nothing to scale down, or
 * aborted).
 */
class RolloutDeadlineProperties {

  /** One thing that happens to a rollout: time passes, pods are (not) ready, a measurement arrives, a person acts. */
  record Event(long seconds, boolean ready, MeasurementPhase measurement, Command command) {}

  @Provide
  Arbitrary<DeliveryStrategy> strategies() {
    Arbitrary<Step> step = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 100).map(Step::weight),
        Arbitraries.longs().between(0, 600).map(s -> Step.pauseFor(Duration.ofSeconds(s))),
        Arbitraries.just(new Step(null, null, true, List.of(), Position.NONE)),
        Arbitraries.just(new Step(null, null, false, List.of("success-rate"), Position.NONE)));
    Arbitrary<DeliveryStrategy> canary = Combinators.combine(step.list().ofMaxSize(6), Arbitraries.of(List.<String>of(), List.of("success-rate")))
        .as((steps, analysis) -> RolloutMachineTest.canary(steps, analysis));
    Arbitrary<DeliveryStrategy> blueGreen = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(List.<String>of(), List.of("success-rate")))
        .as(RolloutMachineTest::blueGreen);
    return Arbitraries.oneOf(canary, blueGreen);
  }

  @Provide
  Arbitrary<List<Event>> histories() {
    Arbitrary<Event> e = Combinators.combine(Arbitraries.longs().between(0, 4000), Arbitraries.of(true, false),
        Arbitraries.of(MeasurementPhase.class).injectNull(0.5), Arbitraries.of(Command.class).injectNull(0.85)).as(Event::new);
    return e.list().ofMaxSize(40);
  }

  @Property(tries = 400)
  void everyWaitHasADeadlineAndABoundedNumberOfStepsEndsIt(@ForAll("strategies") DeliveryStrategy strategy,
      @ForAll("histories") List<Event> history) {
    Instant now = RolloutMachineTest.T0;
    RolloutState s = RolloutMachineTest.started(strategy);
    for (Event e : history) {
      now = now.plusSeconds(e.seconds());
      if (e.command() != null) {
        try {
          s = RolloutMachine.command(s, strategy, e.command(), "prop", now);
        } catch (RolloutMachine.NotApplicable ignored) {
          // Refused commands leave the state as it was.
        }
      }
      Map<String, Measurement> ms = new java.util.HashMap<>();
      if (e.measurement() != null) {
        for (String t : RolloutMachine.due(s, RolloutMachineTest.TEMPLATES, now)) {
          ms.put(t, new Measurement(now, e.measurement(), "[0.9]", null));
        }
      }
      s = RolloutMachine.next(s, strategy, RolloutMachineTest.TEMPLATES, new Observation(e.ready(), ms), now);
      assertWaitsHaveDeadlines(s);
    }
    // Time moves on a day per call, pods never become ready, nobody measures or decides.
    int bound = strategy.steps().size() * 3 + 8;
    List<Phase> seen = new ArrayList<>();
    for (int i = 0; i < bound && !finished(s); i++) {
      now = now.plus(Duration.ofDays(1));
      s = RolloutMachine.next(s, strategy, RolloutMachineTest.TEMPLATES, Observation.ready(false), now);
      seen.add(s.phase());
      assertWaitsHaveDeadlines(s);
    }
    assertThat(finished(s)).as("finished after %d calls; phases %s; state %s", bound, seen, RolloutMachine.describe(s)).isTrue();
  }

  private static boolean finished(RolloutState s) {
    return s.phase() == Phase.ABORTED || (s.phase() == Phase.STABLE && s.previous() == null);
  }

  private static void assertWaitsHaveDeadlines(RolloutState s) {
    if (s.rollingOut()) {
      assertThat(s.deadline()).as("deadline of %s", RolloutMachine.describe(s)).isNotNull();
    }
    if (s.phase() == Phase.STABLE && s.previous() != null) {
      assertThat(s.scaleDownAt()).isNotNull();
    }
  }
}
