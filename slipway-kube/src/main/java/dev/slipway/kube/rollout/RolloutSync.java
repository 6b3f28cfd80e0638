package dev.slipway.kube.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.rollout.RolloutMachine;
import dev.slipway.engine.rollout.RolloutShaper;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.kube.ClusterClient;
import dev.slipway.model.spec.DeliveryStrategy.Kind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where sync meets rollouts: before an application's objects are compared or applied, each
 * component with a delivery strategy has its objects replaced by what its rollout state wants
 * ({@link RolloutShaper#shape}). A sync that brings a new revision starts its rollout here
 * ({@link RolloutMachine#release}), and records it unless dry-running; {@code diff} and a dry run
 * show what that sync would apply. Components without a strategy pass through untouched.
 */
public final class RolloutSync {
  private RolloutSync() {}

  /** The components of a bundle that have a strategy. */
  public static java.util.Set<String> components(ApplicationBundle bundle) {
    return strategyObjects(bundle).keySet();
  }

  /** The components of a bundle that have a strategy, with their steady objects (plan's output). */
  static Map<String, List<RenderedObject>> strategyObjects(ApplicationBundle bundle) {
    Map<String, List<RenderedObject>> out = new LinkedHashMap<>();
    for (RenderedObject o : bundle.objects()) {
      if (o.kind().equals("Deployment") && o.component() != null && o.body().path("metadata").path("labels").has(RolloutShaper.REVISION)) {
        out.put(o.component(), new ArrayList<>());
      }
    }
    for (RenderedObject o : bundle.objects()) {
      List<RenderedObject> mine = o.component() == null ? null : out.get(o.component());
      if (mine != null && isRolloutObject(o, o.component())) {
        mine.add(o);
      }
    }
    return out;
  }

  static boolean isRolloutObject(RenderedObject o, String c) {
    return switch (o.kind()) {
      case "Deployment" -> true;
      case "Service" -> o.name().equals(c) || o.name().equals(RolloutShaper.preview(c)) || o.name().equals(RolloutShaper.canaryService(c));
      case "Ingress" -> o.name().equals(c) || o.name().equals(RolloutShaper.preview(c));
      default -> false;
    };
  }

  static Kind kindOf(String component, List<RenderedObject> objects) {
    for (RenderedObject o : objects) {
      String kind = o.body().path("metadata").path("annotations").path(RolloutShaper.STRATEGY).asText("");
      if (o.kind().equals("Deployment") && !kind.isEmpty()) {
        return kind.equals(Kind.CANARY.id()) ? Kind.CANARY : Kind.BLUE_GREEN;
      }
    }
    return objects.stream().anyMatch(o -> o.kind().equals("Service") && o.name().equals(RolloutShaper.preview(component)))
        ? Kind.BLUE_GREEN : Kind.CANARY;
  }

  /**
   * The bundle as the components' rollouts want it. {@code record}: store the transitions (a real
   * sync); otherwise only compute them (diff, dry run, status).
   */
  public static ApplicationBundle prepare(ClusterClient client, Clock clock, String environment, ApplicationBundle bundle, boolean record) {
    return prepare(client, clock, environment, bundle, record, line -> { });
  }

  /** The same, saying what the sync did to each rollout (started, restarted, ended) to {@code progress}. */
  public static ApplicationBundle prepare(ClusterClient client, Clock clock, String environment, ApplicationBundle bundle, boolean record,
      java.util.function.Consumer<String> progress) {
    return shaped(client, clock, environment, bundle, record, progress).bundle();
  }

  /** A bundle as its components' rollouts want it, and those rollouts' states (by component). */
  public record Shaped(ApplicationBundle bundle, Map<String, RolloutState> states) {
    /**
     * The application's health with its rollouts folded in, as Argo Rollouts reports a Rollout: one
     * under way is Progressing, one waiting for a person Suspended, an aborted one Degraded (what
     * the spec asks for does not run).
     */
    public HealthFold fold(dev.slipway.engine.sync.HealthStatus health, String detail) {
      dev.slipway.engine.sync.HealthStatus h = health;
      String d = detail;
      for (var e : states.entrySet()) {
        RolloutState s = e.getValue();
        dev.slipway.engine.sync.HealthStatus own = switch (s.phase()) {
          case PROGRESSING -> dev.slipway.engine.sync.HealthStatus.PROGRESSING;
          case PAUSED -> dev.slipway.engine.sync.HealthStatus.SUSPENDED;
          case ABORTED -> s.canary() == null ? dev.slipway.engine.sync.HealthStatus.HEALTHY : dev.slipway.engine.sync.HealthStatus.DEGRADED;
          default -> dev.slipway.engine.sync.HealthStatus.HEALTHY;
        };
        if (own.worst(h) != h) {
          h = own;
          d = "rollout of " + e.getKey() + ": " + RolloutMachine.describe(s) + (s.message() == null ? "" : " (" + s.message() + ")");
        }
      }
      return new HealthFold(h, d);
    }
  }

  /** A health and its reason. */
  public record HealthFold(dev.slipway.engine.sync.HealthStatus health, String detail) {}

  /** {@link #prepare}, with the states. */
  public static Shaped shaped(ClusterClient client, Clock clock, String environment, ApplicationBundle bundle, boolean record,
      java.util.function.Consumer<String> progress) {
    Map<String, List<RenderedObject>> strategies = strategyObjects(bundle);
    if (strategies.isEmpty() || bundle.namespace() == null) {
      return new Shaped(bundle, Map.of());
    }
    RolloutStore store = new RolloutStore(client);
    Map<String, RolloutState> states = new LinkedHashMap<>();
    for (var e : strategies.entrySet()) {
      String c = e.getKey();
      RolloutStore.Stored stored = store.read(bundle.namespace(), c);
      RolloutState state = stored.state();
      if (state == null) {
        state = adopt(client, bundle, c, release(e.getValue()), clock);
      }
      RolloutState next = transition(state, c, e.getValue(), clock);
      if (record && !next.equals(stored.state())) {
        store.write(environment, bundle.application(), bundle.namespace(), next, stored.resourceVersion());
        List<RolloutState.Event> before = state == null ? List.of() : state.events();
        next.events().stream().filter(ev -> !before.contains(ev)).forEach(ev -> progress.accept("rollout of " + c + ": " + ev.text()));
      }
      states.put(c, next);
    }
    return new Shaped(shape(bundle, strategies, states), states);
  }

  /**
   * The same from a watch's cache (what the server holds of the application, rollout ConfigMaps
   * included): no request, nothing written. A component without a state in the cache keeps its
   * rendered objects.
   */
  public static Shaped shapedFromCache(List<JsonNode> cached, ApplicationBundle bundle, Clock clock) {
    Map<String, List<RenderedObject>> strategies = strategyObjects(bundle);
    if (strategies.isEmpty() || bundle.namespace() == null) {
      return new Shaped(bundle, Map.of());
    }
    Map<String, RolloutState> states = new LinkedHashMap<>();
    for (var e : strategies.entrySet()) {
      RolloutState state = cachedState(cached, bundle.namespace(), e.getKey());
      if (state != null) {
        states.put(e.getKey(), transition(state, e.getKey(), e.getValue(), clock));
      }
    }
    return new Shaped(shape(bundle, strategies, states), states);
  }

  /** A component's rollout state among cached objects, or null when there is none (or it cannot be read). */
  public static RolloutState cachedState(List<JsonNode> cached, String namespace, String component) {
    for (JsonNode o : cached) {
      JsonNode meta = o.path("metadata");
      if (o.path("kind").asText().equals("ConfigMap") && meta.path("namespace").asText().equals(namespace)
          && meta.path("name").asText().equals(RolloutStore.name(component))) {
        try {
          return RolloutState.fromJson(JSON.readTree(o.path("data").path(RolloutStore.DATA).asText("")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static List<ObjectNode> release(List<RenderedObject> objects) {
    return objects.stream().map(RenderedObject::body).toList();
  }

  /** What the sync of these rendered objects makes of the state ({@link RolloutMachine#release}). */
  private static RolloutState transition(RolloutState state, String component, List<RenderedObject> objects, Clock clock) {
    RenderedObject deployment = objects.stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow();
    String revision = deployment.body().path("metadata").path("labels").path(RolloutShaper.REVISION).asText();
    return RolloutMachine.release(state, kindOf(component, objects), component, revision, release(objects), clock.instant());
  }

  /** The bundle with each component that has a state replaced by its shaped objects, in sync order. */
  private static ApplicationBundle shape(ApplicationBundle bundle, Map<String, List<RenderedObject>> strategies,
      Map<String, RolloutState> states) {
    Map<String, List<RenderedObject>> shaped = new LinkedHashMap<>();
    states.forEach((c, s) -> shaped.put(c, RolloutShaper.shape(s)));
    List<RenderedObject> out = new ArrayList<>();
    for (RenderedObject o : bundle.objects()) {
      if (o.component() != null && states.containsKey(o.component()) && strategies.get(o.component()).contains(o)) {
        List<RenderedObject> mine = shaped.remove(o.component());
        if (mine != null) {
          out.addAll(mine);
        }
      } else {
        out.add(o);
      }
    }
    out.sort(dev.slipway.engine.render.KindOrder.SYNC_ORDER);
    return new ApplicationBundle(bundle.environment(), bundle.application(), bundle.namespace(), List.copyOf(out));
  }

  /**
   * A component without a stored state that already runs (the state was deleted, the cluster was
   * synced by an older Slipway, or the component had no strategy until now): steady on what its
   * live Service sends traffic to, so the next revision rolls out from it instead of replacing it
   * at once. A component that had no strategy yet has a plain Deployment named after it: that is
   * the stable revision ({@link RolloutShaper#LEGACY}) until the first rollout switches away from it.
   */
  private static RolloutState adopt(ClusterClient client, ApplicationBundle bundle, String component, List<ObjectNode> release, Clock clock) {
    String ns = bundle.namespace();
    JsonNode service = client.get("v1", "Service", ns, component);
    String revision = service == null ? "" : service.path("spec").path("selector").path(RolloutShaper.REVISION).asText("");
    JsonNode running = revision.isEmpty() ? client.get("apps/v1", "Deployment", ns, component)
        : client.get("apps/v1", "Deployment", ns, component + "-" + revision);
    if (running == null || (revision.isEmpty() && running.path("metadata").path("labels").has(RolloutShaper.REVISION))) {
      return null;
    }
    if (!(dev.slipway.engine.sync.DiffPlanner.lastApplied(running) instanceof ObjectNode appliedDeployment)) {
      return null;
    }
    List<ObjectNode> objects = new ArrayList<>();
    objects.add(appliedDeployment);
    release.stream().filter(o -> !o.path("kind").asText().equals("Deployment")).forEach(objects::add);
    String rev = revision.isEmpty() ? RolloutShaper.LEGACY : revision;
    return RolloutState.steady(component, kindOf(component, objects.stream().map(RolloutShaper::rendered).toList()).id(), rev, objects,
        clock.instant());
  }

}
