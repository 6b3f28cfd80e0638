package dev.slipway.engine.capacity;

import dev.slipway.engine.capacity.CapacityPlan.Node;
import dev.slipway.engine.capacity.CapacityPlan.Placement;
import dev.slipway.engine.capacity.CapacityPlan.Unschedulable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs pods onto nodes the way a cost-minded Karpenter would, before anything runs.
 *
 * <p>Pods with identical requests and constraints form a shape. Replicas that spread over zones
 * are dealt round-robin to zones and each zone is packed on its own; the others first fill the
 * gaps left in those nodes, then get nodes of their own. A batch is packed by filling one node at
 * a time with the largest shapes that fit (which is first-fit decreasing), using the instance type
 * whose packing of the whole batch costs least; the last node is then shrunk to the cheapest type
 * that still holds its pods. Identical consecutive nodes are computed once and repeated, so 10,000
 * pods over 55 types take milliseconds. Pool limits stop a pool from launching more; what no pool
 * can take is reported with the reason.
 */
public final class BinPacker {

  /** What every node runs before any workload pod: the DaemonSets' requests and pod count. */
  public record Overhead(long cpuMillis, long memoryMiB, int pods) {}

  private final List<NodePoolCapacity> pools;
  private final Overhead overhead;
  private final List<String> zones;
  private final double spotPriceRatio;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, long[]> poolUsage = new LinkedHashMap<>();
  /** The shape queue each placement came from, so pods taken off a node can go back. */
  private final Map<Placement, Deque<Placement>> pendingOf = new java.util.HashMap<>();

  private BinPacker(List<NodePoolCapacity> pools, Overhead overhead, List<String> zones, double spotPriceRatio) {
    this.pools = pools;
    this.overhead = overhead;
    this.zones = zones;
    this.spotPriceRatio = spotPriceRatio;
    pools.forEach(p -> poolUsage.put(p.name(), new long[2]));
  }

  /** Packs {@code groups}; deterministic for the same input. */
  public static CapacityPlan pack(List<PodGroup> groups, List<NodePoolCapacity> pools, Overhead overhead, List<String> zones,
      double spotPriceRatio) {
    return new BinPacker(pools, overhead, zones, spotPriceRatio).run(groups);
  }

  /** Pods with the same requests, zone and anti-affinity, waiting to be placed. */
  private static final class Shape {
    final long cpu;
    final long mem;
    final String zone;
    final PodGroup repelling;
    final Deque<Placement> pending = new ArrayDeque<>();

    Shape(long cpu, long mem, String zone, PodGroup repelling) {
      this.cpu = cpu;
      this.mem = mem;
      this.zone = zone;
      this.repelling = repelling;
    }
  }

  /** Net capacity of one type after the DaemonSets. */
  private record Room(long cpu, long mem, int pods) {}

  private Room room(InstanceType t) {
    return new Room(t.allocatableCpuMillis() - overhead.cpuMillis(), t.allocatableMemoryMiB() - overhead.memoryMiB(),
        t.maxPods() - overhead.pods());
  }

