package dev.slipway.engine.capacity;

import dev.slipway.engine.capacity.CapacityPlan.Node;
import dev.slipway.engine.capacity.CapacityPlan.Placement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What Karpenter's consolidation would do when load falls from the autoscaling ceiling back to
 * the floor: replicas above the minimum go away (the newest first), empty nodes are removed, and
 * with {@code WhenEmptyOrUnderutilized} a node whose pods all fit in the others' free room is
 * drained too, least used first.
 */
public final class Consolidation {

  /** A node that would go, and why. */
  public record Drain(String node, String instanceType, String zone, String reason, int podsMoved) {}

  private Consolidation() {}

  /**
   * @param minCounts replicas each workload keeps at the floor, by application + workload
   * @param roomOf a type's net (cpu, memory, pods) after DaemonSets
   */
  public static List<Drain> plan(CapacityPlan atMax, Map<String, Integer> minCounts, boolean underutilized,
      Function<InstanceType, long[]> roomOf) {
    List<List<Placement>> pods = new ArrayList<>();
    atMax.nodes().forEach(n -> pods.add(new ArrayList<>(n.pods())));
    Map<String, Integer> kept = new HashMap<>();
    for (List<Placement> onNode : pods) {
      onNode.removeIf(p -> {
        String key = key(p.group());
        int keep = minCounts.getOrDefault(key, 0);
        int seen = kept.merge(key, 1, Integer::sum);
        return seen > keep;
      });
    }
    List<Drain> drains = new ArrayList<>();
    boolean[] gone = new boolean[pods.size()];
    for (int i = 0; i < pods.size(); i++) {
      if (pods.get(i).isEmpty()) {
        Node n = atMax.nodes().get(i);
        drains.add(new Drain(n.id(), n.type().name(), n.zone(), "empty", 0));
        gone[i] = true;
      }
    }
    if (!underutilized) {
      return drains;
    }
    boolean moved = true;
    while (moved) {
      moved = false;
      int candidate = -1;
      double lowest = Double.MAX_VALUE;
      for (int i = 0; i < pods.size(); i++) {
        if (!gone[i]) {
          double use = utilisation(pods.get(i), roomOf.apply(atMax.nodes().get(i).type()));
          if (use < lowest) {
            lowest = use;
            candidate = i;
          }
        }
      }
      if (candidate < 0) {
        break;
      }
      if (relocate(candidate, pods, gone, atMax, roomOf)) {
        Node n = atMax.nodes().get(candidate);
        drains.add(new Drain(n.id(), n.type().name(), n.zone(), "underutilized", pods.get(candidate).size()));
        pods.get(candidate).clear();
        gone[candidate] = true;
        moved = true;
      }
    }
    return drains;
  }

  static String key(PodGroup g) {
    return g.application() + "/" + g.workload();
  }

  private static double utilisation(List<Placement> pods, long[] room) {
    long cpu = pods.stream().mapToLong(p -> p.group().cpuMillis()).sum();
    long mem = pods.stream().mapToLong(p -> p.group().memoryMiB()).sum();
    return Math.max((double) cpu / room[0], (double) mem / room[1]);
  }

  /** Tries to fit every pod of node {@code from} into the other nodes' free room (first fit). */
  private static boolean relocate(int from, List<List<Placement>> pods, boolean[] gone, CapacityPlan plan,
      Function<InstanceType, long[]> roomOf) {
    long[][] free = new long[pods.size()][];
    for (int i = 0; i < pods.size(); i++) {
      long[] r = roomOf.apply(plan.nodes().get(i).type());
      long cpu = pods.get(i).stream().mapToLong(p -> p.group().cpuMillis()).sum();
      long mem = pods.get(i).stream().mapToLong(p -> p.group().memoryMiB()).sum();
      free[i] = new long[] {r[0] - cpu, r[1] - mem, r[2] - pods.get(i).size()};
    }
    List<int[]> moves = new ArrayList<>();
    for (int p = 0; p < pods.get(from).size(); p++) {
      Placement pl = pods.get(from).get(p);
      int target = -1;
      for (int i = 0; i < pods.size() && target < 0; i++) {
        if (i == from || gone[i] || free[i][0] < pl.group().cpuMillis() || free[i][1] < pl.group().memoryMiB() || free[i][2] < 1) {
          continue;
        }
        boolean zoneOk = !pl.group().spreadZones() || java.util.Objects.equals(plan.nodes().get(i).zone(), plan.nodes().get(from).zone());
        boolean repelOk = !pl.group().onePerNode() || pods.get(i).stream().noneMatch(x -> x.group().equals(pl.group()));
        if (zoneOk && repelOk) {
          target = i;
        }
      }
      if (target < 0) {
        return false;
      }
      free[target][0] -= pl.group().cpuMillis();
      free[target][1] -= pl.group().memoryMiB();
      free[target][2] -= 1;
      moves.add(new int[] {p, target});
    }
    for (int[] m : moves) {
      pods.get(m[1]).add(pods.get(from).get(m[0]));
    }
    return true;
  }
}
