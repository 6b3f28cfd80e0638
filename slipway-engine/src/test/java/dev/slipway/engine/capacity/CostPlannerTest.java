package dev.slipway.engine.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost arithmetic on the bundled example, checked by hand against the catalogue's prices. */
class CostPlannerTest {
  static final Path EXAMPLE = Path.of("..", "examples", "acme");

  static EnvironmentPlan plan(Path platform, String env, String... sets) {
    Plan p = new Planner(true)
        .plan(Workspace.load(platform), new Planner.Scope(Set.of(env), Set.of(), List.of(sets)));
    assertThat(p.specDiagnostics()).filteredOn(Diagnostic::isError).isEmpty();
    return p.environments().get(0);
  }

  @Test
  void pricesEachServiceLineFromTheCatalogue() {
    CostReport r = plan(EXAMPLE, "dev").cost();
    CostReport.Scenario min = r.atMin();
    assertThat(min.line("EKS control plane")).isEqualTo(73.00);                  // 0.10 x 730
    assertThat(min.line("system nodes")).isEqualTo(60.74);                       // 2 x 0.0416 x 730
    assertThat(min.line("load balancers")).isEqualTo(66.80);                     // 3 x (0.0225 + 0.008) x 730
    assertThat(min.line("NAT gateways")).isEqualTo(37.35);                       // 0.045 x 730 + 100 GB x 0.045
    // 3 secrets x 0.40 + 3 entries refreshed every 15 s: 525,600 calls x 0.05 / 10,000
    assertThat(min.line("Secrets Manager")).isEqualTo(3.83);
    // 2 scraped pods x 1,000 series x 175,200 scrapes (15 s) = 350.4M samples x 0.90 / 10M
    assertThat(min.line("managed Prometheus")).isEqualTo(31.54);
    assertThat(min.total()).isEqualTo(min.lines().stream().mapToDouble(CostReport.Line::monthly).sum(), within(1e-9));
  }

  @Test
  void sharesAddUpToTheTotal() {
    for (String env : List.of("dev", "staging", "prod")) {
      CostReport.Scenario s = plan(EXAMPLE, env).cost().atMax();
      double apps = s.perApplication().values().stream().mapToDouble(Double::doubleValue).sum();
      assertThat(apps + s.shared()).as(env).isCloseTo(s.total(), within(0.05));
    }
  }

  @Test
  void reproducesTheSeedScenarioWithAWhatIf() {
    // Seed 000: hello-world scaled to 50 replicas of 100m/128Mi on the t3.medium/m5.large pool.
    EnvironmentPlan e = plan(EXAMPLE, "dev", "hello-world.web.replicas=50");
    CapacityPlan c = e.cost().atMin().capacity();
    assertThat(c.nodes().stream().flatMap(n -> n.pods().stream()).filter(p -> p.group().application().equals("hello-world")))
        .hasSize(50);
    // 54 pods at 13 workload pods per t3.medium (17 max pods, 4 DaemonSet pods): 5 nodes, the minimum.
    assertThat(c.nodeCounts()).containsExactly(java.util.Map.entry("t3.medium on-demand", 5));
    assertThat(c.unschedulable()).isEmpty();
  }

  @Test
  void reportsConsolidationFromTheCeilingToTheFloor() {
    CostReport r = plan(EXAMPLE, "prod").cost();
    int atMax = r.atMax().capacity().nodes().size();
    int atMin = r.atMin().capacity().nodes().size();
    assertThat(atMax).isGreaterThan(atMin);
    assertThat(r.consolidation()).isNotEmpty().extracting(Consolidation.Drain::node).doesNotHaveDuplicates();
    // Pods that stay are not rescheduled onto fewer nodes than a fresh packing would use.
    assertThat(atMax - r.consolidation().size()).isBetween(atMin, atMax - 1);
  }

  @Test
  void honoursPricingOverridesFromThePlatform(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Path platform = dir.resolve("slipway.yaml");
    Files.writeString(platform, Files.readString(platform).replace("  region: us-east-1\n",
        "  region: us-east-1\n  pricing:\n    services: {eksControlPlanePerHour: 0.20}\n"));
    assertThat(plan(dir, "dev").cost().atMin().line("EKS control plane")).isEqualTo(146.00);
  }

  @Test
  void rejectsABadPricingOverrideWithItsPosition(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Path platform = dir.resolve("slipway.yaml");
    Files.writeString(platform, Files.readString(platform).replace("  region: us-east-1\n",
        "  region: us-east-1\n  pricing:\n    spotPriceRatio: cheap\n"));
    Plan p = new Planner(true).plan(Workspace.load(dir), Planner.Scope.ALL);
    assertThat(p.specDiagnostics()).anySatisfy(d -> {
      assertThat(d.file()).isEqualTo("slipway.yaml");
      assertThat(d.path()).isEqualTo("spec.pricing.spotPriceRatio");
    });
  }

  @Test
  void tiersManagedPrometheusIngestion() {
    Catalog.Services s = Catalog.bundled().services();
    assertThat(s.ampCost(1e9)).isEqualTo(90.0, within(1e-9));
    assertThat(s.ampCost(3e9)).isEqualTo(180.0 + 35.0, within(1e-9));
  }

  static Path copy(Path tmp) throws Exception {
    try (var w = Files.walk(EXAMPLE)) {
      for (Path p : w.filter(Files::isRegularFile).filter(p -> !EXAMPLE.relativize(p).startsWith("out")).toList()) {
        Path t = tmp.resolve(EXAMPLE.relativize(p).toString());
        Files.createDirectories(t.getParent());
        Files.copy(p, t);
      }
    }
    return tmp;
  }
}
