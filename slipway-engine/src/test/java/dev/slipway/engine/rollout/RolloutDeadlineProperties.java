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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rollout machine is never stuck: from any state reached by any observations, measurements,
 * commands and times, every state that waits has a deadline, and a bounded number of
 * {@code next} calls with time moving on reaches a state that waits for nothing (stable with
 * nothing left to scale down, or aborted). Generated cases from fixed seeds, so a failure names
 * the seed that reproduces it.
 */
class RolloutDeadlineProperties {
  static final int CASES = 3000;

  static DeliveryStrategy strategy(Random r) {
    List<String> analysis = r.nextBoolean() ? List.of() : List.of("success-rate");
    if (r.nextBoolean()) {
      return RolloutMachineTest.blueGreen(r.nextBoolean(), analysis);
    }
    List<Step> steps = new ArrayList<>();
    int n = r.nextInt(7);
    for (int i = 0; i < n; i++) {
      steps.add(switch (r.nextInt(4)) {
        case 0 -> Step.weight(r.nextInt(101));
        case 1 -> Step.pauseFor(Duration.ofSeconds(r.nextInt(601)));
        case 2 -> new Step(null, null, true, List.of(), Position.NONE);
        default -> new Step(null, null, false, List.of("success-rate"), Position.NONE);
      });
    }
    return RolloutMachineTest.canary(steps, analysis);
  }

  @Test
  void everyWaitHasADeadlineAndABoundedNumberOfNextCallsEndsIt() {
    MeasurementPhase[] phases = MeasurementPhase.values();
    Command[] commands = Command.values();
    for (int seed = 0; seed < CASES; seed++) {
      Random r = new Random(seed);
      DeliveryStrategy strategy = strategy(r);
      Instant now = RolloutMachineTest.T0;
      RolloutState s = RolloutMachineTest.started(strategy);
      int events = r.nextInt(41);
      for (int i = 0; i < events; i++) {
        now = now.plusSeconds(r.nextInt(4001));
        if (r.nextInt(100) < 15) {
          try {
            s = RolloutMachine.command(s, strategy, commands[r.nextInt(commands.length)], "prop", now);
          } catch (RolloutMachine.NotApplicable refused) {
            // A refused command leaves the state as it was.
          }
        }
        Map<String, Measurement> ms = new HashMap<>();
        if (r.nextBoolean()) {
          MeasurementPhase p = phases[r.nextInt(phases.length)];
          for (String t : RolloutMachine.due(s, RolloutMachineTest.TEMPLATES, now)) {
            ms.put(t, new Measurement(now, p, "[0.9]", "generated"));
          }
        }
        s = RolloutMachine.next(s, strategy, RolloutMachineTest.TEMPLATES, new Observation(r.nextBoolean(), ms), now);
        assertWaitsHaveDeadlines(s, seed);
      }
      // Time moves on a day per call; pods never become ready; nobody measures or decides.
      int bound = strategy.steps().size() * 3 + 8;
      List<Phase> seen = new ArrayList<>();
      for (int i = 0; i < bound && !finished(s); i++) {
        now = now.plus(Duration.ofDays(1));
        s = RolloutMachine.next(s, strategy, RolloutMachineTest.TEMPLATES, Observation.ready(false), now);
        seen.add(s.phase());
        assertWaitsHaveDeadlines(s, seed);
      }
      assertThat(finished(s)).as("seed %d: not finished after %d calls; phases %s; %s", seed, bound, seen, RolloutMachine.describe(s))
          .isTrue();
    }
  }

  private static boolean finished(RolloutState s) {
    return s.phase() == Phase.ABORTED || (s.phase() == Phase.STABLE && s.previous() == null);
  }

  private static void assertWaitsHaveDeadlines(RolloutState s, int seed) {
    if (s.rollingOut()) {
      assertThat(s.deadline()).as("seed %d: deadline of %s", seed, RolloutMachine.describe(s)).isNotNull();
    }
    if (s.phase() == Phase.STABLE && s.previous() != null) {
      assertThat(s.scaleDownAt()).as("seed %d", seed).isNotNull();
    }
  }
}