  private CapacityPlan run(List<PodGroup> groups) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    for (PodGroup g : groups) {
      for (int i = 0; i < g.count(); i++) {
        String zone = g.spreadZones() && g.count() >= 2 && zones.size() > 1 ? zones.get(i % zones.size()) : null;
        PodGroup repel = g.onePerNode() ? g : null;
        String key = g.cpuMillis() + "/" + g.memoryMiB() + "/" + zone + "/" + (repel == null ? "" : g.workload() + "@" + g.application());
        Shape shape = shapes.computeIfAbsent(key, k -> new Shape(g.cpuMillis(), g.memoryMiB(), zone, repel));
        Placement p = new Placement(g, i);
        shape.pending.add(p);
        pendingOf.put(p, shape.pending);
      }
    }
    for (String zone : zones) {
      packBatch(shapes.values().stream().filter(s -> zone.equals(s.zone)).toList(), zone);
    }
    List<Shape> anyZone = shapes.values().stream().filter(s -> s.zone == null).toList();
    fillGaps(anyZone);
    if (anyZone.stream().anyMatch(s -> !s.pending.isEmpty())) {
      packBatch(anyZone, leastUsedZone());
    }
    // One entry per workload and reason, whatever zones its pods were meant for.
    Map<PodGroup, Map<String, Integer>> left = new LinkedHashMap<>();
    for (Shape s : shapes.values()) {
      String reason = s.pending.isEmpty() ? null : reason(s);
      s.pending.forEach(p -> left.computeIfAbsent(p.group(), g -> new LinkedHashMap<>()).merge(reason, 1, Integer::sum));
    }
    List<Unschedulable> unschedulable = new ArrayList<>();
    left.forEach((g, byReason) -> byReason.forEach((reason, n) -> unschedulable.add(new Unschedulable(g, n, reason))));
    return new CapacityPlan(List.copyOf(nodes), List.copyOf(unschedulable), LowerBound.of(nodes, pools, t -> {
      Room r = room(t);
      return new double[] {r.cpu, r.mem, r.pods};
    }, spotPriceRatio));
  }

  private String leastUsedZone() {
    String best = zones.get(0);
    long bestCount = Long.MAX_VALUE;
    for (String z : zones) {
      long c = nodes.stream().filter(n -> z.equals(n.zone())).count();
      if (c < bestCount) {
        best = z;
        bestCount = c;
      }
    }
    return best;
  }

  private String reason(Shape s) {
    boolean fitsSomewhere = pools.stream().flatMap(p -> p.types().stream()).anyMatch(t -> fits(room(t), s));
    if (!fitsSomewhere) {
      long maxCpu = pools.stream().flatMap(p -> p.types().stream()).mapToLong(t -> room(t).cpu).max().orElse(0);
      long maxMem = pools.stream().flatMap(p -> p.types().stream()).mapToLong(t -> room(t).mem).max().orElse(0);
      return String.format("requests %dm CPU / %dMi exceed what any allowed instance type has free after DaemonSets "
          + "(at most %dm CPU / %dMi)", s.cpu, s.mem, maxCpu, maxMem);
    }
    List<String> limits = new ArrayList<>();
    for (NodePoolCapacity p : pools) {
      long[] used = poolUsage.get(p.name());
      limits.add(String.format("%s at %d/%s CPU, %d/%s Gi memory", p.name(), used[0] / 1000,
          p.cpuLimitMillis() == null ? "unlimited" : Long.toString(p.cpuLimitMillis() / 1000), used[1] / 1024,
          p.memoryLimitMiB() == null ? "unlimited" : Long.toString(p.memoryLimitMiB() / 1024)));
    }
    return "node pool limits reached: " + String.join("; ", limits);
  }

  private static boolean fits(Room r, Shape s) {
    return r.cpu >= s.cpu && r.mem >= s.mem && r.pods >= 1;
  }

  /** Places pods without a zone into the free room of nodes already launched. */
  private void fillGaps(List<Shape> shapes) {
    List<Shape> order = new ArrayList<>(shapes);
    order.sort(Comparator.comparingLong((Shape s) -> -(s.cpu + s.mem)));
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      Room r = room(n.type());
      long cpu = r.cpu - n.cpuUsedMillis();
      long mem = r.mem - n.memoryUsedMiB();
      int pods = r.pods - n.pods().size();
      List<Placement> added = new ArrayList<>();
      for (Shape s : order) {
        int k = fitCount(s, cpu, mem, pods, n.pods());
        for (int j = 0; j < k; j++) {
          added.add(s.pending.poll());
        }
        cpu -= k * s.cpu;
        mem -= k * s.mem;
        pods -= k;
      }
      if (!added.isEmpty()) {
        List<Placement> all = new ArrayList<>(n.pods());
        all.addAll(added);
        nodes.set(i, withPods(n, all));
      }
    }
  }

  private int fitCount(Shape s, long cpu, long mem, int pods, List<Placement> onNode) {
    long k = s.pending.size();
    k = Math.min(k, s.cpu == 0 ? k : cpu / s.cpu);
    k = Math.min(k, s.mem == 0 ? k : mem / s.mem);
    k = Math.min(k, pods);
    if (s.repelling != null) {
      boolean present = onNode.stream().anyMatch(p -> p.group().equals(s.repelling));
      k = Math.min(k, present ? 0 : 1);
    }
    return (int) Math.max(0, k);
  }

  /**
   * Packs one batch node by node. The relaxation's dual prices say what a millicore, a MiB and a
   * pod slot are worth; each new node is the type whose greedy fill is worth most per dollar, so
   * the nodes follow the cheapest mix of types, and pods too large for the cheap types still get
   * a type that holds them. A fill is repeated while it stays the same; prices are refreshed when
   * a tenth of the batch has been placed.
   */
  /** Removes node {@code i}, returning its pods to their queues. */
  private Node takeBack(int i) {
    Node n = nodes.remove(i);
    long[] used = poolUsage.get(n.pool());
    used[0] -= n.type().vcpu() * 1000L;
    used[1] -= n.type().memoryMiB();
    for (Placement p : n.pods()) {
      pendingOf.get(p).addFirst(p);
    }
    return n;
  }

  private void packBatch(List<Shape> batch, String zone) {
    for (NodePoolCapacity pool : pools) {
      List<InstanceType> candidates = pool.types().stream()
          .filter(t -> room(t).cpu > 0 && room(t).mem > 0 && room(t).pods > 0).toList();
      Map<InstanceType, List<Shape>> orders = new LinkedHashMap<>();
      candidates.forEach(t -> orders.put(t, sorted(batch, room(t))));
      packTowardsMix(batch, pool, candidates, orders, zone);
      double[] prices = null;
      long pricedAt = -1;
      while (true) {
        long pending = batch.stream().mapToLong(sh -> sh.pending.size()).sum();
        if (pending == 0) {
          return;
        }
        if (prices == null || pending < pricedAt * 9 / 10) {
          prices = prices(batch, pool, candidates);
          pricedAt = pending;
        }
        Choice c = bestNode(batch, pool, candidates, orders, prices);
        if (c == null) {
          break;
        }
        long reps = repetitions(c.fill, c.left);
        for (long rep = 0; rep < reps && withinLimits(pool, c.type); rep++) {
          List<Placement> placed = new ArrayList<>();
          long cpu = 0;
          long mem = 0;
          List<Shape> order = orders.get(c.type);
          for (int i = 0; i < order.size(); i++) {
            for (long k = 0; k < c.fill[i]; k++) {
              placed.add(order.get(i).pending.poll());
            }
            cpu += c.fill[i] * order.get(i).cpu;
            mem += c.fill[i] * order.get(i).mem;
          }
          addNode(pool, c.type, zone, placed, cpu, mem);
        }
      }
      if (!nodes.isEmpty() && nodes.get(nodes.size() - 1).pool().equals(pool.name())) {
        shrinkLast(pool, candidates);
      }
    }
  }

  /**
   * First phase: send each shape's pods to types in the proportions of the per-type relaxation's
   * optimum (rounded to whole pods) and fill nodes of each type with its share. The last node of
   * each type is usually part-filled; its pods go back to the batch for the price-directed phase,
   * which puts them on a node of the right size.
   */
  private void packTowardsMix(List<Shape> batch, NodePoolCapacity pool, List<InstanceType> candidates,
      Map<InstanceType, List<Shape>> orders, String zone) {
    List<Shape> live = batch.stream().filter(sh -> !sh.pending.isEmpty()).toList();
    if (live.isEmpty() || candidates.isEmpty()) {
      return;
    }
    List<ShapeLp.Demand> demand = live.stream().map(sh -> new ShapeLp.Demand(sh.cpu, sh.mem, sh.pending.size())).toList();
    List<ShapeLp.Supply> supply = candidates.stream().map(t -> {
      Room r = room(t);
      return new ShapeLp.Supply(r.cpu, r.mem, r.pods, t.pricePerHour(pool.capacityType(), spotPriceRatio));
    }).toList();
    ShapeLp.Solution mix = live.stream().anyMatch(sh -> sh.repelling != null) ? null : ShapeLp.solve(demand, supply);
    if (mix == null) {
      return;
    }
    long[][] quota = roundAssignment(mix.assignment(), demand);
    for (int j = 0; j < candidates.size(); j++) {
      InstanceType t = candidates.get(j);
      List<Shape> order = orders.get(t);
      long[] left = new long[order.size()];
      boolean any = false;
      for (int k = 0; k < order.size(); k++) {
        int i = live.indexOf(order.get(k));
        left[k] = i < 0 ? 0 : Math.min(quota[i][j], order.get(k).pending.size());
        any |= left[k] > 0;
      }
      int firstNode = nodes.size();
      while (any && withinLimits(pool, t)) {
        long[] fill = fillPattern(order, left, room(t));
        if (Arrays.stream(fill).sum() == 0) {
          break;
        }
        long reps = repetitions(fill, left);
        for (long rep = 0; rep < reps && withinLimits(pool, t); rep++) {
          List<Placement> placed = new ArrayList<>();
          long cpu = 0;
          long mem = 0;
          for (int k = 0; k < order.size(); k++) {
            for (long n = 0; n < fill[k]; n++) {
              placed.add(order.get(k).pending.poll());
            }
            left[k] -= fill[k];
            cpu += fill[k] * order.get(k).cpu;
            mem += fill[k] * order.get(k).mem;
          }
          addNode(pool, t, zone, placed, cpu, mem);
        }
        any = Arrays.stream(left).anyMatch(v -> v > 0);
      }
      if (nodes.size() > firstNode) {
        takeBack(nodes.size() - 1);
      }
    }
  }

  /** Rounds a fractional assignment to whole pods, keeping each shape's total (largest remainders). */
  static long[][] roundAssignment(double[][] x, List<ShapeLp.Demand> demand) {
    long[][] q = new long[x.length][];
    for (int i = 0; i < x.length; i++) {
      q[i] = new long[x[i].length];
      long assigned = 0;
      Integer[] byRemainder = new Integer[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        q[i][j] = (long) Math.floor(x[i][j] + 1e-9);
        assigned += q[i][j];
        byRemainder[j] = j;
      }
      final int row = i;
      java.util.Arrays.sort(byRemainder, Comparator.comparingDouble((Integer j) -> -(x[row][j] - Math.floor(x[row][j] + 1e-9))));
      long missing = demand.get(i).count() - assigned;
      for (int k = 0; missing > 0 && k < byRemainder.length; k++) {
        if (x[i][byRemainder[k]] > 1e-9) {
          q[i][byRemainder[k]]++;
          missing--;
        }
      }
    }
    return q;
  }


  /** A node to launch: its type and how many pods of each shape (in that type's order) it takes. */
  private record Choice(InstanceType type, long[] fill, long[] left) {}

  private Choice bestNode(List<Shape> batch, NodePoolCapacity pool, List<InstanceType> candidates,
      Map<InstanceType, List<Shape>> orders, double[] y) {
    Choice best = null;
    double bestRatio = -1;
    double bestPrice = Double.MAX_VALUE;
    for (InstanceType t : candidates) {
      if (!withinLimits(pool, t)) {
        continue;
      }
      List<Shape> order = orders.get(t);
      long[] left = new long[order.size()];
      for (int i = 0; i < left.length; i++) {
        left[i] = order.get(i).pending.size();
      }
      long[] fill = fillPattern(order, left, room(t));
      double value = 0;
      long placed = 0;
      for (int i = 0; i < fill.length; i++) {
        Shape sh = order.get(i);
        // A tiny value per pod keeps nodes that only place pods the prices do not value ranked.
        value += fill[i] * (y[0] * sh.cpu + y[1] * sh.mem + y[2] + 1e-9);
        placed += fill[i];
      }
      if (placed == 0) {
        continue;
      }
      double price = t.pricePerHour(pool.capacityType(), spotPriceRatio);
      double ratio = value / price;
      if (ratio > bestRatio * (1 + 1e-9) || Math.abs(ratio - bestRatio) <= bestRatio * 1e-9 && price < bestPrice) {
        best = new Choice(t, fill, left);
        bestRatio = ratio;
        bestPrice = price;
      }
    }
    return best;
  }

  /** Dual prices of the batch's remaining demand over the pool's types. */
  private double[] prices(List<Shape> batch, NodePoolCapacity pool, List<InstanceType> candidates) {
    double cpu = 0;
    double mem = 0;
    double pods = 0;
    for (Shape sh : batch) {
      cpu += sh.cpu * (double) sh.pending.size();
      mem += sh.mem * (double) sh.pending.size();
      pods += sh.pending.size();
    }
    List<LowerBound.Column> cols = new ArrayList<>();
    for (InstanceType t : candidates) {
      Room r = room(t);
      cols.add(new LowerBound.Column(r.cpu, r.mem, r.pods, t.pricePerHour(pool.capacityType(), spotPriceRatio)));
    }
    double[] d = LowerBound.duals(cols, new double[] {cpu, mem, pods});
    return new double[] {d[1], d[2], d[3]};
  }

  private boolean withinLimits(NodePoolCapacity pool, InstanceType t) {
    long[] used = poolUsage.get(pool.name());
    return (pool.cpuLimitMillis() == null || used[0] + t.vcpu() * 1000L <= pool.cpuLimitMillis())
        && (pool.memoryLimitMiB() == null || used[1] + t.memoryMiB() <= pool.memoryLimitMiB());
  }



  /**
   * How many pods of each shape one empty node of room {@code r} takes. Pods are added one at a
   * time, each time the shape whose requests best match the room left (the largest dot product of
   * its normalised requests with the normalised free room: the "dot-product" heuristic for vector
   * bin packing), so CPU and memory fill together instead of one running out first.
   */
  private static long[] fillPattern(List<Shape> order, long[] left, Room r) {
    double cpu = r.cpu;
    double mem = r.mem;
    long pods = r.pods;
    long[] fill = new long[order.size()];
    while (pods > 0) {
      int best = -1;
      double bestScore = -1;
      for (int i = 0; i < order.size(); i++) {
        Shape s = order.get(i);
        if (fill[i] >= left[i] || s.cpu > cpu || s.mem > mem || s.repelling != null && fill[i] >= 1) {
          continue;
        }
        double score = (s.cpu / (double) r.cpu) * (cpu / r.cpu) + (s.mem / (double) r.mem) * (mem / r.mem)
            + (1.0 / r.pods) * ((double) pods / r.pods);
        if (score > bestScore) {
          best = i;
          bestScore = score;
        }
      }
      if (best < 0) {
        break;
      }
      Shape s = order.get(best);
      fill[best]++;
      cpu -= s.cpu;
      mem -= s.mem;
      pods--;
    }
    return fill;
  }

  /** How many identical nodes the same fill repeats for (exact: see class comment). */
  private static long repetitions(long[] fill, long[] left) {
    long reps = Long.MAX_VALUE;
    for (int i = 0; i < fill.length; i++) {
      if (fill[i] > 0) {
        reps = Math.min(reps, left[i] / fill[i]);
      }
    }
    return Math.max(1, reps);
  }

  private static List<Shape> sorted(List<Shape> batch, Room r) {
    List<Shape> order = new ArrayList<>(batch);
    order.sort(Comparator.comparingDouble((Shape s) -> -Math.max((double) s.cpu / r.cpu, (double) s.mem / r.mem))
        .thenComparingLong(s -> -s.cpu).thenComparingLong(s -> -s.mem)
        .thenComparing(s -> s.repelling == null ? "" : s.repelling.workload()));
    return order;
  }



  private void addNode(NodePoolCapacity pool, InstanceType t, String zone, List<Placement> placed, long cpu, long mem) {
    long[] used = poolUsage.get(pool.name());
    used[0] += t.vcpu() * 1000L;
    used[1] += t.memoryMiB();
    nodes.add(new Node("node-" + (nodes.size() + 1), pool.name(), t, pool.capacityType(), zone,
        t.pricePerHour(pool.capacityType(), spotPriceRatio), List.copyOf(placed), cpu, mem));
  }

  /** Replaces the last node with the cheapest type that still holds its pods. */
  private void shrinkLast(NodePoolCapacity pool, List<InstanceType> candidates) {
    Node last = nodes.get(nodes.size() - 1);
    InstanceType best = last.type();
    for (InstanceType t : candidates) {
      Room r = room(t);
      boolean holds = r.cpu >= last.cpuUsedMillis() && r.mem >= last.memoryUsedMiB() && r.pods >= last.pods().size();
      if (holds && t.pricePerHour(pool.capacityType(), spotPriceRatio) < best.pricePerHour(pool.capacityType(), spotPriceRatio)) {
        best = t;
      }
    }
    if (best != last.type()) {
      long[] used = poolUsage.get(pool.name());
      used[0] += (best.vcpu() - last.type().vcpu()) * 1000L;
      used[1] += best.memoryMiB() - last.type().memoryMiB();
      nodes.set(nodes.size() - 1, new Node(last.id(), last.pool(), best, last.capacityType(), last.zone(),
          best.pricePerHour(pool.capacityType(), spotPriceRatio), last.pods(), last.cpuUsedMillis(), last.memoryUsedMiB()));
    }
  }

  private static Node withPods(Node n, List<Placement> pods) {
    long cpu = pods.stream().mapToLong(p -> p.group().cpuMillis()).sum();
    long mem = pods.stream().mapToLong(p -> p.group().memoryMiB()).sum();
    return new Node(n.id(), n.pool(), n.type(), n.capacityType(), n.zone(), n.pricePerHour(), List.copyOf(pods), cpu, mem);
  }
}
