package dev.slipway.engine.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.capacity.CapacityPlan.Node;
import dev.slipway.engine.capacity.CostReport.Line;
import dev.slipway.engine.capacity.CostReport.Scenario;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.NodePoolSpec;
import dev.slipway.model.yaml.Quantities;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Estimates an environment's monthly cost from its rendered objects: nodes from packing the pods
 * at the replica floor and at the autoscaling ceiling, plus the managed services around them
 * (EKS control plane, one ALB per ingress group, NAT gateways, EBS volumes, Secrets Manager
 * secrets and calls, managed Prometheus ingestion). Pure: same input, same report.
 */
public final class CostPlanner {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private final Catalog catalog;

  public CostPlanner(Catalog catalog) {
    this.catalog = catalog;
  }

  public Catalog catalog() {
    return catalog;
  }

  public CostReport plan(EnvironmentSpec env, List<ApplicationBundle> bundles, String region) {
    return planInputs(env, bundles.stream().map(CostInputs::of).toList(), region);
  }

  /** The same report from what cost needs of each application, kept while a large plan streams. */
  public CostReport planInputs(EnvironmentSpec env, List<CostInputs> inputs, String region) {
    List<String> notes = new ArrayList<>();
    if (!catalog.region().equals(region)) {
      notes.add("prices are for " + catalog.region() + " but the platform runs in " + region
          + "; set spec.pricing in slipway.yaml for accurate figures");
    }
    List<NodePoolCapacity> pools = pools(env, notes);
    BinPacker.Overhead overhead = overhead(env);
    List<String> zones = zones(env, region);
    Map<Workloads.Scenario, CapacityPlan> plans = new LinkedHashMap<>();
    Map<Workloads.Scenario, List<PodGroup>> groups = new LinkedHashMap<>();
    for (Workloads.Scenario s : Workloads.Scenario.values()) {
      List<PodGroup> g = new ArrayList<>();
      inputs.forEach(b -> g.addAll(b.pods(s)));
      groups.put(s, g);
      plans.put(s, BinPacker.pack(g, pools, overhead, zones, catalog.spotPriceRatio()));
    }
    if (pools.isEmpty()) {
      notes.add("environment " + env.name() + " has no node pools: node costs are not estimated");
    }
    Map<String, Integer> minCounts = new HashMap<>();
    groups.get(Workloads.Scenario.MIN).forEach(g -> minCounts.merge(Consolidation.key(g), g.count(), Integer::sum));
    boolean underutilized = pools.stream().anyMatch(p -> "WhenEmptyOrUnderutilized".equals(p.consolidation()));
    List<Consolidation.Drain> drains = Consolidation.plan(plans.get(Workloads.Scenario.MAX), minCounts, underutilized,
        t -> new long[] {t.allocatableCpuMillis() - overhead.cpuMillis(), t.allocatableMemoryMiB() - overhead.memoryMiB(),
            t.maxPods() - overhead.pods()});
    return new CostReport(env.name(), catalog,
        scenario(env, inputs, plans.get(Workloads.Scenario.MIN), notes),
        scenario(env, inputs, plans.get(Workloads.Scenario.MAX), notes), drains, List.copyOf(notes));
  }

  /** The environment's node pools as the planner sees them: instance types resolved in the catalogue, limits in millicores and MiB. */
  public List<NodePoolCapacity> nodePools(EnvironmentSpec env) {
    return pools(env, new ArrayList<>());
  }

  /** What every node of the environment runs before any workload pod: its DaemonSets (and the metrics agent). */
  public BinPacker.Overhead daemonOverhead(EnvironmentSpec env) {
    return overhead(env);
  }

  private List<NodePoolCapacity> pools(EnvironmentSpec env, List<String> notes) {
    List<NodePoolCapacity> out = new ArrayList<>();
    for (NodePoolSpec p : env.nodePools()) {
      List<InstanceType> types = new ArrayList<>();
      for (String t : p.instanceTypes()) {
        InstanceType it = catalog.instanceTypes().get(t);
        if (it == null) {
          notes.add("node pool " + p.name() + ": instance type " + t + " is not in the price catalogue and is left out"
              + " (add it under spec.pricing.instanceTypes)");
        } else {
          types.add(it);
        }
      }
      out.add(new NodePoolCapacity(p.name(), types, p.capacityType(), p.zones(),
          p.cpuLimit() == null ? null : Resources.cpuMillis(p.cpuLimit()),
          p.memoryLimit() == null ? null : Resources.memoryMiB(p.memoryLimit()), p.consolidation()));
    }
    return out;
  }

