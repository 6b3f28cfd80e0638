package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sync against fabric8's mock API server in CRUD mode (no real cluster can run here). A small
 * fake controller sets status where a real one would, so waves can become healthy. Request and
 * write counts are the server's (the controller's own requests are not counted).
 */
class SyncExecutorMockTest {
  FaultyApiServer server;
  KubernetesClient client;
  private FakeController controller;

  @org.junit.jupiter.api.BeforeEach
  void startServer() {
    server = new FaultyApiServer();
    client = server.client();
  }

  /** Writes the server received from the code under test. */
  long serverWrites() {
    return server.count("POST", "") + server.count("PUT", "") + server.count("PATCH", "") + server.count("DELETE", "");
  }

  static final SyncExecutor.Options SYNC = new SyncExecutor.Options(false, false, false, Duration.ofSeconds(10), Duration.ofMillis(50));
  static final SyncExecutor.Options PRUNE = new SyncExecutor.Options(false, true, false, Duration.ofSeconds(10), Duration.ofMillis(50));

  static ApplicationBundle bundle(String app) {
    var plan = new Planner().plan(Workspace.load(Path.of("..", "examples", "acme")), new Planner.Scope(Set.of("dev"), Set.of(app)));
    return plan.environments().get(0).applications().get(0).bundle();
  }

  SyncExecutor executor() {
    return new SyncExecutor(new ClusterClient(client, 3, 10), Clock.systemUTC());
  }

  /** Marks workloads available, ingresses addressed and add-on resources ready, as controllers do. */
  void startController() {
    controller = FakeController.start(server.controllerClient());
  }

  @AfterEach
  void stopController() {
    try {
      if (controller != null) {
        controller.close();
      }
    } finally {
      server.close();
    }
  }

  @Test
  void firstSyncCreatesEverythingAndTheSecondWritesNothing() {
    startController();
    ApplicationBundle b = bundle("proyecto06");
    SyncExecutor.Outcome first = executor().sync("dev", b, SYNC, m -> { });
    assertThat(first.succeeded()).as(first.failure()).isTrue();
    assertThat(server.count("POST", "")).as("one create per object, counted by the server").isEqualTo(b.objects().size());
    assertThat(serverWrites()).isEqualTo(b.objects().size()).isEqualTo(first.writes());
    server.resetRequests();
    SyncExecutor.Outcome second = executor().sync("dev", b, SYNC, m -> { });
    assertThat(second.succeeded()).isTrue();
    assertThat(serverWrites()).as("the server received no write").isZero();
    assertThat(second.steps()).allSatisfy(s -> assertThat(s.action()).isEqualTo("unchanged"));
  }

  @Test
  void anEnvironmentSnapshotSeesWhatPerApplicationListsSeeWithOneListPerKind() {
    startController();
    var plan = new Planner().plan(Workspace.load(Path.of("..", "examples", "acme")), new Planner.Scope(Set.of("dev"), Set.of()));
    List<ApplicationBundle> bundles = new ArrayList<>();
    bundles.add(new ApplicationBundle("dev", SyncExecutor.CLUSTER, null, plan.environments().get(0).clusterObjects()));
    plan.environments().get(0).applications().forEach(a -> bundles.add(a.bundle()));
    SyncExecutor.Snapshot before = executor().snapshot("dev");
    for (ApplicationBundle b : bundles) {
      SyncExecutor.Outcome o = executor().sync("dev", b, SYNC, m -> { }, before);
      assertThat(o.succeeded()).as(b.application() + ": " + o.failure()).isTrue();
    }
    server.resetRequests();
    SyncExecutor.Snapshot after = executor().snapshot("dev");
    long kinds = SyncExecutor.OWNED_KINDS.size() + 2; // the application kinds, plus NodePool and EC2NodeClass
    assertThat(server.count("GET", "")).as("one list per kind for the whole environment, counted by the server").isEqualTo(kinds);
    assertThat(server.requests()).allSatisfy(r -> assertThat(r).startsWith("GET ").contains("labelSelector="));
    for (ApplicationBundle b : bundles) {
      assertThat(after.of(b)).as(b.application()).hasSameSizeAs(executor().owned("dev", b)).hasSize(b.objects().size());
    }
    server.resetRequests();
    for (ApplicationBundle b : bundles) {
      executor().sync("dev", b, SYNC, m -> { }, after);
    }
    assertThat(serverWrites()).as("a re-sync from the snapshot writes nothing").isZero();
    assertThat(server.count("GET", "labelSelector=")).as("and lists nothing again").isZero();
  }

