package dev.slipway.server.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.rollout.RolloutMachine;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.PrometheusClient;
import dev.slipway.kube.rollout.RolloutDriver;
import dev.slipway.kube.rollout.RolloutStore;
import dev.slipway.kube.rollout.RolloutSync;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.server.api.ActionResult;
import dev.slipway.server.api.RolloutView;
import dev.slipway.server.log.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The server's part in rollouts: it drives every rollout under way (pods, measurements,
 * deadlines) from its reconcile loop, shows them, and carries out what people ask of them. The
 * state machine and the cluster work are the CLI's ({@link RolloutDriver}); only the leader of an
 * application's shard drives it.
 */
final class ServerRollouts {
  /** How often a rollout that waits for pods is looked at again. */
  static final Duration POLL = Duration.ofSeconds(2);
  private final Clock clock;
  private final PrometheusClient prometheus = new PrometheusClient(Duration.ofSeconds(10));

  ServerRollouts(Clock clock) {
    this.clock = clock;
  }

  /** The driver's targets: the application's components with a strategy in this environment. */
  static List<RolloutDriver.Target> targets(ApplicationPlan plan, EnvironmentSpec env) {
    List<RolloutDriver.Target> out = new ArrayList<>();
    String prometheus = env.addons().metrics() == null ? null : env.addons().metrics().prometheusAddress();
    for (ComponentSpec c : plan.resolved().components()) {
      if (c.strategy() != null) {
        out.add(new RolloutDriver.Target(env.name(), plan.resolved().name(), plan.resolved().namespace(), c.name(), c.strategy(),
            env.analysis(), prometheus));
      }
    }
    return out;
  }

  /**
   * Moves on each rollout of the application that is under way (or has a previous revision to scale
   * down), as the cache shows them; returns when to look again, or null when nothing waits.
   */
  Duration drive(ClusterClient client, ApplicationPlan plan, EnvironmentSpec env, List<JsonNode> cached, JsonLog log) {
    Duration again = null;
    for (RolloutDriver.Target t : targets(plan, env)) {
      RolloutState s = RolloutSync.cachedState(cached, t.namespace(), t.component());
      if (s == null || !(s.rollingOut() || s.previous() != null)) {
        continue;
      }
      Instant now = clock.instant();
      if (s.phase() != RolloutState.Phase.PROGRESSING) {
        // Waiting for a person, or for the previous revision's scale-down: nothing to look at before that time
        // (a person's action arrives as an event and is looked at then).
        Instant at = s.phase() == RolloutState.Phase.PAUSED ? s.deadline() : s.scaleDownAt();
        if (at != null && now.isBefore(at)) {
          again = sooner(again, Duration.between(now, at).plusMillis(10));
          continue;
        }
      }
      try {
        RolloutDriver.Result r = new RolloutDriver(client, prometheus, clock).tick(t);
        if (r.changed()) {
          log.info("rollout moved on", "component", t.component(), "state", RolloutMachine.describe(r.state()));
        }
        again = sooner(again, r.state().rollingOut() ? POLL : null);
        if (r.wakeAt() != null) {
          again = sooner(again, Duration.between(clock.instant(), r.wakeAt()).plusMillis(10));
        }
      } catch (RolloutStore.Conflict e) {
        // Another writer moved it on meanwhile: its change arrives as an event and is looked at then.
        again = sooner(again, POLL);
      } catch (RuntimeException e) {
        log.warn("rollout could not be moved on", "component", t.component(), "problem", String.valueOf(e.getMessage()));
        again = sooner(again, Duration.ofSeconds(10));
      }
    }
    return again == null ? null : again.isNegative() ? Duration.ZERO : again;
  }

  private static Duration sooner(Duration a, Duration b) {
    return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
  }

  /** The application's rollouts as stored in its cluster (read now, not from the cache: after an action it shows the action's result). */
  List<RolloutView> views(ClusterClient client, ApplicationPlan plan, EnvironmentSpec env) {
    List<RolloutView> out = new ArrayList<>();
    for (RolloutDriver.Target t : targets(plan, env)) {
      RolloutState s = new RolloutStore(client).read(t.namespace(), t.component()).state();
      if (s != null) {
        out.add(RolloutView.of(s, t.strategy()));
      }
    }
    return out;
  }

  /** Carries out {@code verb} on a component's rollout. */
  ActionResult command(ClusterClient client, ApplicationPlan plan, EnvironmentSpec env, String component, String verb, String who) {
    RolloutDriver.Target target = targets(plan, env).stream().filter(t -> t.component().equals(component)).findFirst().orElse(null);
    if (target == null) {
      return ActionResult.notFound("no component '" + component + "' with a strategy in " + plan.resolved().name() + " in " + env.name());
    }
    RolloutMachine.Command c = RolloutMachine.Command.valueOf(verb.toUpperCase(Locale.ROOT));
    try {
      RolloutDriver driver = new RolloutDriver(client, prometheus, clock);
      if (driver.state(target) == null) {
        return ActionResult.conflict("no rollout of " + component + " yet: it has not been synced with its strategy");
      }
      RolloutDriver.Result r = driver.command(target, c, who);
      return ActionResult.done(verb + ": " + RolloutMachine.describe(r.state()), null);
    } catch (RolloutMachine.NotApplicable | RolloutStore.Conflict e) {
      return ActionResult.conflict(e.getMessage());
    }
  }

  Instant now() {
    return clock.instant();
  }
}
