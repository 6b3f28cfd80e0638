package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan table's COST/MONTH (MIN-MAX) column never shows a minimum above the maximum without a note. */
class CostColumnTest {
  @TempDir
  Path tmp;

  @Test
  void aMinimumAboveTheMaximumIsMarkedAndExplained() {
    Set<String> notes = new TreeSet<>();
    assertThat(PlanCommand.range(40.44, 38.10, notes)).isEqualTo("40.44 - 38.10 *");
    assertThat(notes).containsExactly(PlanCommand.LOWER_AT_MAX);
    Set<String> none = new TreeSet<>();
    assertThat(PlanCommand.range(27.96, 28.13, none)).isEqualTo("27.96 - 28.13");
    assertThat(none).isEmpty();
  }

  @Test
  void applicationsWithCronJobsCarryAFootnote() throws Exception {
    Path dir = CliRun.example(tmp);
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app) + """
            cleanup:
              type: job
              image: docker.io/library/busybox:1.36
              schedule: "0 3 * * *"
        """);
    CliRun r = CliRun.run("plan", dir.toString(), "--no-write", "--env", "dev");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).containsPattern("hello-world .* \\+\\n").contains(PlanCommand.CRON_AT_MAX);
  }
}