  @Test
  void detectsAnOutOfBandEditAndCorrectsIt() {
    startController();
    ApplicationBundle b = bundle("hello-world");
    assertThat(executor().sync("dev", b, SYNC, m -> { }).succeeded()).isTrue();
    var ctx = ClusterClient.context("apps/v1", "Deployment");
    GenericKubernetesResource d = client.genericKubernetesResources(ctx).inNamespace("hello-world").withName("web").get();
    @SuppressWarnings("unchecked")
    var containers = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
        d.getAdditionalProperties().get("spec")).get("template")).get("spec")).get("containers");
    containers.get(0).put("image", "nginx:hacked");
    client.genericKubernetesResources(ctx).inNamespace("hello-world").resource(d).update();

    assertThat(executor().diff("dev", b)).filteredOn(x -> x.state() == SyncState.OUT_OF_SYNC).singleElement()
        .satisfies(x -> assertThat(x.diff()).contains("nginx:hacked"));
    SyncExecutor.Outcome fix = executor().sync("dev", b, SYNC, m -> { });
    assertThat(fix.writes()).isEqualTo(1);
    JsonNode live = new ClusterClient(client).get("apps/v1", "Deployment", "hello-world", "web");
    assertThat(live.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("docker.io/nginxinc/nginx-unprivileged:1.27-alpine");
  }

  @Test
  void retriesA409ConflictByRereadingAndKeepsTheOtherWritersChange() {
    startController();
    ApplicationBundle b = bundle("hello-world");
    assertThat(executor().sync("dev", b, SYNC, m -> { }).succeeded()).isTrue();
    var ctx = ClusterClient.context("apps/v1", "Deployment");
    client.apps().deployments().inNamespace("hello-world").withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:hacked");
      return d;
    });
    int[] updates = {0};
    ClusterClient racing = new ClusterClient(client, 3, 10) {
      @Override
      public JsonNode update(JsonNode obj) {
        if (updates[0]++ == 0) {
          // Someone else writes between Slipway's read and its update: the update is stale.
          client.genericKubernetesResources(ctx).inNamespace("hello-world").withName("web").edit(d -> {
            d.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("someone.example/note", "kept")));
            return d;
          });
        }
        return super.update(obj);
      }
    };
    SyncExecutor.Outcome o = new SyncExecutor(racing, Clock.systemUTC()).sync("dev", b, SYNC, m -> { });

    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(updates[0]).as("the first update met a 409 and was retried").isEqualTo(2);
    JsonNode live = new ClusterClient(client).get("apps/v1", "Deployment", "hello-world", "web");
    assertThat(live.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("docker.io/nginxinc/nginx-unprivileged:1.27-alpine");
    assertThat(live.at("/metadata/annotations/someone.example~1note").asText()).isEqualTo("kept");
  }

  @Test
  void prunesRemovedComponentsOnlyWhenAsked() {
    startController();
    ApplicationBundle full = bundle("proyecto06");
    assertThat(executor().sync("dev", full, SYNC, m -> { }).succeeded()).isTrue();
    List<RenderedObject> without = new ArrayList<>(full.objects());
    without.removeIf(o -> "frontend".equals(o.component()));
    ApplicationBundle smaller = new ApplicationBundle(full.environment(), full.application(), full.namespace(), without);

    SyncExecutor.Outcome kept = executor().sync("dev", smaller, SYNC, m -> { });
    assertThat(kept.steps()).anySatisfy(s -> assertThat(s.action()).isEqualTo("not pruned"));
    assertThat(new ClusterClient(client).get("apps/v1", "Deployment", "proyecto06", "frontend")).isNotNull();

    SyncExecutor.Outcome pruned = executor().sync("dev", smaller, PRUNE, m -> { });
    assertThat(pruned.steps()).anySatisfy(s -> assertThat(s.ref()).isEqualTo("Deployment/proyecto06/frontend")
        .satisfies(x -> assertThat(s.action()).isEqualTo("pruned")));
    assertThat(new ClusterClient(client).get("apps/v1", "Deployment", "proyecto06", "frontend")).isNull();
  }

  @Test
  void neverPrunesAfterAFailedApply() {
    startController();
    ApplicationBundle full = bundle("proyecto06");
    assertThat(executor().sync("dev", full, SYNC, m -> { }).succeeded()).isTrue();
    List<RenderedObject> changed = new ArrayList<>(full.objects());
    changed.removeIf(o -> "frontend".equals(o.component()));
    ApplicationBundle smaller = new ApplicationBundle(full.environment(), full.application(), full.namespace(), changed);
    // Someone else deleted the namespace's service account, and creating it is refused.
    new ClusterClient(client).delete(new ClusterClient(client).get("v1", "ServiceAccount", "proyecto06", "backend"));
    ClusterClient refusing = new ClusterClient(client, 1, 1) {
      @Override
      public JsonNode create(JsonNode obj) {
        throw new KubernetesClientException("forbidden", 403, null);
      }
    };
    SyncExecutor.Outcome o = new SyncExecutor(refusing, Clock.systemUTC()).sync("dev", smaller, PRUNE, m -> { });
    assertThat(o.succeeded()).isFalse();
    assertThat(o.failure()).contains("create of ServiceAccount/proyecto06/backend failed").contains("HTTP 403");
    assertThat(o.steps()).noneMatch(s -> s.action().equals("pruned"));
    assertThat(new ClusterClient(client).get("apps/v1", "Deployment", "proyecto06", "frontend")).isNotNull();
  }

  @Test
  void stopsAtAnUnhealthyWaveAndSaysWhich() {
    ApplicationBundle b = bundle("proyecto06");
    // Long enough to apply wave 0 on a loaded machine (300 ms was not, in a full build beside other
    // work); nothing makes the wave healthy, so the timeout ends the sync there.
    var quick = new SyncExecutor.Options(false, false, false, Duration.ofSeconds(3), Duration.ofMillis(50));
    SyncExecutor.Outcome o = executor().sync("dev", b, quick, m -> { });
    assertThat(o.succeeded()).isFalse();
    assertThat(o.failure()).contains("wave 0 not healthy within the sync's timeout of 3s").contains("is Progressing");
    // The next wave was not applied.
    assertThat(new ClusterClient(client).get("apps/v1", "Deployment", "proyecto06", "backend")).isNull();
  }

  @Test
  void destroysInTeardownOrderAndKeepsDataUnlessAsked() {
    startController();
    ApplicationBundle b = bundle("proyecto06");
    assertThat(executor().sync("dev", b, SYNC, m -> { }).succeeded()).isTrue();
    // The StatefulSet controller would create the claim from the template, with its labels.
    var pvc = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata().withName("data-database-0")
        .withNamespace("proyecto06").withLabels(Map.of("slipway.dev/environment", "dev", "slipway.dev/application", "proyecto06",
            "app.kubernetes.io/managed-by", "slipway")).endMetadata().build();
    client.persistentVolumeClaims().inNamespace("proyecto06").resource(pvc).create();

    List<String> order = new ArrayList<>();
    SyncExecutor.Outcome kept = executor().destroy("dev", b, false, false, order::add);
    assertThat(order.get(0)).startsWith("delete Ingress/");
    assertThat(order.indexOf("delete Service/proyecto06/backend")).isLessThan(order.indexOf("delete Deployment/proyecto06/backend"));
    assertThat(order.indexOf("delete Deployment/proyecto06/backend")).isLessThan(order.indexOf("delete ConfigMap/proyecto06/backend-env"));
    assertThat(kept.steps()).anySatisfy(s -> assertThat(s.action() + " " + s.ref()).isEqualTo("kept PersistentVolumeClaim/proyecto06/data-database-0"));
    assertThat(client.persistentVolumeClaims().inNamespace("proyecto06").withName("data-database-0").get()).isNotNull();
    assertThat(new ClusterClient(client).get("apps/v1", "Deployment", "proyecto06", "backend")).isNull();

    executor().destroy("dev", b, true, false, m -> { });
    assertThat(client.persistentVolumeClaims().inNamespace("proyecto06").withName("data-database-0").get()).isNull();
  }

  @Test
  void dryRunWritesNothing() {
    ApplicationBundle b = bundle("hello-world");
    var dry = new SyncExecutor.Options(true, true, false, Duration.ofSeconds(1), Duration.ofMillis(50));
    SyncExecutor.Outcome o = executor().sync("dev", b, dry, m -> { });
    assertThat(o.writes()).isZero();
    assertThat(o.steps()).allSatisfy(s -> assertThat(s.action()).startsWith("would"));
    assertThat(new ClusterClient(client).get("apps/v1", "Deployment", "hello-world", "web")).isNull();
  }
}
