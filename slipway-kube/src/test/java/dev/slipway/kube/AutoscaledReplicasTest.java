package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A component that gains autoscaling stops rendering {@code spec.replicas}; the live count is then
 * the autoscaler's and a sync must keep it (client-side) or hand it over (server-side) instead of
 * letting the API server reset it to 1. Switching autoscaling off applies the rendered count again.
 */
class AutoscaledReplicasTest {
  static final SyncExecutor.Options SYNC = new SyncExecutor.Options(false, false, false, Duration.ofSeconds(10), Duration.ofMillis(50));
  FaultyApiServer server;
  FakeController controller;

  @BeforeEach
  void start() {
    server = new FaultyApiServer();
    controller = FakeController.start(server.controllerClient());
  }

  @AfterEach
  void stop() {
    controller.close();
    server.close();
  }

  static ApplicationBundle helloWorld(String... sets) {
    var plan = new Planner().plan(Workspace.load(Path.of("..", "examples", "acme")),
        new Planner.Scope(Set.of("dev"), Set.of("hello-world"), List.of(sets)));
    return plan.environments().get(0).applications().get(0).bundle();
  }

  Integer liveReplicas() {
    return server.client().apps().deployments().inNamespace("hello-world").withName("web").get().getSpec().getReplicas();
  }

  void autoscalerScalesTo(int n) {
    server.client().apps().deployments().inNamespace("hello-world").withName("web").edit(d -> {
      d.getSpec().setReplicas(n);
      return d;
    });
  }

  SyncExecutor executor() {
    return new SyncExecutor(new ClusterClient(server.client(), 3, 10), Clock.systemUTC());
  }

  @Test
  void switchingAutoscalingOnKeepsTheLiveReplicasAndSwitchingItOffAppliesTheRenderedCount() {
    ApplicationBundle fixed = helloWorld("hello-world.web.replicas=3");
    assertThat(executor().sync("dev", fixed, SYNC, m -> { }).succeeded()).isTrue();
    assertThat(liveReplicas()).isEqualTo(3);

    ApplicationBundle scaled = helloWorld("hello-world.web.autoscaling.min=2", "hello-world.web.autoscaling.max=8");
    RenderedObject deployment = scaled.objects().stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow();
    assertThat(deployment.body().path("spec").has("replicas")).as("an autoscaled Deployment does not render replicas").isFalse();
    SyncExecutor.Outcome on = executor().sync("dev", scaled, SYNC, m -> { });
    assertThat(on.succeeded()).as(on.failure()).isTrue();
    assertThat(liveReplicas()).as("the count stays; it is not removed (which resets to 1)").isEqualTo(3);

    autoscalerScalesTo(6);
    assertThat(executor().diff("dev", scaled)).filteredOn(d -> d.ref().startsWith("Deployment/"))
        .allSatisfy(d -> assertThat(d.state()).isEqualTo(SyncState.SYNCED));
    assertThat(executor().sync("dev", scaled, SYNC, m -> { }).writes()).isZero();
    assertThat(liveReplicas()).isEqualTo(6);

    assertThat(executor().sync("dev", fixed, SYNC, m -> { }).succeeded()).isTrue();
    assertThat(liveReplicas()).as("autoscaling off: the rendered count is applied").isEqualTo(3);
  }
}