  private BinPacker.Overhead overhead(EnvironmentSpec env) {
    long cpu = 0;
    long mem = 0;
    int pods = 0;
    List<Catalog.Pod> daemons = new ArrayList<>(catalog.daemonSets().values());
    if (env.addons().metrics() != null) {
      daemons.addAll(catalog.metricsAgent().values());
    }
    for (Catalog.Pod d : daemons) {
      cpu += d.cpuMillis();
      mem += d.memoryMiB();
      pods++;
    }
    return new BinPacker.Overhead(cpu, mem, pods);
  }

  static List<String> zones(EnvironmentSpec env, String region) {
    for (NodePoolSpec p : env.nodePools()) {
      if (!p.zones().isEmpty()) {
        return p.zones();
      }
    }
    List<String> z = new ArrayList<>();
    for (int i = 0; i < env.cluster().zones(); i++) {
      z.add(region + (char) ('a' + i));
    }
    return z;
  }

  private Scenario scenario(EnvironmentSpec env, List<CostInputs> inputs, CapacityPlan capacity, List<String> notes) {
    double hours = catalog.hoursPerMonth();
    Catalog.Services p = catalog.services();
    Catalog.Assumptions a = catalog.assumptions();
    List<Line> lines = new ArrayList<>();
    SortedMap<String, Double> perApp = new TreeMap<>();
    inputs.forEach(b -> perApp.put(b.application(), 0.0));
    double shared = 0;

    double nodes = capacity.costPerHour() * hours;
    String notPlaced = capacity.notPlaced();
    lines.add(new Line("nodes", describeNodes(capacity) + (notPlaced == null ? "" : "; " + notPlaced), nodes));
    apportionNodes(capacity, nodes, perApp);

    double system = 0;
    String systemDetail = "none configured (cluster.systemNodes)";
    if (env.cluster().systemNodeType() != null) {
      InstanceType t = catalog.instanceTypes().get(env.cluster().systemNodeType());
      if (t == null) {
        systemDetail = env.cluster().systemNodeType() + " is not in the price catalogue";
      } else {
        system = env.cluster().systemNodeCount() * t.onDemandPerHour() * hours;
        systemDetail = env.cluster().systemNodeCount() + " x " + t.name() + " on-demand (managed node group)";
      }
    }
    lines.add(new Line("system nodes", systemDetail, system));
    shared += system;

    double controlPlane = p.eksControlPlanePerHour() * hours;
    lines.add(new Line("EKS control plane", "1 cluster", controlPlane));
    shared += controlPlane;

    Map<String, Set<String>> albGroups = albGroups(inputs);
    double perAlb = (p.albPerHour() + a.albLcus() * p.albLcuPerHour()) * hours;
    lines.add(new Line("load balancers", albGroups.size() + " ALB (one per ingress group)", perAlb * albGroups.size()));
    albGroups.values().forEach(group -> group.forEach(app -> perApp.merge(app, perAlb / group.size(), Double::sum)));

    double nat = env.cluster().natGateways() * (p.natGatewayPerHour() * hours + a.natGbPerMonth() * p.natPerGb());
    lines.add(new Line("NAT gateways", env.cluster().natGateways() + " gateway(s), " + (long) a.natGbPerMonth() + " GB each", nat));
    shared += nat;

    double rootGb = capacity.nodes().size() * a.nodeRootVolumeGb();
    double ebsShared = rootGb * p.ebsGp3PerGbMonth();
    double volumesGb = 0;
    for (CostInputs b : inputs) {
      double gb = b.volumeGb();
      volumesGb += gb;
      perApp.merge(b.application(), gb * p.ebsGp3PerGbMonth(), Double::sum);
    }
    lines.add(new Line("EBS volumes", String.format("%.0f GB of volumes + %.0f GB of node root volumes", volumesGb, rootGb),
        (volumesGb + rootGb) * p.ebsGp3PerGbMonth()));
    shared += ebsShared;

    double secrets = secrets(env, inputs, perApp, hours);
    lines.add(new Line("Secrets Manager", secretsDetail(env, inputs, hours), secrets));

    double amp = prometheus(inputs, capacity, perApp, hours);
    lines.add(new Line("managed Prometheus", ampDetail(inputs, capacity, hours), amp));

    perApp.replaceAll((k, v) -> round(v));
    return new Scenario(capacity, lines.stream().map(l -> new Line(l.category(), l.detail(), round(l.monthly()))).toList(),
        perApp, round(shared));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** "5 x t3.medium on-demand, 1 x m5.large on-demand". */
  public static String describeNodes(CapacityPlan c) {
    if (c.nodes().isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    c.nodeCounts().forEach((k, v) -> parts.add(v + " x " + k));
    return String.join(", ", parts);
  }

  /** Each application pays for nodes in proportion to the CPU and memory its pods request. */
  private static void apportionNodes(CapacityPlan c, double cost, Map<String, Double> perApp) {
    double cpu = 0;
    double mem = 0;
    Map<String, double[]> byApp = new TreeMap<>();
    for (Node n : c.nodes()) {
      for (var pl : n.pods()) {
        double[] v = byApp.computeIfAbsent(pl.group().application(), k -> new double[2]);
        v[0] += pl.group().cpuMillis();
        v[1] += pl.group().memoryMiB();
        cpu += pl.group().cpuMillis();
        mem += pl.group().memoryMiB();
      }
    }
    for (var e : byApp.entrySet()) {
      double share = ((cpu == 0 ? 0 : e.getValue()[0] / cpu) + (mem == 0 ? 0 : e.getValue()[1] / mem)) / 2;
      perApp.merge(e.getKey(), share * cost, Double::sum);
    }
  }

  /**
   * One application's share of the scenario's node cost, by component, with the rule that
   * {@link Scenario#perApplication} uses for whole applications: in proportion to the CPU and
   * memory the pods request (half each). The components' shares add up to the application's share
   * of the nodes; its other costs (load balancer, volumes, secrets, metrics) are not in them.
   */
  public static SortedMap<String, Double> nodeCostByComponent(Scenario s, String application) {
    double cpu = 0;
    double mem = 0;
    Map<String, double[]> byComponent = new TreeMap<>();
    for (Node n : s.capacity().nodes()) {
      for (var pl : n.pods()) {
        cpu += pl.group().cpuMillis();
        mem += pl.group().memoryMiB();
        if (pl.group().application().equals(application)) {
          double[] v = byComponent.computeIfAbsent(pl.group().component(), k -> new double[2]);
          v[0] += pl.group().cpuMillis();
          v[1] += pl.group().memoryMiB();
        }
      }
    }
    double nodes = s.line("nodes");
    SortedMap<String, Double> out = new TreeMap<>();
    for (var e : byComponent.entrySet()) {
      double share = ((cpu == 0 ? 0 : e.getValue()[0] / cpu) + (mem == 0 ? 0 : e.getValue()[1] / mem)) / 2;
      out.put(e.getKey(), round(share * nodes));
    }
    return out;
  }

  /** ALB ingress groups and the applications in each. */
  static Map<String, Set<String>> albGroups(List<CostInputs> inputs) {
    Map<String, Set<String>> groups = new TreeMap<>();
    for (CostInputs b : inputs) {
      for (String g : b.albGroups()) {
        groups.computeIfAbsent(g, k -> new TreeSet<>()).add(b.application());
      }
    }
    return groups;
  }

  static double volumeGb(ApplicationBundle b) {
    double gb = 0;
    for (RenderedObject o : b.objects()) {
      if (o.kind().equals("StatefulSet")) {
        int replicas = o.body().path("spec").path("replicas").asInt(1);
        for (JsonNode claim : o.body().path("spec").path("volumeClaimTemplates")) {
          String size = claim.path("spec").path("resources").path("requests").path("storage").asText("0");
          gb += replicas * (Quantities.isValid(size) ? Resources.storageGiB(size) : 0);
        }
      } else if (o.kind().equals("PersistentVolumeClaim")) {
        String size = o.body().path("spec").path("resources").path("requests").path("storage").asText("0");
        gb += Quantities.isValid(size) ? Resources.storageGiB(size) : 0;
      }
    }
    return gb;
  }

  /** Secrets Manager: each distinct key stored, plus one GetSecretValue per entry per refresh. */
  private double secrets(EnvironmentSpec env, List<CostInputs> inputs, Map<String, Double> perApp, double hours) {
    if (env.addons().secrets() == null || !env.addons().secrets().provider().equals("aws-secretsmanager")) {
      return 0;
    }
    Catalog.Services p = catalog.services();
    Map<String, Set<String>> keyApps = new TreeMap<>();
    double total = 0;
    for (CostInputs b : inputs) {
      for (CostInputs.SecretUse es : b.secrets()) {
        double refreshes = hours * 3600 / Math.max(1, es.refreshSeconds());
        double calls = es.entries() * refreshes;
        double cost = calls / 10_000 * p.secretsManagerPer10kCalls();
        total += cost;
        perApp.merge(b.application(), cost, Double::sum);
        for (String key : es.keys()) {
          keyApps.computeIfAbsent(key, k -> new TreeSet<>()).add(b.application());
        }
      }
    }
    for (Set<String> apps : keyApps.values()) {
      total += p.secretsManagerPerSecretMonth();
      apps.forEach(app -> perApp.merge(app, p.secretsManagerPerSecretMonth() / apps.size(), Double::sum));
    }
    return total;
  }

  private String secretsDetail(EnvironmentSpec env, List<CostInputs> inputs, double hours) {
    if (env.addons().secrets() == null) {
      return "no secrets add-on";
    }
    if (!env.addons().secrets().provider().equals("aws-secretsmanager")) {
      return env.addons().secrets().provider() + ": standard parameters are free";
    }
    Set<String> keys = new TreeSet<>();
    double calls = 0;
    for (CostInputs b : inputs) {
      for (CostInputs.SecretUse es : b.secrets()) {
        calls += es.entries() * hours * 3600 / Math.max(1, es.refreshSeconds());
        keys.addAll(es.keys());
      }
    }
    return String.format("%d secrets, %,.0f GetSecretValue calls (refreshInterval %s)", keys.size(), calls,
        env.addons().secrets().refreshInterval());
  }

  /** Managed Prometheus ingestion: targets x series x scrapes per month, tiered, shared by samples. */
  private double prometheus(List<CostInputs> inputs, CapacityPlan capacity, Map<String, Double> perApp, double hours) {
    Map<String, Double> samplesByApp = new TreeMap<>();
    for (CostInputs b : inputs) {
      for (CostInputs.Monitor sm : b.monitors()) {
        samplesByApp.merge(b.application(), samples(b, sm, capacity, hours), Double::sum);
      }
    }
    double samples = samplesByApp.values().stream().mapToDouble(Double::doubleValue).sum();
    double total = catalog.services().ampCost(samples);
    if (samples > 0) {
      samplesByApp.forEach((app, n) -> perApp.merge(app, total * n / samples, Double::sum));
    }
    return total;
  }

  /** Pods per application and component, counted once per plan (a plan has thousands of monitors). */
  private final Map<CapacityPlan, Map<String, Long>> podCounts = new java.util.IdentityHashMap<>();

  private double samples(CostInputs b, CostInputs.Monitor sm, CapacityPlan capacity, double hours) {
    Map<String, Long> counts = podCounts.computeIfAbsent(capacity, c -> {
      Map<String, Long> m = new HashMap<>();
      c.nodes().forEach(n -> n.pods().forEach(p -> m.merge(p.group().application() + "/" + p.group().component(), 1L, Long::sum)));
      return m;
    });
    long targets = sm.component() == null ? 0 : counts.getOrDefault(b.application() + "/" + sm.component(), 0L);
    double interval = sm.intervalSeconds();
    return targets * catalog.assumptions().seriesPerTarget() * (hours * 3600 / Math.max(1, interval));
  }

  private String ampDetail(List<CostInputs> inputs, CapacityPlan capacity, double hours) {
    double samples = 0;
    int monitors = 0;
    for (CostInputs b : inputs) {
      for (CostInputs.Monitor sm : b.monitors()) {
        monitors++;
        samples += samples(b, sm, capacity, hours);
      }
    }
    return String.format("%d ServiceMonitors, %,.0f samples (assumes %.0f series per pod)", monitors, samples,
        catalog.assumptions().seriesPerTarget());
  }

  /** A Go-style duration in seconds ("15s", "1h30m"). */
  static double seconds(String duration) {
    Matcher m = DURATION_PART.matcher(duration);
    double s = 0;
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      s += switch (m.group(2)) {
        case "ms" -> v / 1000;
        case "s" -> v;
        case "m" -> v * 60;
        default -> v * 3600;
      };
    }
    return s;
  }
}
