package dev.slipway.kube.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.rollout.Analysis;
import dev.slipway.engine.rollout.Measurement;
import dev.slipway.engine.rollout.RolloutMachine;
import dev.slipway.engine.rollout.RolloutMachine.Command;
import dev.slipway.engine.rollout.RolloutMachine.Observation;
import dev.slipway.engine.rollout.RolloutShaper;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.PrometheusClient;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.model.spec.AnalysisTemplate;
import dev.slipway.model.spec.DeliveryStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Moves one component's rollout on: reads its state, observes the cluster (the new revision's
 * pods) and Prometheus (the measurements that are due), asks {@link RolloutMachine} for the next
 * state, stores it, and applies what that state wants: selectors, replicas, weights; Deployments
 * of revisions the state no longer runs are deleted. What the CLI's {@code slipway rollout} and
 * the server's controller share.
 */
public final class RolloutDriver {
  private final ClusterClient client;
  private final PrometheusClient prometheus;
  private final Clock clock;
  private final RolloutStore store;
  private final SyncExecutor executor;

  public RolloutDriver(ClusterClient client, PrometheusClient prometheus, Clock clock) {
    this.client = client;
    this.prometheus = prometheus;
    this.clock = clock;
    this.store = new RolloutStore(client);
    this.executor = new SyncExecutor(client, clock).yieldingWhileProgressing();
  }

  /**
   * One component of an application in an environment, with what its rollout needs from the spec.
   *
   * @param prometheus the environment's Prometheus (base URL), or null when it has none
   */
  public record Target(String environment, String application, String namespace, String component, DeliveryStrategy strategy,
      Map<String, AnalysisTemplate> templates, String prometheus) {}

  /** The state after a tick or a command, and when to look again (null: only when something changes). */
  public record Result(RolloutState state, boolean changed, Instant wakeAt, String applied, boolean applyFailed) {}

  /** The component's stored state, or null when it has none. */
  public RolloutState state(Target t) {
    return store.read(t.namespace(), t.component()).state();
  }

  /** Observes and moves the rollout on once. */
  public Result tick(Target t) {
    RolloutStore.Stored stored = store.read(t.namespace(), t.component());
    RolloutState s = stored.state();
    if (s == null) {
      return new Result(null, false, null, "", false);
    }
    Instant now = clock.instant();
    Map<String, Measurement> taken = new LinkedHashMap<>();
    for (String name : RolloutMachine.due(s, t.templates(), now)) {
      AnalysisTemplate template = t.templates().get(name);
      String query = Analysis.render(template, variables(t, s));
      var result = t.prometheus() == null
          ? dev.slipway.engine.rollout.QueryResult.failed("environment " + t.environment() + " has no Prometheus (addons.metrics.prometheusAddress)")
          : prometheus.query(t.prometheus(), query);
      taken.put(name, Analysis.measure(template, result, now));
    }
    RolloutState next = RolloutMachine.next(s, t.strategy(), t.templates(), new Observation(canaryReady(t, s), taken), now);
    return store(t, stored, next);
  }

  /** Carries out a person's command ({@link RolloutMachine.NotApplicable} when it does not apply). */
  public Result command(Target t, Command c, String who) {
    RolloutStore.Stored stored = store.read(t.namespace(), t.component());
    RolloutState next = RolloutMachine.command(stored.state(), t.strategy(), c, who, clock.instant());
    Result done = store(t, stored, next);
    if ((c == Command.PROMOTE || c == Command.RETRY) && !done.applyFailed()) {
      // What the promote allows (a switch once the pods are ready, the next step) happens now, not at the next look.
      Result moved = tick(t);
      return new Result(moved.state(), true, moved.wakeAt(), done.applied() + moved.applied(), moved.applyFailed());
    }
    return done;
  }

