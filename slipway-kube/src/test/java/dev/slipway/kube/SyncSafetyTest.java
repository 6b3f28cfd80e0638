package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.kube.HistoryStore.Revision;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attacks on sync that must not lose data or leave the outcome: controller-made claims, copies
 * that keep Slipway's labels, failed deletes, lost responses, damaged history. Against fabric8's
 * mock API server with faults injected in front of it; request counts are the server's.
 */
class SyncSafetyTest extends dev.slipway.kube.MockClusterTest {
  static final SyncExecutor.Options SYNC = new SyncExecutor.Options(false, false, false, Duration.ofSeconds(10), Duration.ofMillis(50));
  static final SyncExecutor.Options PRUNE = new SyncExecutor.Options(false, true, false, Duration.ofSeconds(10), Duration.ofMillis(50));
  static final SyncExecutor.Options PRUNE_VOLUMES = new SyncExecutor.Options(false, true, true, Duration.ofSeconds(10), Duration.ofMillis(50));


  SyncExecutor executor() {
    return new SyncExecutor(new ClusterClient(client, 3, 10), Clock.systemUTC());
  }

  /** The claim the StatefulSet controller makes from the database's template: the template's labels, no annotations. */
  void controllerCreatesTheDatabaseClaim() {
    client.persistentVolumeClaims().inNamespace("proyecto06").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
        .withName("data-database-0").withNamespace("proyecto06").withLabels(Map.of("slipway.dev/environment", "dev",
            "slipway.dev/application", "proyecto06", "app.kubernetes.io/managed-by", "slipway", "app.kubernetes.io/name", "database"))
        .endMetadata().build()).create();
  }

  static ApplicationBundle without(ApplicationBundle full, String component) {
    List<RenderedObject> objects = new ArrayList<>(full.objects());
    objects.removeIf(o -> component.equals(o.component()));
    return new ApplicationBundle(full.environment(), full.application(), full.namespace(), objects);
  }

  @Test
  void aStatefulSetsOwnClaimIsNeitherExtraNorPrunedEvenWithPruneVolumes() {
    ApplicationBundle b = SyncExecutorMockTest.bundle("proyecto06");
    assertThat(executor().sync("dev", b, SYNC, m -> { }).succeeded()).isTrue();
    controllerCreatesTheDatabaseClaim();

    assertThat(executor().diff("dev", b)).allSatisfy(d -> assertThat(d.state()).as(d.ref()).isEqualTo(SyncState.SYNCED));
    server.resetRequests();
    SyncExecutor.Outcome o = executor().sync("dev", b, PRUNE_VOLUMES, m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(server.count("DELETE", "")).isZero();
    assertThat(client.persistentVolumeClaims().inNamespace("proyecto06").withName("data-database-0").get()).isNotNull();
  }

  @Test
  void aClaimIsKeptWhenItsStatefulSetIsPrunedWithoutPruneVolumes() {
    ApplicationBundle full = SyncExecutorMockTest.bundle("proyecto06");
    assertThat(executor().sync("dev", full, SYNC, m -> { }).succeeded()).isTrue();
    controllerCreatesTheDatabaseClaim();
    SyncExecutor.Outcome o = executor().sync("dev", without(full, "database"), PRUNE, m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(o.steps()).anySatisfy(s -> assertThat(s.action() + " " + s.ref()).isEqualTo("pruned StatefulSet/proyecto06/database"));
    assertThat(o.steps()).anySatisfy(s -> {
      assertThat(s.action() + " " + s.ref()).isEqualTo("kept PersistentVolumeClaim/proyecto06/data-database-0");
      assertThat(s.detail()).contains("--prune-volumes");
    });
    assertThat(client.persistentVolumeClaims().inNamespace("proyecto06").withName("data-database-0").get()).isNotNull();
  }

  @Test
  void aClaimIsDeletedWithPruneVolumesOnlyAlongWithItsStatefulSet() {
    ApplicationBundle full = SyncExecutorMockTest.bundle("proyecto06");
    assertThat(executor().sync("dev", full, SYNC, m -> { }).succeeded()).isTrue();
    controllerCreatesTheDatabaseClaim();
    SyncExecutor.Outcome o = executor().sync("dev", without(full, "database"), PRUNE_VOLUMES, m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(client.apps().statefulSets().inNamespace("proyecto06").withName("database").get()).isNull();
    assertThat(client.persistentVolumeClaims().inNamespace("proyecto06").withName("data-database-0").get()).isNull();
    assertThat(server.count("DELETE", "/persistentvolumeclaims/data-database-0$")).isEqualTo(1);
  }

  @Test
  void aCopyThatKeepsSlipwaysLabelsAndAnnotationsIsNeverPruned() {
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    assertThat(executor().sync("dev", b, SYNC, m -> { }).succeeded()).isTrue();
    var web = client.apps().deployments().inNamespace("hello-world").withName("web").get();
    web.getMetadata().setName("web-canary");
    web.getMetadata().setResourceVersion(null);
    web.getMetadata().setUid(null);
    client.apps().deployments().inNamespace("hello-world").resource(web).create();

    SyncExecutor.Outcome o = executor().sync("dev", b, PRUNE, m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(o.steps()).noneMatch(s -> s.ref().contains("web-canary"));
    assertThat(client.apps().deployments().inNamespace("hello-world").withName("web-canary").get()).isNotNull();
  }

  @Test
  void aFailedPruneDeleteIsTheOutcomesFailureWithTheServersReason() {
    ApplicationBundle full = SyncExecutorMockTest.bundle("proyecto06");
    assertThat(executor().sync("dev", full, SYNC, m -> { }).succeeded()).isTrue();
    server.refuse("DELETE", "/deployments/frontend", 403, 10);
    SyncExecutor.Outcome o = executor().sync("dev", without(full, "frontend"), PRUNE, m -> { });
    assertThat(o.succeeded()).isFalse();
    assertThat(o.failure()).contains("prune of Deployment/proyecto06/frontend failed").contains("HTTP 403");
    assertThat(o.steps()).anySatisfy(s -> assertThat(s.action() + " " + s.ref()).isEqualTo("failed Deployment/proyecto06/frontend"));
    assertThat(server.count("DELETE", "/deployments/frontend")).as("a 403 is not retried").isEqualTo(1);
  }

  @Test
  void aCreateWhoseResponseWasLostIsReadBackAndUpdatedNotFailed() {
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    server.loseResponse("POST", "/namespaces/hello-world/deployments$", 500, 1);
    SyncExecutor.Outcome o = executor().sync("dev", b, SYNC, m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    // The retried create met AlreadyExists; the object was read and updated instead.
    assertThat(server.count("POST", "/namespaces/hello-world/deployments$")).isEqualTo(2);
    assertThat(server.count("GET", "/namespaces/hello-world/deployments/web$")).isGreaterThanOrEqualTo(1);
    assertThat(client.apps().deployments().inNamespace("hello-world").list().getItems()).hasSize(1);
    assertThat(executor().diff("dev", b)).allSatisfy(d -> assertThat(d.state()).as(d.ref()).isEqualTo(SyncState.SYNCED));
  }

  @Test
  void aCreateThatAnotherRunWonIsReadAndUpdated() {
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    // Another run creates the ConfigMap between this run's list and its create.
    JsonNode cm = b.objects().stream().filter(o -> o.kind().equals("ConfigMap")).findFirst().orElseThrow().body();
    ClusterClient racing = new ClusterClient(client, 3, 10) {
      boolean raced;

      @Override
      public JsonNode create(JsonNode obj) {
        if (!raced && obj.path("kind").asText().equals("ConfigMap")) {
          raced = true;
          ObjectNode other = cm.deepCopy();
          other.with("data").put("someone", "else");
          super.create(other);
        }
        return super.create(obj);
      }
    };
    SyncExecutor.Outcome o = new SyncExecutor(racing, Clock.systemUTC()).sync("dev", b, SYNC, m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(executor().diff("dev", b)).allSatisfy(d -> assertThat(d.state()).as(d.ref()).isEqualTo(SyncState.SYNCED));
  }

  @Test
  void aLostResponseOnTheHistoryWriteDoesNotRecordTheRunTwice() {
    HistoryStore store = new HistoryStore(new ClusterClient(client, 3, 10));
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("hello-world")
        .endMetadata().build()).create();
    server.loseResponse("POST", "/namespaces/hello-world/configmaps$", 500, 1);
    store.record("dev", b, draft("run-1"));
    server.loseResponse("PUT", "/configmaps/slipway-history-dev-hello-world$", 503, 1);
    store.record("dev", b, draft("run-2"));
    List<Revision> revisions = store.list("dev", b);
    assertThat(revisions).extracting(Revision::id).containsExactly("run-1", "run-2");
    assertThat(revisions).extracting(Revision::number).containsExactly(1, 2);
  }

  static Revision draft(String id) {
    return new Revision(0, "2026-11-29T10:00:00Z", "ana", "c1", false, List.of(), "h", List.of(), "Succeeded", 1, 0, id);
  }

  @Test
  void aDamagedHistoryIsReportedSkippedAndKeptAsItWas() {
    HistoryStore store = new HistoryStore(new ClusterClient(client, 3, 10));
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    client.configMaps().inNamespace("hello-world").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("slipway-history-dev-hello-world").withNamespace("hello-world").endMetadata()
        .withData(Map.of("revisions.json", "[{")).build()).create();
    HistoryStore.History h = store.read("dev", b);
    assertThat(h.revisions()).isEmpty();
    assertThat(h.problem()).contains("unreadable revisions.json");

    Revision r = store.record("dev", b, draft("run-1"));
    assertThat(r.number()).isEqualTo(1);
    var cm = client.configMaps().inNamespace("hello-world").withName("slipway-history-dev-hello-world").get();
    assertThat(cm.getData()).containsEntry("revisions.unreadable.json", "[{");
    assertThat(store.read("dev", b).problem()).isNull();
  }

  @Test
  void oneDamagedRecordIsSkippedAndTheOthersRead() {
    HistoryStore store = new HistoryStore(new ClusterClient(client, 3, 10));
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    client.configMaps().inNamespace("hello-world").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("slipway-history-dev-hello-world").withNamespace("hello-world").endMetadata()
        .withData(Map.of("revisions.json", "[{\"number\":1,\"result\":\"Succeeded\",\"hash\":\"h\"}, 42, {\"number\":\"two\"},"
            + " {\"number\":3,\"result\":\"Succeeded\",\"hash\":\"h\"}]")).build()).create();
    HistoryStore.History h = store.read("dev", b);
    assertThat(h.revisions()).extracting(Revision::number).containsExactly(1, 3);
    assertThat(h.problem()).contains("2 unreadable record(s) skipped");
  }

  @Test
  void aRollbackThatNeverCompletedIsMarkedInterruptedByTheNextRun() {
    HistoryStore store = new HistoryStore(new ClusterClient(client, 3, 10));
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    Revision running = new Revision(0, "2026-11-29T10:00:00Z", "ana", "c1", false, List.of(), "h", List.of(), HistoryStore.RUNNING, 0, 1,
        "killed");
    store.record("dev", b, running);
    assertThat(store.markInterrupted("dev", b, "test")).containsExactly(1);
    assertThat(store.list("dev", b).get(0).result()).startsWith("Interrupted");
    assertThat(store.markInterrupted("dev", b, "test")).isEmpty();
  }

  @Test
  void aNamespaceIsNeverPrunedBecauseDeletingItDeletesEverythingInIt() {
    ApplicationBundle full = SyncExecutorMockTest.bundle("proyecto06");
    assertThat(executor().sync("dev", full, SYNC, m -> { }).succeeded()).isTrue();
    controllerCreatesTheDatabaseClaim();
    List<RenderedObject> objects = new ArrayList<>(full.objects());
    objects.removeIf(o -> o.kind().equals("Namespace"));
    SyncExecutor.Outcome o = executor().sync("dev", new ApplicationBundle(full.environment(), full.application(), full.namespace(), objects),
        PRUNE_VOLUMES, m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(o.steps()).anySatisfy(s -> {
      assertThat(s.action() + " " + s.ref()).isEqualTo("not pruned Namespace/proyecto06");
      assertThat(s.detail()).contains("never pruned");
    });
    assertThat(server.count("DELETE", "/namespaces/proyecto06$")).isZero();
    assertThat(client.persistentVolumeClaims().inNamespace("proyecto06").withName("data-database-0").get()).isNotNull();
  }

  @Test
  void anObjectThatIsNotSlipwaysIsNeverTakenOverWhenACreateMeetsIt() {
    ApplicationBundle b = SyncExecutorMockTest.bundle("hello-world");
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("hello-world")
        .endMetadata().build()).create();
    JsonNode cm = b.objects().stream().filter(o -> o.kind().equals("ConfigMap")).findFirst().orElseThrow().body();
    String name = cm.path("metadata").path("name").asText();
    // Another team's ConfigMap of the same name, without Slipway's labels: invisible to the owned lists.
    client.configMaps().inNamespace("hello-world").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .withNamespace("hello-world").endMetadata().withData(Map.of("theirs", "yes")).build()).create();
    SyncExecutor.Outcome o = executor().sync("dev", b, SYNC, m -> { });
    assertThat(o.succeeded()).isFalse();
    assertThat(o.failure()).contains("already exists and is not Slipway's");
    assertThat(client.configMaps().inNamespace("hello-world").withName(name).get().getData()).containsEntry("theirs", "yes");
  }

  @Test
  void anObjectRecreatedSinceItWasListedIsNotPruned() {
    ApplicationBundle full = SyncExecutorMockTest.bundle("proyecto06");
    assertThat(executor().sync("dev", full, SYNC, m -> { }).succeeded()).isTrue();
    SyncExecutor.Snapshot listed = executor().snapshot("dev");
    // Someone deletes the frontend and creates another object under its name, with Slipway's labels copied.
    var old = client.apps().deployments().inNamespace("proyecto06").withName("frontend").get();
    client.apps().deployments().inNamespace("proyecto06").withName("frontend").delete();
    old.getMetadata().setUid(null);
    old.getMetadata().setResourceVersion(null);
    old.getMetadata().setAnnotations(Map.of());
    client.apps().deployments().inNamespace("proyecto06").resource(old).create();
    SyncExecutor.Outcome o = executor().sync("dev", without(full, "frontend"), PRUNE, m -> { }, listed);
    assertThat(o.steps()).anySatisfy(s -> assertThat(s.action() + " " + s.ref()).isEqualTo("not pruned Deployment/proyecto06/frontend"));
    assertThat(client.apps().deployments().inNamespace("proyecto06").withName("frontend").get()).isNotNull();
  }

  @Test
  void aLockThatCouldNotBeRenewedCountsAsLostBeforeItsLeaseExpires() {
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
        java.time.Instant.parse("2026-11-29T10:00:00Z"));
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return now.get();
      }
    };
    try (EnvironmentLock lock = EnvironmentLock.acquire(new ClusterClient(client, 3, 10), "dev", "me", Duration.ZERO, clock)) {
      assertThat(lock.lost()).isNull();
      now.set(now.get().plusSeconds(50));
      assertThat(lock.lost()).contains("could not be renewed");
    }
  }
}
