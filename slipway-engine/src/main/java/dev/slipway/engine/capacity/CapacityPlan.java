package dev.slipway.engine.capacity;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Where every pod goes: the nodes launched, what could not be placed and why, cost and its lower bound. */
public record CapacityPlan(List<Node> nodes, List<Unschedulable> unschedulable, double lowerBoundPerHour) {

  /** A launched node and the pods on it. */
  public record Node(String id, String pool, InstanceType type, String capacityType, String zone, double pricePerHour,
      List<Placement> pods, long cpuUsedMillis, long memoryUsedMiB) {}

  /** The {@code ordinal}-th replica of a group. */
  public record Placement(PodGroup group, int ordinal) {}

  /** Pods that fit nowhere, and the reason a user can act on. */
  public record Unschedulable(PodGroup group, int count, String reason) {}

  public double costPerHour() {
    return nodes.stream().mapToDouble(Node::pricePerHour).sum();
  }

  public int scheduledPods() {
    return nodes.stream().mapToInt(n -> n.pods().size()).sum();
  }

  public int unschedulablePods() {
    return unschedulable.stream().mapToInt(Unschedulable::count).sum();
  }

  /**
   * "3 pods not placed, not costed: shop/api x3 (requests ...)", or null when every pod was
   * placed: cost lines say it so a plan with Pending pods never just looks cheaper.
   */
  public String notPlaced() {
    int n = unschedulablePods();
    if (n == 0) {
      return null;
    }
    List<String> parts = new java.util.ArrayList<>();
    unschedulable.forEach(u -> parts.add(u.group().application() + "/" + u.group().component() + " x" + u.count()
        + " (" + u.reason() + ")"));
    return n + (n == 1 ? " pod" : " pods") + " not placed, not costed: " + String.join("; ", parts);
  }

  /** Node counts by "instance-type capacity-type", sorted. */
  public Map<String, Integer> nodeCounts() {
    Map<String, Integer> m = new TreeMap<>();
    nodes.forEach(n -> m.merge(n.type().name() + " " + n.capacityType(), 1, Integer::sum));
    return m;
  }
}
