package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void unknownCommandWithHelpFailsAndSuggestsTheClosestCommand() {
    CliRun r = CliRun.run("plna", "--help");
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.out()).doesNotContain("Usage:");
    assertThat(r.err()).contains("unknown command 'plna'", "slipway plan").contains("Run 'slipway --help' for usage.");
  }

  @Test
  void unknownCommandSuggestsTheTopLevelHelpOnce() {
    CliRun r = CliRun.run("plna");
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("Run 'slipway --help' for usage.").doesNotContain("slipway slipway");
  }

  @Test
  void anUnknownOptionOfACommandPointsAtThatCommandsHelp() {
    CliRun r = CliRun.run("plan", "--bogus");
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("Run 'slipway plan --help' for usage.");
  }

  @Test
  void topLevelHelpStillWorks() {
    CliRun r = CliRun.run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: slipway");
  }
}
