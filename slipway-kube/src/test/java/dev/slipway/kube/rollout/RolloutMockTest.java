package dev.slipway.kube.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.rollout.RolloutMachine;
import dev.slipway.engine.rollout.RolloutShaper;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.FakeController;
import dev.slipway.kube.FaultyApiServer;
import dev.slipway.kube.PrometheusClient;
import dev.slipway.kube.RateLimiter;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.Deployer;
import dev.slipway.kube.deploy.Provenance;
import dev.slipway.kube.deploy.SyncReport;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ComponentSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blue/green and canary rollouts of acme's hello-world against fabric8's mock API server, with a
 * fake controller making Deployments ready: started by a sync, moved on by the driver, decided by
 * commands, resumed by a fresh driver (a restarted server or another CLI).
 */
class RolloutMockTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final SyncExecutor.Options SYNC = new SyncExecutor.Options(false, true, false, Duration.ofSeconds(20), Duration.ofMillis(50));
  static final String NS = "hello-world";

  @TempDir
  Path tmp;

  FaultyApiServer server;
  KubernetesClient client;
  FakeController controller;

  @BeforeEach
  void start() {
    server = new FaultyApiServer();
    client = server.client();
    controller = FakeController.start(server.controllerClient());
  }

  @AfterEach
  void stop() {
    controller.close();
    server.close();
  }

  ClusterClient cluster() {
    return new ClusterClient(client, new ClusterClient.RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(1)),
        new RateLimiter(10_000, 10_000));
  }

  /** acme with hello-world's web given {@code strategy} and image tag {@code tag}. */
  Path acme(String name, String strategy, String tag) throws IOException {
    Path dir = tmp.resolve(name);
    Path from = Path.of("..", "examples", "acme");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(p);
        if (rel.startsWith("out")) {
          continue;
        }
        Path to = dir.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:" + tag)
        .replace("      ingress: {path: /}\n", "      ingress: {path: /}\n      strategy: " + strategy + "\n"));
    return dir;
  }

  static EnvironmentPlan plan(Path dir) {
    var p = new Planner().plan(Workspace.load(dir), new Planner.Scope(Set.of("dev"), Set.of("hello-world")));
    assertThat(p.hasSpecErrors()).as("%s", p.specDiagnostics()).isFalse();
    return p.environments().get(0);
  }

  SyncReport sync(Path dir) {
    SyncReport r = new Deployer(cluster(), Clock.systemUTC()).as("tester").syncApplication(plan(dir), "hello-world", SYNC,
        Provenance.outsideGit(java.util.List.of()));
    return r;
  }

  RolloutDriver.Target target(Path dir) {
    EnvironmentPlan e = plan(dir);
    ComponentSpec web = e.applications().get(0).resolved().components().stream().filter(c -> c.name().equals("web")).findFirst().orElseThrow();
    return new RolloutDriver.Target("dev", "hello-world", NS, "web", web.strategy(), e.environment().analysis(), null);
  }

  RolloutDriver driver() {
    return new RolloutDriver(cluster(), new PrometheusClient(Duration.ofSeconds(2)), Clock.systemUTC());
  }

  JsonNode get(String kind, String name) {
    return cluster().get(kind.equals("Deployment") ? "apps/v1" : kind.equals("Ingress") ? "networking.k8s.io/v1" : "v1", kind, NS, name);
  }

  String selected(String service) {
    return get("Service", service).path("spec").path("selector").path(RolloutShaper.REVISION).asText();
  }

  String revisionOf(Path dir) {
    return plan(dir).applications().get(0).bundle().objects().stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow()
        .body().path("metadata").path("labels").path(RolloutShaper.REVISION).asText();
  }

  /** Ticks until the state satisfies {@code done}. */
  RolloutState tickUntil(RolloutDriver d, RolloutDriver.Target t, java.util.function.Predicate<RolloutState> done) {
    RolloutState[] last = new RolloutState[1];
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
      last[0] = d.tick(t).state();
      return done.test(last[0]);
    });
    return last[0];
  }

  @Test
  void blueGreenStartsOnSyncSwitchesWhenThePreviewIsReadyAndUndoSwitchesBackAtOnce() throws Exception {
    Path v1 = acme("v1", "{type: blueGreen, scaleDownDelay: 1h}", "1.27-alpine");
    Path v2 = acme("v2", "{type: blueGreen, scaleDownDelay: 1h}", "1.28-alpine");
    String r1 = revisionOf(v1);
    String r2 = revisionOf(v2);
    assertThat(sync(v1).failure()).isNull();
    assertThat(selected("web")).isEqualTo(r1);
    assertThat(get("Deployment", "web-" + r1)).isNotNull();

    SyncReport second = sync(v2);
    assertThat(second.failure()).isNull();
    // The new revision runs beside the live one; the live Service still selects the old one.
    assertThat(get("Deployment", "web-" + r1)).isNotNull();
    assertThat(get("Deployment", "web-" + r2)).isNotNull();
    assertThat(selected("web")).isEqualTo(r1);
    assertThat(selected("web-preview")).isEqualTo(r2);
    assertThat(get("Ingress", "web-preview").path("spec").path("rules").get(0).path("host").asText()).startsWith("hello-world-preview.")
        .as("preview host");
    // A diff during the rollout compares with what the rollout wants: nothing is out of sync.
    var diffs = new SyncExecutor(cluster(), Clock.systemUTC()).diff("dev", plan(v2).applications().get(0).bundle());
    assertThat(diffs).allSatisfy(d -> assertThat(d.state()).as(d.ref()).isEqualTo(SyncState.SYNCED));

    RolloutDriver.Target t = target(v2);
    // A fresh driver, as after a restart, picks the rollout up from the cluster.
    RolloutState s = tickUntil(driver(), t, st -> st.phase() == Phase.STABLE);
    assertThat(s.stable()).isEqualTo(r2);
    assertThat(s.previous()).isEqualTo(r1);
    assertThat(selected("web")).isEqualTo(r2);
    assertThat(get("Deployment", "web-" + r1).path("spec").path("replicas").asInt()).isEqualTo(1).as("previous stays scaled");

    RolloutState undone = driver().command(t, RolloutMachine.Command.UNDO, "ana").state();
    assertThat(undone.phase()).isEqualTo(Phase.ABORTED);
    assertThat(selected("web")).isEqualTo(r1);
    assertThat(get("Deployment", "web-" + r2).path("spec").path("replicas").asInt()).isZero();
    // Syncing the same files again does not undo the undo.
    assertThat(sync(v2).failure()).isNull();
    assertThat(selected("web")).isEqualTo(r1);
    assertThat(driver().state(t).phase()).isEqualTo(Phase.ABORTED);
  }

  @Test
  void canaryShiftsAlbWeightsStepByStepPausesUntilPromotedAndCompletes() throws Exception {
    String strategy = "{type: canary, steps: [{setWeight: 20}, {pause: {}}, {setWeight: 60}]}";
    Path v1 = acme("v1", strategy, "1.27-alpine");
    Path v2 = acme("v2", strategy, "1.28-alpine");
    String r1 = revisionOf(v1);
    String r2 = revisionOf(v2);
    sync(v1);
    assertThat(weights()).isEqualTo("web=100,web-canary=0");
    sync(v2);
    RolloutDriver.Target t = target(v2);
    RolloutState paused = tickUntil(driver(), t, st -> st.phase() == Phase.PAUSED);
    assertThat(paused.weight()).isEqualTo(20);
    assertThat(weights()).isEqualTo("web=80,web-canary=20");
    assertThat(selected("web")).isEqualTo(r1);
    assertThat(selected("web-canary")).isEqualTo(r2);

    driver().command(t, RolloutMachine.Command.PROMOTE, "ana");
    RolloutState done = tickUntil(driver(), t, st -> st.phase() == Phase.STABLE);
    assertThat(done.stable()).isEqualTo(r2);
    assertThat(selected("web")).isEqualTo(r2);
    assertThat(weights()).isEqualTo("web=100,web-canary=0");
  }

  @Test
  void canaryAbortSendsAllTrafficBackToStableAndScalesTheCanaryToZero() throws Exception {
    String strategy = "{type: canary, steps: [{setWeight: 40}, {pause: {}}]}";
    Path v1 = acme("v1", strategy, "1.27-alpine");
    Path v2 = acme("v2", strategy, "1.28-alpine");
    sync(v1);
    sync(v2);
    RolloutDriver.Target t = target(v2);
    tickUntil(driver(), t, st -> st.phase() == Phase.PAUSED);
    assertThat(weights()).isEqualTo("web=60,web-canary=40");
    RolloutState aborted = driver().command(t, RolloutMachine.Command.ABORT, "ana").state();
    assertThat(aborted.phase()).isEqualTo(Phase.ABORTED);
    assertThat(weights()).isEqualTo("web=100,web-canary=0");
    assertThat(get("Deployment", "web-" + revisionOf(v2)).path("spec").path("replicas").asInt()).isZero();
    assertThatThrownBy(() -> driver().command(t, RolloutMachine.Command.PROMOTE, "ana"))
        .isInstanceOf(RolloutMachine.NotApplicable.class);
  }

  @Test
  void twoDriversCannotBothMoveOneRolloutOn() throws Exception {
    Path v1 = acme("v1", "blueGreen", "1.27-alpine");
    Path v2 = acme("v2", "blueGreen", "1.28-alpine");
    sync(v1);
    sync(v2);
    RolloutStore store = new RolloutStore(cluster());
    RolloutStore.Stored read = store.read(NS, "web");
    RolloutState aborted = RolloutMachine.command(read.state(), target(v2).strategy(), RolloutMachine.Command.ABORT, "one", java.time.Instant.now());
    RolloutState promoted = RolloutMachine.command(read.state(), target(v2).strategy(), RolloutMachine.Command.PROMOTE, "two",
        java.time.Instant.now());
    store.write("dev", "hello-world", NS, aborted, read.resourceVersion());
    // The second writer read the same version: its promote of a rollout the first one aborted is refused.
    assertThatThrownBy(() -> store.write("dev", "hello-world", NS, promoted, read.resourceVersion()))
        .isInstanceOf(RolloutStore.Conflict.class);
  }

  /** The canary Ingress's forward action: service=weight pairs. */
  String weights() throws IOException {
    JsonNode action = JSON.readTree(get("Ingress", "web").path("metadata").path("annotations")
        .path(RolloutShaper.ACTIONS + RolloutShaper.action("web")).asText());
    StringBuilder b = new StringBuilder();
    for (JsonNode g : action.path("forwardConfig").path("targetGroups")) {
      b.append(b.length() == 0 ? "" : ",").append(g.path("serviceName").asText()).append('=').append(g.path("weight").asInt());
    }
    return b.toString();
  }
}
