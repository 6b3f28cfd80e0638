package dev.slipway.engine.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.rollout.RolloutState.AnalysisRun;
import dev.slipway.engine.rollout.RolloutState.Builder;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.model.spec.AnalysisTemplate;
import dev.slipway.model.spec.DeliveryStrategy;
import dev.slipway.model.spec.DeliveryStrategy.Kind;
import dev.slipway.model.spec.DeliveryStrategy.Step;
import dev.slipway.model.yaml.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A component's rollout as a pure state machine: data in, data out, no clock of its own. Three
 * entry points: {@link #release} when a sync brings a (possibly new) revision, {@link #next} when
 * the driver has observed the cluster (pods ready, measurements taken) at {@code now}, and
 * {@link #command} for what a person asks (promote, abort, undo, retry).
 *
 * <p>Never stuck: every state that waits has a deadline ({@link RolloutState#deadline}); one that
 * waits for pods, an analysis or a person aborts when its deadline passes (traffic back to the
 * stable revision, the canary scaled down), and a timed pause ends at its deadline. So from any
 * state, a bounded number of {@link #next} calls with time moving on reaches {@code STABLE} or
 * {@code ABORTED}.
 */
public final class RolloutMachine {
  /** How many transitions one {@link #next} call makes at most (steps that need no waiting run back to back). */
  static final int MAX_TRANSITIONS = 64;

  private RolloutMachine() {}

  /**
   * What the driver saw. {@code canaryReady}: the canary revision's Deployment runs the replicas
   * the state asks for, all ready; {@code measurements}: the measurements just taken, by template
   * (only those that were due by {@link #due}).
   */
  public record Observation(boolean canaryReady, Map<String, Measurement> measurements) {
    public Observation {
      measurements = measurements == null ? Map.of() : Map.copyOf(measurements);
    }

    public static Observation ready(boolean ready) {
      return new Observation(ready, Map.of());
    }
  }

  /** What a person asks of a rollout. */
  public enum Command {
    /** Go past the current pause (or an inconclusive analysis); blue/green: switch now. */
    PROMOTE,
    /** Send all traffic back to the stable revision and scale the new one down. */
    ABORT,
    /** After a switch, while the previous revision is still scaled: switch back to it. */
    UNDO,
    /** Start an aborted rollout again from its first step. */
    RETRY
  }

  /** A command that does not apply to the rollout's state, with the reason in words. */
  public static final class NotApplicable extends RuntimeException {
    public NotApplicable(String message) {
      super(message);
    }
  }

  /**
   * A sync rendered revision {@code revision} of the component (its steady-shaped objects in
   * {@code release}). The first time: steady on it. A new revision starts a rollout (or restarts
   * one in progress with it); the stable revision written again ends a rollout in progress.
   */
  public static RolloutState release(RolloutState s, Kind kind, String component, String revision, List<ObjectNode> release,
      Instant now) {
    if (s == null) {
      return RolloutState.steady(component, kind.id(), revision, release, now);
    }
    if (revision.equals(s.releaseRevision())) {
      Builder b = s.to();
      b.release = release;
      b.strategy = kind.id();
      return b.build();
    }
    Builder b = s.to();
    b.strategy = kind.id();
    if (revision.equals(s.stable())) {
      b.phase = Phase.STABLE;
      b.canary = null;
      b.stableDeployment = null;
      b.release = release;
      b.weight = 0;
      b.scale = 0;
      b.analysis = null;
      b.waiting(null, null);
      b.message = null;
      return b.event(now, "the spec is back at the stable revision " + revision + "; the rollout of " + s.canary() + " ended").build();
    }
    if (s.canary() == null) {
      b.stableDeployment = deploymentOf(s.release());
    }
    if (s.previous() != null) {
      b.event(now, "previous revision " + s.previous() + " scaled down: a new rollout starts");
      b.previous = null;
      b.previousDeployment = null;
      b.scaleDownAt = null;
    }
    String was = s.rollingOut() ? s.canary() : null;
    b.phase = Phase.PROGRESSING;
    b.canary = revision;
    b.release = release;
    b.step = 0;
    b.weight = 0;
    b.scale = kind == Kind.BLUE_GREEN ? 100 : 0;
    b.since = now;
    b.analysis = null;
    b.message = null;
    b.waiting(null, null);
    b.event(now, was != null ? "restarted with revision " + revision + " (replaces " + was + ")"
        : kind.id() + " rollout of revision " + revision + " started (stable: " + s.stable() + ")");
    return b.build();
  }

  /** The Deployment among a component's objects, or null. */
  static ObjectNode deploymentOf(List<ObjectNode> objects) {
    return objects.stream().filter(o -> o.path("kind").asText().equals("Deployment")).findFirst().orElse(null);
  }

  /**
   * The templates whose next measurement is due at {@code now} (the driver queries them and passes
   * the results to {@link #next}).
   */
  public static List<String> due(RolloutState s, Map<String, AnalysisTemplate> templates, Instant now) {
    List<String> out = new ArrayList<>();
    if (s.analysis() == null || s.analysis().verdict() != null || !s.rollingOut() || s.phase() == Phase.PAUSED) {
      return out;
    }
    for (String name : s.analysis().templates()) {
      AnalysisTemplate t = templates.get(name);
      if (t == null) {
        continue;
      }
      Instant at = Analysis.nextAt(t, s.analysis().started(), s.analysis().measurements().getOrDefault(name, List.of()));
      if (at != null && !at.isAfter(now)) {
        out.add(name);
      }
    }
    return out;
  }

  /** When the driver should look again: the earliest of the deadline, the next measurement and the scale-down. Null: never by itself. */
  public static Instant wakeAt(RolloutState s, Map<String, AnalysisTemplate> templates) {
    Instant at = null;
    at = min(at, s.deadline());
    at = min(at, s.scaleDownAt());
    if (s.analysis() != null && s.analysis().verdict() == null) {
      for (String name : s.analysis().templates()) {
        AnalysisTemplate t = templates.get(name);
        if (t != null) {
          at = min(at, Analysis.nextAt(t, s.analysis().started(), s.analysis().measurements().getOrDefault(name, List.of())));
        }
      }
    }
    return at;
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  /** Moves the rollout on as far as the observation allows at {@code now}. */
  public static RolloutState next(RolloutState s, DeliveryStrategy strategy, Map<String, AnalysisTemplate> templates, Observation o,
      Instant now) {
    RolloutState cur = record(s, o, now);
    Observation stale = new Observation(false, Map.of());
    for (int i = 0; i < MAX_TRANSITIONS; i++) {
      // The pods were observed for the state as it was: once this call asks for other replicas (or
      // another revision), they are not known to be ready until the next observation.
      boolean same = cur.scale() == s.scale() && java.util.Objects.equals(cur.canary(), s.canary());
      RolloutState n = step(cur, strategy, templates, same ? o : stale, now);
      if (n == cur) {
        return cur;
      }
      cur = n;
    }
    return cur;
  }

  /** Appends the observation's measurements to the analysis run. */
  private static RolloutState record(RolloutState s, Observation o, Instant now) {
    if (o.measurements().isEmpty() || s.analysis() == null || s.analysis().verdict() != null) {
      return s;
    }
    Map<String, List<Measurement>> ms = new LinkedHashMap<>();
    s.analysis().measurements().forEach((k, v) -> ms.put(k, new ArrayList<>(v)));
    o.measurements().forEach((k, m) -> {
      if (ms.containsKey(k)) {
        ms.get(k).add(m);
      }
    });
    Builder b = s.to();
    b.analysis = new AnalysisRun(s.analysis().templates(), s.analysis().started(), ms, null);
    return b.build();
  }

  private static RolloutState step(RolloutState s, DeliveryStrategy strategy, Map<String, AnalysisTemplate> templates, Observation o,
      Instant now) {
    switch (s.phase()) {
      case STABLE -> {
        if (s.previous() != null && s.scaleDownAt() != null && !now.isBefore(s.scaleDownAt())) {
          Builder b = s.to();
          b.previous = null;
          b.previousDeployment = null;
          b.scaleDownAt = null;
          return b.event(now, "previous revision " + s.previous() + " scaled down").build();
        }
        return s;
      }
      case ABORTED -> {
        return s;
      }
      case PAUSED -> {
        if (s.deadline() != null && !now.isBefore(s.deadline())) {
          return abort(s, now, "nobody promoted or aborted it within " + Durations.text(strategy.pauseDeadline()) + " (waited for: "
              + s.waitingFor() + ")");
        }
        return s;
      }
      default -> {
        return strategy.kind() == Kind.BLUE_GREEN ? blueGreen(s, strategy, templates, o, now) : canary(s, strategy, templates, o, now);
      }
    }
  }

  private static RolloutState blueGreen(RolloutState s, DeliveryStrategy strategy, Map<String, AnalysisTemplate> templates, Observation o,
      Instant now) {
    if (!o.canaryReady()) {
      return waitFor(s, "revision " + s.canary() + " to be ready (preview)", strategy.progressDeadline(), now);
    }
    RolloutState ready = podsReady(s);
    if (ready != s) {
      return ready;
    }
    if (s.step() >= 1) {
      // Promoted by a person: switch now that the new revision is ready.
      return switchOver(s, strategy, now);
    }
    if (!strategy.analysis().isEmpty()) {
      RolloutState judged = analyse(s, strategy, strategy.analysis(), templates, now, "before the switch");
      if (judged != null) {
        return judged;
      }
    }
    if (!strategy.autoPromote()) {
      Builder b = s.to();
      b.phase = Phase.PAUSED;
      b.waiting("slipway rollout promote (revision " + s.canary() + " is ready on the preview)", now.plus(strategy.pauseDeadline()));
      return b.event(now, "waiting for promote: autoPromote is off").build();
    }
    return switchOver(s, strategy, now);
  }

  private static RolloutState canary(RolloutState s, DeliveryStrategy strategy, Map<String, AnalysisTemplate> templates, Observation o,
      Instant now) {
    List<Step> steps = strategy.steps();
    if (s.step() >= steps.size()) {
      if (s.scale() < 100) {
        Builder b = s.to();
        b.scale = 100;
        b.waiting(null, null);
        return b.event(now, "steps done: scaling revision " + s.canary() + " to all replicas").build();
      }
      if (!o.canaryReady()) {
        return waitFor(s, "revision " + s.canary() + " to run all replicas", strategy.progressDeadline(), now);
      }
      return switchOver(s, strategy, now);
    }
    Step st = steps.get(s.step());
    if (st.setWeight() != null) {
      int w = st.setWeight();
      if (s.scale() < w) {
        Builder b = s.to();
        b.scale = w;
        b.waiting(null, null);
        return b.event(now, "step " + (s.step() + 1) + ": scaling revision " + s.canary() + " to " + w + "% of the replicas").build();
      }
      if (!o.canaryReady()) {
        return waitFor(s, "revision " + s.canary() + " to be ready at " + w + "%", strategy.progressDeadline(), now);
      }
      RolloutState ready = podsReady(s);
      if (ready != s) {
        return ready;
      }
      if (s.weight() != w) {
        Builder b = s.to();
        b.weight = w;
        b.waiting(null, null);
        return b.event(now, "step " + (s.step() + 1) + ": " + w + "% of the traffic to revision " + s.canary()).build();
      }
      if (!strategy.analysis().isEmpty()) {
        RolloutState judged = analyse(s, strategy, strategy.analysis(), templates, now, "at " + w + "%");
        if (judged != null) {
          return judged;
        }
      }
      return advance(s, now);
    }
    if (st.untilPromoted()) {
      Builder b = s.to();
      b.phase = Phase.PAUSED;
      b.waiting("slipway rollout promote (step " + (s.step() + 1) + ": pause)", now.plus(strategy.pauseDeadline()));
      return b.event(now, "step " + (s.step() + 1) + ": paused until promoted").build();
    }
    if (st.pause() != null) {
      Instant end = s.since().plus(st.pause());
      if (!now.isBefore(end)) {
        return advance(s, now);
      }
      if (end.equals(s.deadline())) {
        return s;
      }
      Builder b = s.to();
      b.waiting("the pause of step " + (s.step() + 1) + " to end", end);
      return b.build();
    }
    RolloutState judged = analyse(s, strategy, st.analysis(), templates, now, "step " + (s.step() + 1));
    return judged != null ? judged : advance(s, now);
  }

  /**
   * Runs (or starts) the analysis of {@code names}: null when it passed (the caller goes on), else
   * the state that waits for it, pauses on an inconclusive one, or aborts on a failed one.
   */
  private static RolloutState analyse(RolloutState s, DeliveryStrategy strategy, List<String> names, Map<String, AnalysisTemplate> templates,
      Instant now, String where) {
    AnalysisRun run = s.analysis();
    if (run == null) {
      Builder b = s.to();
      b.analysis = AnalysisRun.start(names, now);
      // The run's own length, plus the progress deadline for queries that are slow to answer.
      b.waiting("analysis " + String.join(", ", names) + " " + where, now.plus(runLength(names, templates)).plus(strategy.progressDeadline()));
      return b.event(now, "analysis " + String.join(", ", names) + " started " + where).build();
    }
    if ("SUCCESSFUL".equals(run.verdict()) || "PROMOTED".equals(run.verdict())) {
      return null;
    }
    if (run.verdict() != null) {
      return s;
    }
    RunPhase worst = RunPhase.SUCCESSFUL;
    List<String> why = new ArrayList<>();
    for (String n : run.templates()) {
      AnalysisTemplate t = templates.get(n);
      if (t == null) {
        // The template was removed from slipway.yaml mid-rollout: it cannot be evaluated, so it does not pass.
        worst = worse(worst, RunPhase.INCONCLUSIVE);
        why.add(n + ": not evaluated: no such template in slipway.yaml any more");
        continue;
      }
      Verdict v = Analysis.verdict(t, run.measurements().getOrDefault(n, List.of()));
      worst = worse(worst, v.phase());
      if (v.phase() != RunPhase.SUCCESSFUL && v.phase() != RunPhase.RUNNING) {
        why.add(n + ": " + v.message());
      }
    }
    if (worst == RunPhase.RUNNING) {
      // The run's deadline counts from its start, whatever waited in between (pods that were briefly not ready).
      Instant end = run.started().plus(runLength(names, templates)).plus(strategy.progressDeadline());
      String what = "analysis " + String.join(", ", names) + " " + where;
      if (!end.equals(s.deadline()) || !what.equals(s.waitingFor())) {
        Builder b = s.to();
        b.waiting(what, end);
        return b.build();
      }
      if (!now.isBefore(s.deadline())) {
        return abort(s, now, "analysis " + String.join(", ", names) + " " + where + " did not finish by its deadline");
      }
      return s;
    }
    Builder b = s.to();
    b.analysis = new AnalysisRun(run.templates(), run.started(), run.measurements(), worst.name());
    switch (worst) {
      case SUCCESSFUL -> {
        b.waiting(null, null);
        return b.event(now, "analysis " + String.join(", ", names) + " " + where + " passed").build();
      }
      case FAILED -> {
        return abort(b.build(), now, "analysis failed " + where + ": " + String.join("; ", why));
      }
      default -> {
        // Inconclusive, or Prometheus could not be asked: a person decides (promote or abort) before the deadline.
        b.phase = Phase.PAUSED;
        b.message = "analysis inconclusive " + where + ": " + String.join("; ", why);
        b.waiting("slipway rollout promote or abort (the analysis was inconclusive)", now.plus(strategy.pauseDeadline()));
        return b.event(now, b.message + "; paused").build();
      }
    }
  }

  /** How long the longest of the named analyses takes when every measurement is on time. */
  private static Duration runLength(List<String> names, Map<String, AnalysisTemplate> templates) {
    Duration longest = Duration.ZERO;
    for (String n : names) {
      AnalysisTemplate t = templates.get(n);
      if (t != null) {
        Duration d = t.interval().multipliedBy(Math.max(0, t.count() - 1));
        longest = longest.compareTo(d) < 0 ? d : longest;
      }
    }
    return longest;
  }

  private static RunPhase worse(RunPhase a, RunPhase b) {
    return rank(b) > rank(a) ? b : a;
  }

  private static int rank(RunPhase p) {
    return switch (p) {
      case SUCCESSFUL -> 0;
      case RUNNING -> 1;
      case INCONCLUSIVE -> 2;
      case ERROR -> 3;
      case FAILED -> 4;
    };
  }

  /** The pods are ready again: a wait for them ends (a later wait for them starts its own deadline). */
  private static RolloutState podsReady(RolloutState s) {
    if (s.waitingFor() != null && s.waitingFor().startsWith(POD_WAIT)) {
      Builder b = s.to();
      b.waiting(null, null);
      return b.build();
    }
    return s;
  }

  /** How every wait for pods begins ("revision 3f2a… to be ready"). */
  private static final String POD_WAIT = "revision ";

  /** Waits for {@code what}; aborts when it has waited for longer than {@code limit} since it began. */
  private static RolloutState waitFor(RolloutState s, String what, Duration limit, Instant now) {
    if (what.equals(s.waitingFor()) && s.deadline() != null) {
      if (!now.isBefore(s.deadline())) {
        return abort(s, now, "waited " + Durations.text(limit) + " for " + what + " (progressDeadline)");
      }
      return s;
    }
    Builder b = s.to();
    b.waiting(what, now.plus(limit));
    return b.build();
  }

  private static RolloutState advance(RolloutState s, Instant now) {
    Builder b = s.to();
    b.step = s.step() + 1;
    b.since = now;
    b.analysis = null;
    b.waiting(null, null);
    return b.build();
  }

  private static RolloutState switchOver(RolloutState s, DeliveryStrategy strategy, Instant now) {
    Builder b = s.to();
    b.phase = Phase.STABLE;
    b.previous = s.stable();
    b.previousDeployment = s.stableDeployment();
    b.scaleDownAt = now.plus(strategy.scaleDownDelay());
    b.stable = s.canary();
    b.stableDeployment = null;
    b.canary = null;
    b.weight = 0;
    b.scale = 0;
    b.step = strategy.kind() == Kind.CANARY ? strategy.steps().size() : 1;
    b.since = now;
    b.message = null;
    b.waiting(null, null);
    return b.event(now, "revision " + s.canary() + " is live; " + s.stable() + " stays scaled until "
        + b.scaleDownAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (undo switches back)")
        .build();
  }

  private static RolloutState abort(RolloutState s, Instant now, String why) {
    Builder b = s.to();
    b.phase = Phase.ABORTED;
    b.weight = 0;
    b.scale = 0;
    b.message = why;
    b.waiting(null, null);
    return b.event(now, "aborted: " + why + "; all traffic on " + s.stable()).build();
  }

  /** Carries out what a person asked; {@link NotApplicable} says why it cannot. */
  public static RolloutState command(RolloutState s, DeliveryStrategy strategy, Command c, String who, Instant now) {
    if (s == null) {
      throw new NotApplicable("no rollout: the component has not been synced with its strategy yet");
    }
    switch (c) {
      case ABORT -> {
        if (!s.rollingOut()) {
          throw new NotApplicable("no rollout in progress to abort (" + describe(s) + ")");
        }
        return abort(s, now, "aborted by " + who);
      }
      case PROMOTE -> {
        if (!s.rollingOut()) {
          throw new NotApplicable("no rollout in progress to promote (" + describe(s) + ")");
        }
        Builder b = s.to();
        b.phase = Phase.PROGRESSING;
        b.message = null;
        b.waiting(null, null);
        if (s.analysis() != null && !"SUCCESSFUL".equals(s.analysis().verdict())) {
          // An analysis that is running or was inconclusive: the person's promote stands for it.
          b.analysis = new AnalysisRun(s.analysis().templates(), s.analysis().started(), s.analysis().measurements(), "PROMOTED");
        }
        b.event(now, "promoted by " + who);
        if (strategy.kind() == Kind.BLUE_GREEN) {
          // Approved: the switch itself waits until the new revision is ready (never to pods that cannot serve).
          b.step = 1;
          return b.build();
        }
        if (s.phase() == Phase.PAUSED && s.step() < strategy.steps().size() && strategy.steps().get(s.step()).untilPromoted()) {
          return advance(b.build(), now);
        }
        if (s.phase() == Phase.PROGRESSING && s.step() < strategy.steps().size() && strategy.steps().get(s.step()).pause() != null) {
          return advance(b.build(), now);
        }
        return b.build();
      }
      case UNDO -> {
        if (s.rollingOut()) {
          return abort(s, now, "undone by " + who);
        }
        if (s.phase() != Phase.STABLE || s.previous() == null) {
          throw new NotApplicable("nothing to undo: no previous revision is still scaled (" + describe(s) + ")");
        }
        Builder b = s.to();
        b.phase = Phase.ABORTED;
        b.canary = s.stable();
        b.stable = s.previous();
        b.stableDeployment = s.previousDeployment();
        b.previous = null;
        b.previousDeployment = null;
        b.scaleDownAt = null;
        b.weight = 0;
        b.scale = 0;
        b.message = "undone by " + who + ": switched back to " + s.previous();
        return b.event(now, "undone by " + who + ": all traffic back on " + s.previous() + "; " + s.stable()
            + " scaled down until a new revision is written or slipway rollout retry").build();
      }
      default -> {
        if (s.phase() != Phase.ABORTED || s.canary() == null) {
          throw new NotApplicable("nothing to retry: only an aborted rollout can be retried (" + describe(s) + ")");
        }
        Builder b = s.to();
        b.phase = Phase.PROGRESSING;
        b.step = 0;
        b.weight = 0;
        b.scale = strategy.kind() == Kind.BLUE_GREEN ? 100 : 0;
        b.since = now;
        b.analysis = null;
        b.message = null;
        b.waiting(null, null);
        return b.event(now, "retried by " + who + ": rollout of " + s.canary() + " starts again").build();
      }
    }
  }

  /** The state in a few words: "stable on 3f2a9c1b", "canary 5a1b... at step 2 of 6, 20%", "aborted: ...". */
  public static String describe(RolloutState s) {
    return switch (s.phase()) {
      case STABLE -> "stable on revision " + s.stable();
      case ABORTED -> "aborted, all traffic on " + s.stable();
      case PAUSED -> "paused: revision " + s.canary() + " waits for " + s.waitingFor();
      case PROGRESSING -> "progressing: revision " + s.canary() + (s.waitingFor() == null ? "" : ", waiting for " + s.waitingFor());
    };
  }
}
