package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods that no node can take: findings in plan, visible pods in cost. */
class UnschedulableCommandTest {
  @TempDir
  Path tmp;

  @Test
  void planFailsWhereEnforcedAndNamesTheComponentsSpec() {
    Path dir = CliRun.example(tmp);
    CliRun r = CliRun.run("plan", dir.toString(), "--no-write", "--set", "hello-world.web.resources.cpu=8");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.FINDINGS);
    assertThat(r.out()).contains("apps/hello-world/app.yaml:", "error [capacity.unschedulable] spec.components.web.resources",
        "warning [capacity.unschedulable]", "can never be scheduled in environment prod", "not placed and not costed");
  }

  @Test
  void costKeepsPodsNotPlacedInSight() {
    Path dir = CliRun.example(tmp);
    CliRun r = CliRun.run("cost", dir.toString(), "--env", "prod", "--set", "hello-world.web.resources.cpu=8");
    assertThat(r.exitCode()).isEqualTo(Main.FINDINGS);
    assertThat(r.out()).contains("UNSCHEDULABLE: 3 pod(s) of hello-world/web", "3 pods not placed, not costed: hello-world/web x3",
        "without 3 pod(s) not placed at min, 3 at max");
  }
}
