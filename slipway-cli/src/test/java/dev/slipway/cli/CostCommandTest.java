package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostCommandTest {
  @TempDir
  Path tmp;

  @Test
  void printsNodesAndAMonthlyBreakdownPerEnvironment() {
    CliRun r = CliRun.run("cost", CliRun.example(tmp).toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Environment dev", "Environment staging", "Environment prod",
        "Nodes at minimum replicas:", "Nodes at maximum replicas:", "lower bound",
        "EKS control plane", "load balancers", "NAT gateways", "EBS volumes", "Secrets Manager", "managed Prometheus",
        "PER APPLICATION", "proyecto06", "Assumptions:", "dated 2026-07-20");
  }

  @Test
  void answersTheSeedScenarioWithAWhatIf() {
    CliRun r = CliRun.run("cost", CliRun.example(tmp).toString(), "--env", "dev", "--set", "hello-world.web.replicas=50");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Nodes at minimum replicas: 5 x t3.medium on-demand for 54 pods");
  }

  @Test
  void reportsUnschedulablePodsWithTheReasonAndExitsOne() {
    CliRun r = CliRun.run("cost", CliRun.example(tmp).toString(), "--env", "prod", "--set", "proyecto06.backend.resources.cpu=4");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("UNSCHEDULABLE: 3 pod(s) of proyecto06/backend (4000m, 2048Mi)")
        .contains("exceed what any allowed instance type has free after DaemonSets");
  }

  @Test
  void rejectsAWhatIfForAnUnknownComponent() {
    CliRun r = CliRun.run("cost", CliRun.example(tmp).toString(), "--set", "proyecto06.backnd.replicas=2");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("has no component 'backnd' (did you mean 'backend'?)");
  }

  @Test
  void printsMachineReadableCosts() throws Exception {
    CliRun r = CliRun.run("cost", CliRun.example(tmp).toString(), "--env", "prod", "-o", "json");
    assertThat(r.exitCode()).isZero();
    JsonNode env = new ObjectMapper().readTree(r.out()).path("environments").get(0);
    assertThat(env.path("name").asText()).isEqualTo("prod");
    assertThat(env.path("atMin").path("nodeCounts").path("m5.large on-demand").asInt()).isPositive();
    assertThat(env.path("atMin").path("lines")).anySatisfy(l -> assertThat(l.path("category").asText()).isEqualTo("nodes"));
    assertThat(env.path("atMax").path("total").asDouble()).isGreaterThan(env.path("atMin").path("total").asDouble());
    assertThat(env.path("assumptions")).isNotEmpty();
  }

  @Test
  void planShowsACostColumn() {
    CliRun r = CliRun.run("plan", CliRun.example(tmp).toString(), "--no-write");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("COST/MONTH (MIN-MAX)").contains("environment total").contains("USD/month");
  }
}
