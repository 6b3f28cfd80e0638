package dev.slipway.engine.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packer's lower bound checked against the exact optimum, found by exhaustive search on small
 * instances (up to 8 pods, 3 instance types): bound ≤ optimum ≤ packing, always.
 */
class LowerBoundOracleTest {
  static final List<String> TYPES = List.of("t3.medium", "t3.large", "m5.large", "c5.large", "r5.large", "m5.xlarge", "c5.xlarge",
      "r5.xlarge", "t3.small");

  record Pod(long cpu, long mem) {}

  /** The cheapest cost of any placement: every partition of the pods into nodes, each node the cheapest type that holds its pods. */
  static double optimum(List<Pod> pods, List<InstanceType> types) {
    int n = pods.size();
    int[] block = new int[n];
    double[] best = {Double.MAX_VALUE};
    partitions(0, 0, block, pods, types, best);
    return best[0];
  }

  private static void partitions(int i, int blocks, int[] block, List<Pod> pods, List<InstanceType> types, double[] best) {
    if (i == pods.size()) {
      double cost = 0;
      for (int b = 0; b < blocks; b++) {
        long cpu = 0;
        long mem = 0;
        int count = 0;
        for (int j = 0; j < pods.size(); j++) {
          if (block[j] == b) {
            cpu += pods.get(j).cpu();
            mem += pods.get(j).mem();
            count++;
          }
        }
        double cheapest = Double.MAX_VALUE;
        for (InstanceType t : types) {
          if (cpu <= t.allocatableCpuMillis() - BinPackerTest.EKS.cpuMillis() && mem <= t.allocatableMemoryMiB() - BinPackerTest.EKS.memoryMiB()
              && count <= t.maxPods() - BinPackerTest.EKS.pods()) {
            cheapest = Math.min(cheapest, t.pricePerHour("on-demand", 1));
          }
        }
        if (cheapest == Double.MAX_VALUE) {
          return;
        }
        cost += cheapest;
      }
      best[0] = Math.min(best[0], cost);
      return;
    }
    for (int b = 0; b <= blocks; b++) {
      block[i] = b;
      partitions(i + 1, Math.max(blocks, b + 1), block, pods, types, best);
    }
  }

  @Test
  void theBoundNeverExceedsTheOptimumAndThePackingNeverBeatsIt() {
    Random r = new Random(20261129);
    int checked = 0;
    for (int instance = 0; instance < 300; instance++) {
      List<String> names = new ArrayList<>(TYPES);
      java.util.Collections.shuffle(names, r);
      List<InstanceType> types = names.subList(0, 3).stream().map(t -> BinPackerTest.CATALOG.instanceTypes().get(t)).toList();
      long maxCpu = types.stream().mapToLong(t -> t.allocatableCpuMillis() - BinPackerTest.EKS.cpuMillis()).max().orElseThrow();
      long maxMem = types.stream().mapToLong(t -> t.allocatableMemoryMiB() - BinPackerTest.EKS.memoryMiB()).max().orElseThrow();
      List<Pod> pods = new ArrayList<>();
      List<PodGroup> groups = new ArrayList<>();
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n; i++) {
        // Mixed shapes: CPU-heavy, memory-heavy and small pods, each fitting some type.
        long cpu = 50 + (long) (r.nextDouble() * maxCpu * (r.nextBoolean() ? 0.9 : 0.3));
        long mem = 64 + (long) (r.nextDouble() * maxMem * (r.nextBoolean() ? 0.9 : 0.3));
        Pod p = new Pod(Math.min(cpu, maxCpu), Math.min(mem, maxMem));
        boolean fits = types.stream().anyMatch(t -> p.cpu() <= t.allocatableCpuMillis() - BinPackerTest.EKS.cpuMillis()
            && p.mem() <= t.allocatableMemoryMiB() - BinPackerTest.EKS.memoryMiB());
        if (!fits) {
          continue;
        }
        pods.add(p);
        groups.add(BinPackerTest.pods("p" + i, 1, p.cpu(), p.mem()));
      }
      if (pods.isEmpty()) {
        continue;
      }
      NodePoolCapacity pool = new NodePoolCapacity("default", types, "on-demand", List.of(), null, null, "WhenEmptyOrUnderutilized");
      CapacityPlan plan = BinPacker.pack(groups, List.of(pool), BinPackerTest.EKS, BinPackerTest.ZONES, 1);
      assertThat(plan.unschedulable()).isEmpty();
      double opt = optimum(pods, types);
      String what = "instance " + instance + ": " + pods + " on " + names.subList(0, 3);
      assertThat(plan.lowerBoundPerHour()).as("bound <= optimum, " + what).isLessThanOrEqualTo(opt + 1e-9);
      assertThat(plan.costPerHour()).as("optimum <= packing, " + what).isGreaterThanOrEqualTo(opt - 1e-9);
      checked++;
    }
    assertThat(checked).isGreaterThan(250);
  }

  @Test
  void aCpuHeavyAndAMemoryHeavyPodThatShareOneNodeCountAsOneNode() {
    // m5.large: 2 vCPU / 8 GiB. One pod wants most of the CPU, the other most of the memory: one node holds both.
    InstanceType m5 = BinPackerTest.CATALOG.instanceTypes().get("m5.large");
    long cpuRoom = m5.allocatableCpuMillis() - BinPackerTest.EKS.cpuMillis();
    long memRoom = m5.allocatableMemoryMiB() - BinPackerTest.EKS.memoryMiB();
    List<PodGroup> groups = List.of(BinPackerTest.pods("cpu-heavy", 1, cpuRoom * 3 / 4, 256), BinPackerTest.pods("mem-heavy", 1, 100,
        memRoom * 3 / 4));
    CapacityPlan plan = BinPacker.pack(groups, List.of(BinPackerTest.pool(null, "m5.large")), BinPackerTest.EKS, BinPackerTest.ZONES, 1);
    assertThat(plan.nodes()).hasSize(1);
    assertThat(plan.lowerBoundPerHour()).isLessThanOrEqualTo(plan.costPerHour() + 1e-9);
  }
}
