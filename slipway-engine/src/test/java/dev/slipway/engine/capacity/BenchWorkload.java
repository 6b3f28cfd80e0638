package dev.slipway.engine.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The capacity benchmark's workload (bench/CapacityBench.java generates the same): workloads of
 * 1 to 20 replicas in standard "t-shirt" request sizes, a third of them spread over zones.
 */
final class BenchWorkload {
  static final long[][] SIZES = {{100, 128}, {250, 512}, {500, 1024}, {1000, 2048}, {2000, 4096}, {500, 2048}};

  private BenchWorkload() {}

  static List<PodGroup> pods(int total, long seed) {
    Random r = new Random(seed);
    List<PodGroup> out = new ArrayList<>();
    int left = total;
    int i = 0;
    while (left > 0) {
      int n = Math.min(left, 1 + r.nextInt(20));
      long[] size = SIZES[r.nextInt(SIZES.length)];
      out.add(new PodGroup("app" + (i % 200), "c" + i, "Deployment/c" + i, size[0], size[1], n, r.nextInt(3) == 0, false));
      left -= n;
      i++;
    }
    return out;
  }
}
