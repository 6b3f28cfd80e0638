package dev.slipway.server.api;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The port between the HTTP API and the controller that reconciles applications × environments.
 *
 * <p>The HTTP layer authenticates, authorises, validates input, audits and renders JSON; it never
 * decides anything about an application. Everything it shows and every action it takes goes
 * through this interface, so that the controller (Git watch, work queue, sync), the sandbox and a
 * test fake can sit behind the same API. The controller owns the state; the HTTP layer keeps none
 * of it.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Reads return snapshots that are safe to serialise while the controller keeps working; they
 *       are called from many HTTP threads at once and must not block on a reconcile.
 *   <li>Nothing returned may contain a Secret value: diffs, operation messages and reasons are
 *       redacted by the implementation (the HTTP layer cannot know which text is secret).
 *   <li>Actions are called only for an application and environment that {@link #application}
 *       knows, by a caller already authorised; {@code who} is the authenticated subject, to be
 *       recorded in history. A refusal is an {@link ActionResult} (never an exception); an action
 *       that starts work returns {@link ActionResult.Outcome#ACCEPTED} and reports progress as
 *       {@link StatusEvent}s.
 *   <li>Every change of a matrix cell (sync, health, revision, drift, pin, pause) and every
 *       operation start and end is published to the subscribers as a {@link StatusEvent}.
 * </ul>
 */
public interface ControlPlane {

  /** The environments reconciled, in the platform's order (dev before prod). */
  List<EnvironmentInfo> environments();

  /** Every application in every environment, ordered by application then environment order. */
  List<ApplicationStatus> applications();

  /** One application in one environment, or empty when either is unknown. */
  Optional<ApplicationDetail> application(String application, String environment);

  /** The live-against-desired diff, Secret data redacted; empty when unknown. */
  Optional<ApplicationDiff> diff(String application, String environment);

  /**
   * What is wrong with the application's running objects, why, and what to change ({@code slipway
   * doctor}'s analyzers); empty when either is unknown. May read the cluster (a bounded read of the
   * application's namespace), so it is called on demand, not on every refresh.
   */
  default Optional<Diagnosis> diagnosis(String application, String environment) {
    return Optional.empty();
  }

  /**
   * The blue/green and canary rollouts of the application's components with a strategy, as stored
   * in the cluster; empty when the application is unknown, an empty list when none has a strategy.
   */
  default Optional<List<RolloutView>> rollouts(String application, String environment) {
    return Optional.empty();
  }

  /**
   * Asks a component's rollout to {@code promote}, {@code abort}, {@code undo} or {@code retry};
   * a refusal (nothing to promote, no such component) is the result, not an exception.
   */
  default ActionResult rollout(String application, String environment, String component, String action, String who) {
    return ActionResult.notFound("rollouts are not available here");
  }

  /**
   * Syncs now, whatever the sync policy says. A dry run returns the steps a sync would take in
   * {@link ActionResult#changes()} and changes nothing.
   */
  ActionResult sync(String application, String environment, SyncOptions options, String who);

  /**
   * Redeploys the objects recorded with history revision {@code revision} and pins the
   * application in the environment so that automated sync does not undo it until {@link #unpin}.
   */
  ActionResult rollback(String application, String environment, int revision, String who);

  /** Re-reads Git and the live objects for this application now, instead of at the next poll. */
  ActionResult refresh(String application, String environment, String who);

  /** Keeps the deployed revision: automated sync reports OutOfSync but does not deploy. */
  ActionResult pin(String application, String environment, String who);

  ActionResult unpin(String application, String environment, String who);

  /** Stops automated sync and self-heal for this application in this environment. */
  ActionResult pause(String application, String environment, String who);

  ActionResult resume(String application, String environment, String who);

  /**
   * A verified push to the platform repository (from a forge webhook): fetch now and reconcile
   * the applications whose inputs the paths touch.
   *
   * @param branch the pushed branch, without {@code refs/heads/}
   * @param commit the commit the branch now points at
   * @param paths files added, modified or removed by the pushed commits, repository-relative
   */
  PushResult onPush(String branch, String commit, List<String> paths);

  /**
   * Delivers every {@link StatusEvent} from now on to {@code listener}, on the controller's
   * thread: the listener must return quickly and not throw. Closing the returned handle stops
   * delivery.
   */
  AutoCloseable subscribe(Consumer<StatusEvent> listener);

  /** Whether the controller can answer: Git read once and the cluster caches synced (/readyz). */
  boolean ready();

  /** Whether this control plane runs over the simulated sandbox cluster (shown as SIMULATED). */
  boolean simulated();
}
