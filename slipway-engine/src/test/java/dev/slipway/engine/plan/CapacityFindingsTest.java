package dev.slipway.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods that can never be scheduled become findings at the component's spec. */
class CapacityFindingsTest {
  @TempDir
  Path dir;

  static final String PLATFORM = """
      apiVersion: slipway.dev/v1alpha1
      kind: Platform
      metadata: {name: test}
      spec:
        environments:
        - name: dev
          nodePools:
          - {name: default, instanceTypes: [t3.medium], limits: {cpu: "4", memory: 16Gi}}
        - name: prod
          policy: {enforcement: enforce}
          nodePools:
          - {name: default, instanceTypes: [t3.medium], limits: {cpu: "4", memory: 16Gi}}
        - name: bare
      """;

  private Plan plan(String components) throws IOException {
    Files.writeString(dir.resolve("slipway.yaml"), PLATFORM);
    Files.createDirectories(dir.resolve("apps/shop"));
    Files.writeString(dir.resolve("apps/shop/app.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
        """ + components.indent(4));
    Plan p = new Planner(true).plan(Workspace.load(dir), new Planner.Scope(Set.of(), Set.of(), List.of()));
    assertThat(p.specDiagnostics()).filteredOn(Diagnostic::isError).isEmpty();
    return p;
  }

  @Test
  void aPodLargerThanEveryInstanceTypeIsAnErrorWhereEnforcedAndAWarningElsewhere() throws IOException {
    Plan p = plan("big:\n  type: worker\n  image: a.io/big:1\n  resources: {cpu: '3', memory: 1Gi}\n");
    List<Diagnostic> ds = p.allDiagnostics().stream().filter(d -> d.code().equals(CapacityFindings.CODE)).toList();
    assertThat(ds).hasSize(2).allSatisfy(d -> {
      assertThat(d.file()).isEqualTo("apps/shop/app.yaml");
      assertThat(d.line()).isEqualTo(9);
      assertThat(d.path()).isEqualTo("spec.components.big.resources");
      assertThat(d.message()).contains("Deployment/big", "3000m CPU", "1 at minimum replicas and 1 at maximum replicas",
          "exceed what any allowed instance type has free");
    });
    assertThat(ds).extracting(Diagnostic::severity).containsExactlyInAnyOrder(Diagnostic.Severity.WARNING, Diagnostic.Severity.ERROR);
    assertThat(ds).filteredOn(Diagnostic::isError).singleElement().satisfies(d -> assertThat(d.message()).contains("environment prod"));
    assertThat(p.hasCapacityErrors()).isTrue();
  }

  @Test
  void podsBeyondThePoolLimitsAtMaximumReplicasPointAtAutoscalingMax() throws IOException {
    Plan p = plan("api:\n  type: api\n  image: a.io/api:1\n  resources: {cpu: '1', memory: 1Gi}\n  autoscaling: {min: 1, max: 12}\n");
    assertThat(p.allDiagnostics()).filteredOn(d -> d.code().equals(CapacityFindings.CODE) && d.isError()).singleElement()
        .satisfies(d -> {
          assertThat(d.path()).isEqualTo("spec.components.api.autoscaling.max");
          assertThat(d.line()).isEqualTo(10);
          assertThat(d.message()).contains("at maximum replicas", "node pool limits reached").doesNotContain("at minimum");
        });
  }

  @Test
  void nothingIsReportedWhenEveryPodFitsOrTheEnvironmentHasNoNodePools() throws IOException {
    Plan p = plan("web:\n  type: web\n  image: a.io/web:1\n  port: 8080\n");
    assertThat(p.allDiagnostics()).noneMatch(d -> d.code().equals(CapacityFindings.CODE));
    assertThat(p.hasCapacityErrors()).isFalse();
  }

  @Test
  void theNodeCostLineCountsPodsNotPlaced() throws IOException {
    Plan p = plan("big:\n  type: worker\n  image: a.io/big:1\n  resources: {cpu: '3', memory: 1Gi}\n");
    EnvironmentPlan dev = p.environments().get(0);
    assertThat(dev.cost().atMin().lines().get(0).detail()).contains("1 pod not placed, not costed: shop/big x1 (requests 3000m CPU");
  }
}
