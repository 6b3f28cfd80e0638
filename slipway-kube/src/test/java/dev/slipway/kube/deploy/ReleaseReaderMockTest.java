package dev.slipway.kube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.promote.Candidates;
import dev.slipway.engine.promote.Gate;
import dev.slipway.engine.promote.PromotionGates;
import dev.slipway.engine.promote.PromotionRoute;
import dev.slipway.engine.promote.SourceObservation;
import dev.slipway.engine.promote.TargetCheck;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.FakeController;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ReleaseSpec;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a promotion reads from the source's cluster, against fabric8's mock API server in CRUD mode
 * (a fake controller sets status as Kubernetes' would): the soak from the recorded history, the
 * digests pods report, and pins.
 */
@EnableKubernetesMockClient(crud = true)
class ReleaseReaderMockTest {
  static final String IMAGE = "docker.io/nginxinc/nginx-unprivileged:1.27-alpine";
  KubernetesClient client;
  FakeController controller;
  @TempDir
  Path tmp;
  Workspace ws;
  ApplicationBundle bundle;
  ClusterClient cluster;

  @BeforeEach
  void start() throws Exception {
    controller = FakeController.start(client);
    Path dir = tmp.resolve("acme");
    DeployerMockTest.copy(DeployerMockTest.acme(), dir);
    Path yaml = dir.resolve("slipway.yaml");
    Files.writeString(yaml, Files.readString(yaml).replace("promotion: {from: dev}", "promotion: {from: dev, soak: 30m}"));
    ws = Workspace.load(dir);
    cluster = new ClusterClient(client);
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  private ReleaseReader reader() {
    return new ReleaseReader(cluster, new SyncExecutor(cluster, Clock.systemUTC()));
  }

  /** Syncs hello-world in dev, as slipway sync does: its history gets a revision. */
  private HistoryStore.Revision syncDev() {
    EnvironmentPlan e = new Planner().plan(ws, new Planner.Scope(Set.of("dev"), Set.of("hello-world"))).environments().get(0);
    bundle = Deployer.bundles(e, true).get(0);
    SyncReport report = new Deployer(cluster, Clock.systemUTC()).as("ci").sync(e, List.of(bundle), DeployerMockTest.SYNC,
        new Provenance("c0ffee", false, List.of()), 0);
    assertThat(report.succeeded()).isTrue();
    return new HistoryStore(cluster).list("dev", bundle).get(0);
  }

  private Gate soak(SourceObservation observed, Instant now) {
    ReleaseSpec candidate = Candidates.take("hello-world", "dev", Map.of("web", IMAGE), Map.of(), "c0ffee", HistoryStore.hash(bundle),
        now.toString(), "dev");
    PromotionGates.Report r = PromotionGates.evaluate(new PromotionGates.Input(PromotionRoute.to(ws.platform(), "staging", null), candidate,
        new TargetCheck(true, 0, 0, 0, false, List.of()), observed, null, "dev", null, null, false, now));
    return r.gates().stream().filter(g -> g.name().equals("soak")).findFirst().orElseThrow();
  }

  @Test
  void soakIsReadFromTheSourcesHistoryAndStatus() {
    HistoryStore.Revision synced = syncDev();
    SourceObservation observed = reader().observe("dev", bundle);
    assertThat(observed.unreadable()).isNull();
    assertThat(observed.sync()).isEqualTo("Synced");
    assertThat(observed.health()).isEqualTo("Healthy");
    assertThat(observed.revisions()).singleElement().satisfies(r -> {
      assertThat(r.hash()).isEqualTo(HistoryStore.hash(bundle));
      assertThat(r.commit()).isEqualTo("c0ffee");
    });
    Instant at = Instant.parse(synced.time());
    Gate early = soak(observed, at.plus(Duration.ofMinutes(10)));
    assertThat(early.passed()).isFalse();
    assertThat(early.reason()).contains("for 10m0s of 30m; passes at " + at.plus(Duration.ofMinutes(30)));
    assertThat(soak(observed, at.plus(Duration.ofMinutes(31))).passed()).isTrue();
  }

  @Test
  void driftInTheSourceFailsTheSoak() {
    HistoryStore.Revision synced = syncDev();
    client.apps().deployments().inNamespace("hello-world").withName("web")
        .edit(d -> { d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:1"); return d; });
    Gate g = soak(reader().observe("dev", bundle), Instant.parse(synced.time()).plus(Duration.ofHours(1)));
    assertThat(g.passed()).isFalse();
    assertThat(g.reason()).contains("hello-world in dev is OutOfSync");
  }

  @Test
  void anUnreadableHistoryFailsTheSoakClosedNamingWhy() {
    HistoryStore.Revision synced = syncDev();
    client.configMaps().inNamespace("hello-world").withName("slipway-history-dev-hello-world")
        .edit(cm -> { cm.getData().put("revisions.json", "{not json"); return cm; });
    SourceObservation observed = reader().observe("dev", bundle);
    assertThat(observed.unreadable()).contains("unreadable revisions.json");
    Gate g = soak(observed, Instant.parse(synced.time()).plus(Duration.ofHours(1)));
    assertThat(g.passed()).isFalse();
    assertThat(g.reason()).contains("cannot read hello-world in dev").contains("fail closed");
  }

  private void pod(String name, String image, String imageId) {
    client.pods().inNamespace("hello-world").resource(new PodBuilder().withNewMetadata().withName(name).withNamespace("hello-world")
        .withLabels(Map.of("slipway.dev/environment", "dev", "slipway.dev/application", "hello-world", "slipway.dev/component", "web"))
        .endMetadata().withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec()
        .withNewStatus().addNewContainerStatus().withName("web").withImage(image).withImageID(imageId).endContainerStatus().endStatus()
        .build()).create();
  }

  @Test
  void digestsComeFromThePodsImageIdsOnlyWhenThePodsAgree() {
    syncDev();
    SortedMap<String, String> notes = new TreeMap<>();
    assertThat(reader().digests("dev", bundle, Map.of("web", IMAGE), notes)).isEmpty();
    assertThat(notes.get("web")).isEqualTo("digest unknown: no running pod reports an image ID");
    String a = "sha256:" + "a".repeat(64);
    pod("web-0", "docker.io/nginxinc/nginx-unprivileged:1.26-alpine", "docker.io/nginxinc/nginx-unprivileged@sha256:" + "0".repeat(64));
    notes.clear();
    assertThat(reader().digests("dev", bundle, Map.of("web", IMAGE), notes)).as("an older tag's digest is not this tag's").isEmpty();
    assertThat(notes.get("web")).startsWith("digest unknown: no running pod runs " + IMAGE);
    pod("web-1", "nginxinc/nginx-unprivileged:1.27-alpine", "docker-pullable://docker.io/nginxinc/nginx-unprivileged@" + a);
    pod("web-2", "old:1", "docker.io/library/old@sha256:" + "0".repeat(64));
    notes.clear();
    assertThat(reader().digests("dev", bundle, Map.of("web", IMAGE), notes)).containsEntry("web", a);
    pod("web-3", IMAGE, "docker.io/nginxinc/nginx-unprivileged@sha256:" + "b".repeat(64));
    assertThat(reader().digests("dev", bundle, Map.of("web", IMAGE), notes)).isEmpty();
    assertThat(notes.get("web")).contains("2 different digests");
  }

  @Test
  void aRollbackPinsUntilUnpinnedAndARecordedPinNamesWhoMadeIt() {
    syncDev();
    HistoryStore store = new HistoryStore(cluster);
    assertThat(reader().pin("dev", bundle)).isNull();
    store.record("dev", bundle, new HistoryStore.Revision(0, "2026-11-30T10:00:00Z", "ops@acme.example", "c0ffee", false, List.of(), "h",
        List.of(), "Succeeded", 1, 1));
    assertThat(reader().pin("dev", bundle)).isEqualTo(new PromotionGates.Pin(2, "ops@acme.example"));
    assertThat(reader().unpin("dev", bundle)).isEqualTo(new PromotionGates.Pin(2, "ops@acme.example"));
    assertThat(reader().pin("dev", bundle)).as("an unpinned rollback does not pin again").isNull();
    store.setControls("dev", bundle, new HistoryStore.Controls(1, false, 2));
    assertThat(reader().pin("dev", bundle)).isEqualTo(new PromotionGates.Pin(1, "ci"));
  }
}
