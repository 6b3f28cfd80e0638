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
    return objects.stream().anyMatch(o -> o.kind().equals("Service") && o.name().equals(RolloutShaper.preview(component)))
        ? Kind.BLUE_GREEN : Kind.CANARY;
  }

  /**
   * The bundle as the components' rollouts want it. {@code record}: store the transitions (a real
   * sync); otherwise only compute them (diff, dry run, status).
   */
  public static ApplicationBundle prepare(ClusterClient client, Clock clock, String environment, ApplicationBundle bundle, boolean record) {
    Map<String, List<RenderedObject>> strategies = strategyObjects(bundle);
    if (strategies.isEmpty() || bundle.namespace() == null) {
      return bundle;
    }
    RolloutStore store = new RolloutStore(client);
    List<RenderedObject> out = new ArrayList<>();
    Map<String, List<RenderedObject>> shaped = new LinkedHashMap<>();
    for (var e : strategies.entrySet()) {
      String c = e.getKey();
      RenderedObject deployment = e.getValue().stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow();
      String revision = deployment.body().path("metadata").path("labels").path(RolloutShaper.REVISION).asText();
      List<ObjectNode> release = e.getValue().stream().map(RenderedObject::body).toList();
      RolloutStore.Stored stored = store.read(bundle.namespace(), c);
      RolloutState state = stored.state();
      if (state == null) {
        state = adopt(client, bundle, c, release, clock);
      }
      RolloutState next = RolloutMachine.release(state, kindOf(c, e.getValue()), c, revision, release, clock.instant());
      if (record && !next.equals(stored.state())) {
        store.write(environment, bundle.application(), bundle.namespace(), next, stored.resourceVersion());
      }
      shaped.put(c, RolloutShaper.shape(next));
    }
    for (RenderedObject o : bundle.objects()) {
      if (o.component() != null && strategies.containsKey(o.component()) && strategies.get(o.component()).contains(o)) {
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
   * A component without a stored state that already runs a revision of its Deployment (the state
   * was deleted, or the cluster was synced by an older Slipway): steady on what runs, so the next
   * revision rolls out from it instead of replacing it at once.
   */
  private static RolloutState adopt(ClusterClient client, ApplicationBundle bundle, String component, List<ObjectNode> release, Clock clock) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.APPLICATION, bundle.application());
    labels.put(Labels.COMPONENT, component);
    List<JsonNode> live = client.list("apps/v1", "Deployment", bundle.namespace(), labels);
    JsonNode running = live.stream().filter(d -> d.path("metadata").path("labels").has(RolloutShaper.REVISION))
        .filter(d -> d.path("status").path("readyReplicas").asInt(0) > 0)
        .max(java.util.Comparator.comparing(d -> d.path("metadata").path("creationTimestamp").asText())).orElse(null);
    if (running == null) {
      return null;
    }
    JsonNode applied = dev.slipway.engine.sync.DiffPlanner.lastApplied(running);
    if (!(applied instanceof ObjectNode appliedDeployment)) {
      return null;
    }
    List<ObjectNode> objects = new ArrayList<>();
    release.stream().filter(o -> !o.path("kind").asText().equals("Deployment")).forEach(objects::add);
    objects.add(0, appliedDeployment);
    String rev = running.path("metadata").path("labels").path(RolloutShaper.REVISION).asText();
    return RolloutState.steady(component, kindOf(component, objects.stream().map(RolloutShaper::rendered).toList()).id(), rev, objects,
        clock.instant());
  }
}
