package dev.slipway.model.spec;

import dev.slipway.model.Position;
import java.time.Duration;
import java.util.List;

/**
 * How a new version of a web or api component replaces the running one ({@code strategy:} in
 * app.yaml). Without a strategy, the Deployment's rolling update does it.
 *
 * <ul>
 *   <li>{@link Kind#BLUE_GREEN}: the new version starts beside the live one, reachable through a
 *       preview Service (and a preview host when the component has an ingress); the analysis runs
 *       against it; then the live Service switches to it at once, and the previous version stays
 *       scaled for {@code scaleDownDelay} so {@code slipway rollout undo} switches back at once.
 *   <li>{@link Kind#CANARY}: the new version takes a growing share of the ingress's traffic (the
 *       AWS Load Balancer Controller's weighted forward action over a stable and a canary
 *       Service), step by step, with pauses and analysis; all of it when the steps are done.
 * </ul>
 *
 * @param steps the canary's steps (empty for blue/green)
 * @param analysis templates (by name) run against the new version: before the switch (blue/green), after
 *     each weight step (canary)
 * @param autoPromote blue/green: switch as soon as the new version is ready and the analysis passed;
 *     otherwise wait for {@code slipway rollout promote}
 * @param scaleDownDelay how long the previous version stays scaled after the switch (blue/green) or the last step (canary)
 * @param progressDeadline how long the new version may take to become ready before the rollout aborts
 * @param pauseDeadline how long a rollout may wait for a person (a pause without duration, an
 *     inconclusive analysis) before it aborts
 * @param at where {@code strategy} is written
 */
public record DeliveryStrategy(
    Kind kind,
    List<Step> steps,
    List<String> analysis,
    boolean autoPromote,
    Duration scaleDownDelay,
    Duration progressDeadline,
    Duration pauseDeadline,
    Position at) {

  public DeliveryStrategy {
    steps = List.copyOf(steps);
    analysis = List.copyOf(analysis);
  }

  public enum Kind {
    BLUE_GREEN("blueGreen"),
    CANARY("canary");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /**
   * One canary step: exactly one of {@code setWeight} (percent of traffic to the new version),
   * a pause ({@code pause} for that long, or until promoted when {@code untilPromoted}), or an
   * analysis of the named templates.
   */
  public record Step(Integer setWeight, Duration pause, boolean untilPromoted, List<String> analysis, Position at) {
    public Step {
      analysis = analysis == null ? List.of() : List.copyOf(analysis);
    }

    public static Step weight(int w) {
      return new Step(w, null, false, List.of(), Position.NONE);
    }

    public static Step pauseFor(Duration d) {
      return new Step(null, d, false, List.of(), Position.NONE);
    }

    public boolean isPause() {
      return pause != null || untilPromoted;
    }

    public String describe() {
      if (setWeight != null) {
        return "setWeight " + setWeight;
      }
      if (untilPromoted) {
        return "pause until promoted";
      }
      if (pause != null) {
        return "pause " + dev.slipway.model.yaml.Durations.text(pause);
      }
      return "analysis " + String.join(", ", analysis);
    }
  }
}
