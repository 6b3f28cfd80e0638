package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.health.HealthRules;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.kube.deploy.StatusReader;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.HealthSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A platform's Lua health script judges its kind in sync's health waits and in status, in place of the built-in rule. */
class HealthScriptsMockTest {
  FaultyApiServer server;
  FakeController controller;

  @BeforeEach
  void start() {
    server = new FaultyApiServer();
    controller = FakeController.start(server.controllerClient());
  }

  @AfterEach
  void stop() {
    try {
      controller.close();
    } finally {
      server.close();
    }
  }

  static HealthRules deploymentsAre(String status, String message) {
    Diagnostics d = new Diagnostics();
    HealthRules rules = HealthRules.load(Path.of("."), new HealthSpec(null, Position.NONE, List.of(new HealthSpec.InlineScript("apps",
        "Deployment", "apps_Deployment", "return {status = \"" + status + "\", message = \"" + message + "\"}", Position.NONE))), d);
    assertThat(d.list()).isEmpty();
    return rules;
  }

  @Test
  void aScriptThatSaysDegradedStopsTheSyncAndShowsInStatus() {
    ApplicationBundle b = SyncExecutorMockTest.bundle("proyecto06");
    SyncExecutor executor = new SyncExecutor(new ClusterClient(server.client(), 3, 10), Clock.systemUTC())
        .withHealth(deploymentsAre("Degraded", "scripted: the database is read-only"));
    SyncExecutor.Outcome o = executor.sync("dev", b, new SyncExecutor.Options(false, false, false, Duration.ofSeconds(2),
        Duration.ofMillis(50)), m -> { });
    assertThat(o.succeeded()).isFalse();
    assertThat(o.failure()).contains("is Degraded: scripted: the database is read-only");

    StatusReader.ApplicationStatus status = new StatusReader(executor, new HistoryStore(new ClusterClient(server.client(), 3, 10)))
        .read("dev", b);
    assertThat(status.health()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(status.healthDetail()).contains("scripted: the database is read-only");
  }

  @Test
  void withoutAScriptTheBuiltInRulesLetTheSameSyncSucceed() {
    ApplicationBundle b = SyncExecutorMockTest.bundle("proyecto06");
    SyncExecutor executor = new SyncExecutor(new ClusterClient(server.client(), 3, 10), Clock.systemUTC());
    SyncExecutor.Outcome o = executor.sync("dev", b, new SyncExecutor.Options(false, false, false, Duration.ofSeconds(10),
        Duration.ofMillis(50)), m -> { });
    assertThat(o.succeeded()).as(o.failure()).isTrue();
    assertThat(new StatusReader(executor, new HistoryStore(new ClusterClient(server.client(), 3, 10))).read("dev", b).health())
        .isEqualTo(HealthStatus.HEALTHY);
  }
}
