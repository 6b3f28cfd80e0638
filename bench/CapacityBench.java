import dev.slipway.engine.capacity.BinPacker;
import dev.slipway.engine.capacity.CapacityPlan;
import dev.slipway.engine.capacity.Catalog;
import dev.slipway.engine.capacity.NodePoolCapacity;
import dev.slipway.engine.capacity.PodGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Capacity planner benchmark: packs N pods (default 10,000) over every instance type of the
 * bundled catalogue (55) and reports time and cost against the lower bound, for three workloads.
 * Run with bench/capacity-bench.sh.
 */
public class CapacityBench {
  interface Sizes {
    long[] next(Random r);
  }

  public static void main(String[] args) {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Catalog catalog = Catalog.bundled();
    NodePoolCapacity all = new NodePoolCapacity("all", List.copyOf(catalog.instanceTypes().values()), "on-demand", List.of(),
        null, null, "WhenEmptyOrUnderutilized");
    BinPacker.Overhead eks = new BinPacker.Overhead(280, 248, 4);
    List<String> zones = List.of("us-east-1a", "us-east-1b", "us-east-1c");
    long[][] tshirt = {{100, 128}, {250, 512}, {500, 1024}, {1000, 2048}, {2000, 4096}, {500, 2048}};
    long[][] acme = {{100, 128}, {250, 256}, {1000, 2048}, {1000, 1024}, {250, 512}};
    long[] cpus = {50, 100, 250, 500, 1000, 2000};
    int[] ratio = {1, 2, 4};
    System.out.printf(Locale.ROOT, "capacity planner: %,d pods, %d instance types, 3 zones, best of %d runs after warm-up, %s%n",
        pods, catalog.instanceTypes().size(), runs, System.getProperty("java.version"));
    run("t-shirt sizes (6 standard requests)", pods, runs, all, eks, zones, r -> tshirt[r.nextInt(tshirt.length)]);
    run("the example's request shapes (5)", pods, runs, all, eks, zones, r -> acme[r.nextInt(acme.length)]);
    run("random CPU x 1/2/4 GiB per core (18)", pods, runs, all, eks, zones, r -> {
      long cpu = cpus[r.nextInt(cpus.length)];
      return new long[] {cpu, cpu * ratio[r.nextInt(ratio.length)] * 1024 / 1000};
    });
  }

  static void run(String label, int pods, int runs, NodePoolCapacity pool, BinPacker.Overhead eks, List<String> zones, Sizes sizes) {
    double worstGap = 0;
    List<Double> gaps = new java.util.ArrayList<>();
    long best = Long.MAX_VALUE;
    long first = 0;
    for (int seed = 1; seed <= runs; seed++) {
      List<PodGroup> groups = workload(pods, seed, sizes);
      for (int warm = 0; warm < 2; warm++) {
        long t0 = System.nanoTime();
        CapacityPlan plan = BinPacker.pack(groups, List.of(pool), eks, zones, 0.35);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (seed == 1 && warm == 0) {
          first = ms;
        }
        if (warm == 1) {
          best = Math.min(best, ms);
          double gap = plan.costPerHour() / plan.lowerBoundPerHour() - 1;
          worstGap = Math.max(worstGap, gap);
          gaps.add(gap);
          if (plan.unschedulablePods() > 0) {
            throw new IllegalStateException("unschedulable pods in the benchmark");
          }
        }
      }
    }
    gaps.sort(java.util.Comparator.reverseOrder());
    StringBuilder all = new StringBuilder();
    for (double g : gaps) {
      all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f%%", 100 * g));
    }
    System.out.printf(Locale.ROOT, "  %-40s first run %5d ms, warm best %4d ms, cost gap per seed, worst first: %s%n",
        label, first, best, all);
  }

  static List<PodGroup> workload(int total, long seed, Sizes sizes) {
    Random r = new Random(seed);
    List<PodGroup> out = new ArrayList<>();
    int left = total;
    int i = 0;
    while (left > 0) {
      int n = Math.min(left, 1 + r.nextInt(20));
      long[] size = sizes.next(r);
      out.add(new PodGroup("app" + (i % 200), "c" + i, "Deployment/c" + i, size[0], size[1], n, r.nextInt(3) == 0, false));
      left -= n;
      i++;
    }
    return out;
  }
}
