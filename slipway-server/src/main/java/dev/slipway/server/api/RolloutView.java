package dev.slipway.server.api;

import dev.slipway.engine.rollout.Measurement;
import dev.slipway.engine.rollout.RolloutMachine;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.model.spec.DeliveryStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A component's blue/green or canary rollout as the API shows it ({@code GET .../rollouts}).
 *
 * @param phase {@code STABLE}, {@code PROGRESSING}, {@code PAUSED} or {@code ABORTED}
 * @param summary the state in words
 * @param stable the revision the component's Service sends traffic to
 * @param canary the revision being rolled out (or aborted), null when none
 * @param previous after a switch, the revision kept scaled until {@code scaleDownAt} for undo
 * @param step the canary step being carried out, 1-based; 0 when none
 * @param steps the canary's steps in words (empty for blue/green)
 * @param weight percent of the traffic on the canary revision
 * @param waitingFor what the rollout waits for; null when nothing
 * @param deadline when that wait gives up (and the rollout aborts, or a timed pause ends)
 * @param actions what may be asked of it now: promote, abort, undo, retry
 */
public record RolloutView(String component, String strategy, String phase, String summary, String stable, String canary, String previous,
    Instant scaleDownAt, int step, List<String> steps, int weight, int scale, String waitingFor, Instant deadline, String message,
    Analysis analysis, List<Event> events, List<String> actions) {

  /** The analysis run in progress or last run: its templates, its verdict and every measurement. */
  public record Analysis(List<String> templates, Instant started, String verdict, List<MeasurementView> measurements) {}

  public record MeasurementView(String template, Instant at, String phase, String value, String message) {}

  public record Event(Instant at, String text) {}

  public static RolloutView of(RolloutState s, DeliveryStrategy strategy) {
    List<String> steps = strategy.steps().stream().map(DeliveryStrategy.Step::describe).toList();
    Analysis analysis = null;
    if (s.analysis() != null) {
      List<MeasurementView> ms = new ArrayList<>();
      s.analysis().measurements().forEach((t, list) -> {
        for (Measurement m : list) {
          ms.add(new MeasurementView(t, m.at(), m.phase().name().toLowerCase(Locale.ROOT), m.value(), m.message()));
        }
      });
      analysis = new Analysis(s.analysis().templates(), s.analysis().started(), s.analysis().verdict(), ms);
    }
    List<String> actions = new ArrayList<>();
    if (s.rollingOut()) {
      actions.add("promote");
      actions.add("abort");
    }
    if (s.phase() == RolloutState.Phase.STABLE && s.previous() != null) {
      actions.add("undo");
    }
    if (s.phase() == RolloutState.Phase.ABORTED && s.canary() != null) {
      actions.add("retry");
    }
    int step = s.canary() == null || strategy.kind() != DeliveryStrategy.Kind.CANARY ? 0 : Math.min(s.step() + 1, steps.size());
    return new RolloutView(s.component(), s.strategy(), s.phase().name(), RolloutMachine.describe(s), s.stable(), s.canary(), s.previous(),
        s.scaleDownAt(), step, steps, s.weight(), s.scale(), s.waitingFor(), s.deadline(), s.message(), analysis,
        s.events().stream().map(e -> new Event(e.at(), e.text())).toList(), actions);
  }
}
