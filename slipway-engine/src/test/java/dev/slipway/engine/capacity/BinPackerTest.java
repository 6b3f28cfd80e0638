package dev.slipway.engine.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.capacity.CapacityPlan.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinPackerTest {
  static final Catalog CATALOG = Catalog.bundled();
  /** aws-node, kube-proxy, ebs-csi-node and the metrics agent: 280m, 248Mi, 4 pods per node. */
  static final BinPacker.Overhead EKS = new BinPacker.Overhead(280, 248, 4);
  static final List<String> ZONES = List.of("us-east-1a", "us-east-1b", "us-east-1c");

  static NodePoolCapacity pool(Long cpuLimitMillis, String... types) {
    List<InstanceType> ts = new ArrayList<>();
    for (String t : types) {
      ts.add(CATALOG.instanceTypes().get(t));
    }
    return new NodePoolCapacity("default", ts, "on-demand", List.of(), cpuLimitMillis, null, "WhenEmptyOrUnderutilized");
  }

  static PodGroup pods(String name, int count, long cpu, long mem) {
    return new PodGroup("app", name, "Deployment/" + name, cpu, mem, count, false, false);
  }

  static CapacityPlan pack(List<PodGroup> groups, NodePoolCapacity pool) {
    return BinPacker.pack(groups, List.of(pool), EKS, ZONES, CATALOG.spotPriceRatio());
  }

  @Test
  void packsTheSeedScenarioOntoFourT3MediumsLimitedByMaxPods() {
    // Seed 000, flow 4: 50 pods x (100m, 128Mi) on a NodePool of t3.medium and m5.large.
    CapacityPlan plan = pack(List.of(pods("web", 50, 100, 128)), pool(200_000L, "t3.medium", "m5.large"));
    assertThat(plan.nodeCounts()).containsExactly(java.util.Map.entry("t3.medium on-demand", 4));
    assertThat(plan.unschedulable()).isEmpty();
    // 17 pods per t3.medium minus 4 DaemonSet pods: 13 workload pods; CPU would allow 16.
    assertThat(plan.nodes()).allSatisfy(n -> assertThat(n.pods().size()).isLessThanOrEqualTo(13));
    assertThat(plan.costPerHour()).isEqualTo(4 * 0.0416, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void neverPutsMoreOnANodeThanItsAllocatableAfterDaemonSets() {
    Random r = new Random(42);
    List<PodGroup> groups = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      groups.add(pods("c" + i, 1 + r.nextInt(30), 50 + r.nextInt(1500), 64 + r.nextInt(6000)));
    }
    CapacityPlan plan = pack(groups, pool(null, "t3.medium", "m5.large", "m5.xlarge", "c5.2xlarge", "r5.large"));
    assertThat(plan.unschedulable()).isEmpty();
    for (Node n : plan.nodes()) {
      assertThat(n.cpuUsedMillis()).isLessThanOrEqualTo(n.type().allocatableCpuMillis() - EKS.cpuMillis());
      assertThat(n.memoryUsedMiB()).isLessThanOrEqualTo(n.type().allocatableMemoryMiB() - EKS.memoryMiB());
      assertThat(n.pods().size()).isLessThanOrEqualTo(n.type().maxPods() - EKS.pods());
      assertThat(n.cpuUsedMillis()).isEqualTo(n.pods().stream().mapToLong(p -> p.group().cpuMillis()).sum());
    }
    assertThat(plan.scheduledPods()).isEqualTo(groups.stream().mapToInt(PodGroup::count).sum());
    assertThat(plan.costPerHour()).isGreaterThanOrEqualTo(plan.lowerBoundPerHour() - 1e-9);
  }

  @Test
  void stopsAtTheNodePoolLimitAndSaysWhy() {
    // 4 CPU of m5.large nodes (2 vCPU each): two nodes at most.
    CapacityPlan plan = pack(List.of(pods("web", 10, 1000, 512)), pool(4_000L, "m5.large"));
    assertThat(plan.nodes()).hasSize(2);
    assertThat(plan.unschedulablePods()).isEqualTo(8);
    assertThat(plan.unschedulable().get(0).reason()).contains("node pool limits reached").contains("default at 4/4 CPU");
  }

  @Test
  void reportsPodsTooLargeForEveryAllowedType() {
    CapacityPlan plan = pack(List.of(pods("big", 1, 4000, 1024)), pool(null, "t3.medium"));
    assertThat(plan.nodes()).isEmpty();
    assertThat(plan.unschedulable()).singleElement().satisfies(u ->
        assertThat(u.reason()).contains("requests 4000m CPU / 1024Mi exceed what any allowed instance type has free"));
  }

  @Test
  void spreadsReplicasOverZonesWhenAskedTo() {
    PodGroup spread = new PodGroup("app", "api", "Deployment/api", 500, 512, 6, true, false);
    CapacityPlan plan = pack(List.of(spread), pool(null, "m5.large"));
    assertThat(plan.nodes()).extracting(Node::zone).containsExactlyInAnyOrderElementsOf(ZONES);
    assertThat(plan.nodes()).allSatisfy(n -> assertThat(n.pods()).hasSize(2));
  }

  @Test
  void placesAntiAffinePodsOnePerNode() {
    PodGroup repel = new PodGroup("app", "db", "StatefulSet/db", 100, 128, 5, false, true);
    CapacityPlan plan = pack(List.of(repel, pods("web", 10, 100, 128)), pool(null, "m5.large"));
    assertThat(plan.nodes()).hasSize(5);
    assertThat(plan.nodes()).allSatisfy(n ->
        assertThat(n.pods().stream().filter(p -> p.group().equals(repel)).count()).isEqualTo(1));
  }

  @Test
  void pricesSpotCapacityAtTheAssumedRatio() {
    NodePoolCapacity spot = new NodePoolCapacity("spot", List.of(CATALOG.instanceTypes().get("m5.large")), "spot", List.of(),
        null, null, "WhenEmpty");
    CapacityPlan plan = pack(List.of(pods("web", 1, 100, 128)), spot);
    assertThat(plan.costPerHour()).isEqualTo(0.096 * CATALOG.spotPriceRatio(), org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void staysWithinFivePercentOfTheLowerBoundAtScale() {
    CapacityPlan plan = pack(BenchWorkload.pods(10_000, 7), new NodePoolCapacity("all",
        List.copyOf(CATALOG.instanceTypes().values()), "on-demand", List.of(), null, null, "WhenEmptyOrUnderutilized"));
    assertThat(plan.unschedulable()).isEmpty();
    assertThat(plan.scheduledPods()).isEqualTo(10_000);
    assertThat(plan.costPerHour()).isLessThanOrEqualTo(plan.lowerBoundPerHour() * 1.05);
  }

  @Test
  void packsTheSameInputTheSameWay() {
    List<PodGroup> g = BenchWorkload.pods(2_000, 3);
    NodePoolCapacity all = pool(null, "t3.medium", "m5.large", "m5.2xlarge", "c5.xlarge", "r5.xlarge");
    assertThat(pack(g, all)).isEqualTo(pack(g, all));
  }
}