  private Result store(Target t, RolloutStore.Stored stored, RolloutState next) {
    boolean changed = !next.equals(stored.state());
    if (changed) {
      store.write(t.environment(), t.application(), t.namespace(), next, stored.resourceVersion());
    } else if (!java.util.Objects.equals(store.read(t.namespace(), t.component()).resourceVersion(), stored.resourceVersion())) {
      // Someone else moved it on since it was read (a sync, a person): their state is applied, not this stale one.
      return new Result(next, false, RolloutMachine.wakeAt(next, t.templates()), "", false);
    }
    // Applied on every look, not only on a change: what a failed apply left undone is done next time.
    Applied a = apply(t, next);
    return new Result(next, changed, RolloutMachine.wakeAt(next, t.templates()), a.text(), a.failed());
  }

  /** What an apply did, and whether it failed (then nothing was deleted). */
  record Applied(String text, boolean failed) {}

  /** The query's variables: the new revision's Service and pods while it rolls out, the stable one's otherwise. */
  static Map<String, String> variables(Target t, RolloutState s) {
    Map<String, String> v = new TreeMap<>();
    v.put("namespace", t.namespace());
    v.put("application", t.application());
    v.put("component", t.component());
    v.put("environment", t.environment());
    boolean blueGreen = s.strategy().equals(DeliveryStrategy.Kind.BLUE_GREEN.id());
    v.put("service", blueGreen ? RolloutShaper.preview(t.component()) : RolloutShaper.canaryService(t.component()));
    v.put("revision", s.releaseRevision());
    return v;
  }

  /** Whether the release revision's Deployment runs the replicas the state wants, all ready. */
  boolean canaryReady(Target t, RolloutState s) {
    if (s.canary() == null) {
      return true;
    }
    RenderedObject want = RolloutShaper.shape(s).stream()
        .filter(o -> o.kind().equals("Deployment") && s.canary().equals(o.body().path("metadata").path("labels").path(RolloutShaper.REVISION).asText()))
        .findFirst().orElse(null);
    if (want == null) {
      return false;
    }
    JsonNode live = client.get("apps/v1", "Deployment", t.namespace(), want.name());
    if (live == null) {
      return false;
    }
    int replicas = want.body().path("spec").path("replicas").asInt();
    return live.path("spec").path("replicas").asInt(-1) == replicas && live.path("status").path("readyReplicas").asInt(0) >= replicas
        && Health.assess(live).status() == HealthStatus.HEALTHY;
  }

  /** Applies the state's objects and deletes the Deployments of revisions it no longer runs; says what it did. */
  private Applied apply(Target t, RolloutState s) {
    List<RenderedObject> objects = RolloutShaper.shape(s);
    ApplicationBundle bundle = new ApplicationBundle(t.environment(), t.application(), t.namespace(), objects);
    SyncExecutor.Options options = new SyncExecutor.Options(false, false, false, Duration.ofSeconds(30), Duration.ofSeconds(1));
    SyncExecutor.Outcome outcome = executor.applyShaped(t.environment(), bundle, options, line -> { }, null);
    StringBuilder what = new StringBuilder();
    outcome.steps().stream().filter(st -> !st.action().equals("unchanged")).forEach(st -> what.append(st.action()).append(' ').append(st.ref()).append('\n'));
    if (!outcome.succeeded() && outcome.cause() != SyncExecutor.Failure.PROGRESSING) {
      // Nothing is deleted after a failed apply: a Service may still select the Deployment a delete would remove.
      what.append("failed: ").append(outcome.failure()).append('\n');
      return new Applied(what.toString(), true);
    }
    Set<String> keep = new HashSet<>();
    objects.stream().filter(o -> o.kind().equals("Deployment")).forEach(o -> keep.add(o.name()));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.APPLICATION, t.application());
    labels.put(Labels.COMPONENT, t.component());
    for (JsonNode d : client.list("apps/v1", "Deployment", t.namespace(), labels)) {
      String name = d.path("metadata").path("name").asText();
      boolean revision = d.path("metadata").path("labels").has(RolloutShaper.REVISION);
      // A revision no longer run, or the plain Deployment the component had before it had a strategy.
      if ((revision || name.equals(t.component())) && !keep.contains(name)) {
        client.delete(d);
        what.append("delete Deployment/").append(t.namespace()).append('/').append(name).append('\n');
      }
    }
    return new Applied(what.toString(), false);
  }
}
