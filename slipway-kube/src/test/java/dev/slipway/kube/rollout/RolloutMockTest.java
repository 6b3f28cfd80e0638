package dev.slipway.kube.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.rollout.RolloutMachine;
import dev.slipway.engine.rollout.RolloutShaper;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.SyncReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Blue/green and canary rollouts of acme's hello-world against fabric8's mock API server, with a
 * fake controller making Deployments ready: started by a sync, moved on by the driver, decided by
 * commands, resumed by a fresh driver (a restarted server or another CLI).
 */
class RolloutMockTest extends RolloutTestBase {
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


  @Test
  void givingARunningComponentAStrategyRollsOutFromItsPlainDeploymentWithoutAnOutage() throws Exception {
    Path plain = acme("plain", "null", "1.27-alpine");
    sync(plain);
    assertThat(get("Deployment", "web")).isNotNull();
    Path bg = acme("bg", "{type: blueGreen, autoPromote: false}", "1.27-alpine");
    sync(bg);
    // The plain Deployment is the stable revision: the Service still selects its pods (no revision label).
    assertThat(get("Deployment", "web")).isNotNull();
    assertThat(selected("web")).isEmpty();
    RolloutState paused = tickUntil(driver(), target(bg), st -> st.phase() == Phase.PAUSED);
    assertThat(paused.stable()).isEqualTo(RolloutShaper.LEGACY);
    driver().command(target(bg), RolloutMachine.Command.PROMOTE, "ana");
    assertThat(selected("web")).isEqualTo(revisionOf(bg));
  }

  @Test
  void aLostStateResumesFromTheRevisionTheServiceSelectsNotTheNewestDeployment() throws Exception {
    String strategy = "{type: blueGreen, autoPromote: false}";
    Path v1 = acme("v1", strategy, "1.27-alpine");
    Path v2 = acme("v2", strategy, "1.28-alpine");
    sync(v1);
    sync(v2);
    tickUntil(driver(), target(v2), st -> st.phase() == Phase.PAUSED);
    client.configMaps().inNamespace(NS).withName(RolloutStore.name("web")).delete();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.configMaps().inNamespace(NS).withName(RolloutStore.name("web")).get() == null);
    sync(v2);
    RolloutState again = driver().state(target(v2));
    assertThat(again.stable()).isEqualTo(revisionOf(v1));
    assertThat(again.canary()).isEqualTo(revisionOf(v2));
    assertThat(selected("web")).isEqualTo(revisionOf(v1));
  }

  @Test
  void destroyDeletesTheRolloutStateSoALaterDeployDoesNotResumeIt() throws Exception {
    Path v1 = acme("v1", "blueGreen", "1.27-alpine");
    sync(v1);
    assertThat(client.configMaps().inNamespace(NS).withName(RolloutStore.name("web")).get()).isNotNull();
    new SyncExecutor(cluster(), Clock.systemUTC()).destroy("dev", plan(v1).applications().get(0).bundle(), true, false, line -> { });
    assertThat(client.configMaps().inNamespace(NS).withName(RolloutStore.name("web")).get()).isNull();
  }
}
