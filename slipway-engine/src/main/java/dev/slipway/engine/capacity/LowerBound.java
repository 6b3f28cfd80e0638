package dev.slipway.engine.capacity;

import dev.slipway.engine.capacity.CapacityPlan.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A lower bound on the hourly cost of any placement of the same pods on the same instance types,
 * the largest of three valid bounds:
 * <ul>
 *   <li>the per-type relaxation ({@link ShapeLp}): each type's fractional nodes must hold the
 *       pods sent to that type, in CPU, memory and pod slots together;
 *   <li>the aggregate relaxation: buy fractional nodes so that the CPU, memory and pod slots
 *       bought cover the total requests. Its dual has three variables (a price per millicore,
 *       per MiB, per pod slot), solved exactly by checking every vertex. Weaker, but its prices
 *       steer the packer;
 *   <li>the large-item bound: pods over half of the largest free CPU (or, separately, memory)
 *       each need a node of their own.
 * </ul>
 * No real packing can be cheaper than any of them. They ignore zones and anti-affinity, so they
 * stay valid lower bounds when those apply.
 */
public final class LowerBound {
  private static final double EPS = 1e-9;

  private LowerBound() {}

  /** Columns of the relaxation: one per (pool, type) with net room and price. */
  record Column(double cpu, double mem, double pods, double price) {}

  /** The bound for the pods placed on {@code nodes}; {@code roomOf} gives a type's net (cpu, memory, pods). */
  static double of(List<Node> nodes, List<NodePoolCapacity> pools, Function<InstanceType, double[]> roomOf, double spotRatio) {
    double cpu = 0;
    double mem = 0;
    double pods = 0;
    for (Node n : nodes) {
      cpu += n.cpuUsedMillis();
      mem += n.memoryUsedMiB();
      pods += n.pods().size();
    }
    if (pods == 0) {
      return 0;
    }
    List<Column> cols = new ArrayList<>();
    double cheapestNode = Double.MAX_VALUE;
    for (NodePoolCapacity p : pools) {
      for (InstanceType t : p.types()) {
        double[] r = roomOf.apply(t);
        if (r[0] <= 0 || r[1] <= 0 || r[2] <= 0) {
          continue;
        }
        double price = t.pricePerHour(p.capacityType(), spotRatio);
        cols.add(new Column(r[0], r[1], r[2], price));
        cheapestNode = Math.min(cheapestNode, price);
      }
    }
    double aggregate = solve(cols, new double[] {cpu, mem, pods});
    ShapeLp.Solution perType = ShapeLp.solve(shapes(nodes), cols.stream()
        .map(c -> new ShapeLp.Supply(c.cpu(), c.mem(), c.pods(), c.price())).toList());
    double lp = perType == null ? aggregate : Math.max(aggregate, perType.cost());
    return Math.max(Math.max(lp, largePods(nodes, cols)), cheapestNode == Double.MAX_VALUE ? 0 : cheapestNode);
  }

  /** The placed pods grouped by requests. */
  static List<ShapeLp.Demand> shapes(List<Node> nodes) {
    java.util.Map<String, long[]> m = new java.util.TreeMap<>();
    for (Node n : nodes) {
      for (var p : n.pods()) {
        m.computeIfAbsent(p.group().cpuMillis() + "/" + p.group().memoryMiB(),
            k -> new long[] {p.group().cpuMillis(), p.group().memoryMiB(), 0})[2]++;
      }
    }
    return m.values().stream().map(v -> new ShapeLp.Demand(v[0], v[1], v[2])).toList();
  }

  /**
   * The large-item bound of bin packing, one dimension at a time: two pods that each request more
   * than half of the most CPU any allowed type has free can never share a node, whatever the type;
   * so every such pod needs a node of its own, costing at least the cheapest type that holds it.
   * The same holds for memory. The bound is the larger of the two sums — never their union: a
   * CPU-heavy and a memory-heavy pod may well share one node.
   */
  static double largePods(List<Node> nodes, List<Column> cols) {
    double maxCpu = 0;
    double maxMem = 0;
    for (Column c : cols) {
      maxCpu = Math.max(maxCpu, c.cpu());
      maxMem = Math.max(maxMem, c.mem());
    }
    double cpuHeavy = 0;
    double memHeavy = 0;
    for (Node n : nodes) {
      for (var p : n.pods()) {
        double cpu = p.group().cpuMillis();
        double mem = p.group().memoryMiB();
        double cheapest = Double.MAX_VALUE;
        for (Column c : cols) {
          if (c.cpu() >= cpu && c.mem() >= mem && c.pods() >= 1) {
            cheapest = Math.min(cheapest, c.price());
          }
        }
        if (cheapest == Double.MAX_VALUE) {
          continue;
        }
        if (2 * cpu > maxCpu) {
          cpuHeavy += cheapest;
        }
        if (2 * mem > maxMem) {
          memHeavy += cheapest;
        }
      }
    }
    return Math.max(cpuHeavy, memHeavy);
  }

  /** max d·y subject to (cpu, mem, pods)_c · y ≤ price_c for every column c, y ≥ 0. */
  static double solve(List<Column> cols, double[] demand) {
    return duals(cols, demand)[0];
  }

  /**
   * The optimum of the dual and where it is reached: {value, y_cpu, y_mem, y_pods}, the marginal
   * price of a millicore, a MiB and a pod slot. The packer values candidate nodes with them.
   */
  static double[] duals(List<Column> cols, double[] demand) {
    List<double[]> planes = new ArrayList<>();
    for (Column c : cols) {
      planes.add(new double[] {c.cpu(), c.mem(), c.pods(), c.price()});
    }
    planes.add(new double[] {-1, 0, 0, 0});
    planes.add(new double[] {0, -1, 0, 0});
    planes.add(new double[] {0, 0, -1, 0});
    double best = 0;
    double[] arg = {0, 0, 0};
    int n = planes.size();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        for (int k = j + 1; k < n; k++) {
          double[] y = intersect(planes.get(i), planes.get(j), planes.get(k));
          if (y == null || !feasible(y, planes)) {
            continue;
          }
          double v = demand[0] * y[0] + demand[1] * y[1] + demand[2] * y[2];
          if (v > best) {
            best = v;
            arg = y;
          }
        }
      }
    }
    return new double[] {best, arg[0], arg[1], arg[2]};
  }

  private static double[] intersect(double[] a, double[] b, double[] c) {
    double det = det(a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2]);
    if (Math.abs(det) < 1e-12 * Math.max(1, Math.abs(a[0] * b[1] * c[2]))) {
      return null;
    }
    double x = det(a[3], a[1], a[2], b[3], b[1], b[2], c[3], c[1], c[2]) / det;
    double y = det(a[0], a[3], a[2], b[0], b[3], b[2], c[0], c[3], c[2]) / det;
    double z = det(a[0], a[1], a[3], b[0], b[1], b[3], c[0], c[1], c[3]) / det;
    return new double[] {x, y, z};
  }

  private static double det(double a, double b, double c, double d, double e, double f, double g, double h, double i) {
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  }

  private static boolean feasible(double[] y, List<double[]> planes) {
    for (double[] p : planes) {
      double lhs = p[0] * y[0] + p[1] * y[1] + p[2] * y[2];
      if (lhs > p[3] + EPS * Math.max(1, Math.abs(p[3]))) {
        return false;
      }
    }
    return true;
  }
}
