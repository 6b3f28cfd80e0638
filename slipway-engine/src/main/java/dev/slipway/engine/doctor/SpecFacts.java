package dev.slipway.engine.doctor;

import dev.slipway.engine.capacity.BinPacker;
import dev.slipway.engine.capacity.Catalog;
import dev.slipway.engine.capacity.CostPlanner;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.yaml.YamlLoader;
import dev.slipway.engine.capacity.InstanceType;
import dev.slipway.engine.capacity.NodePoolCapacity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the analyzers know of the spec for one environment: which application lives in which
 * namespace, each component as resolved, where each field was written, and the node pools as the
 * capacity planner sees them (instance types resolved in the catalogue, allocatable after EKS's
 * reservations, less what every node's DaemonSets take).
 *
 * @param platformTree the parsed {@code slipway.yaml}, for pointing at platform fields (node pool
 *     limits, storage class, allowed registries); null points at the environment instead
 */
public record SpecFacts(EnvironmentPlan plan, List<NodePoolCapacity> pools, BinPacker.Overhead overhead, SpecNode platformTree) {

  public SpecFacts {
    pools = List.copyOf(pools);
    overhead = overhead == null ? new BinPacker.Overhead(0, 0, 0) : overhead;
  }

  /** The facts of a planned environment, with its node pools resolved in {@code catalog} as the capacity planner resolves them. */
  public static SpecFacts of(EnvironmentPlan plan, Catalog catalog, SpecNode platformTree) {
    CostPlanner cost = new CostPlanner(catalog);
    return new SpecFacts(plan, cost.nodePools(plan.environment()), cost.daemonOverhead(plan.environment()), platformTree);
  }

  /** {@code slipway.yaml} parsed for its positions, or null when it does not parse (its errors are the plan's to report). */
  public static SpecNode platformTree(String content) {
    var docs = YamlLoader.forSpecs().load(content, Workspace.PLATFORM_FILE, Origin.Layer.PLATFORM, new Diagnostics());
    return docs.isEmpty() ? null : docs.get(0).root();
  }

  public EnvironmentSpec environment() {
    return plan.environment();
  }

  /** The application whose namespace is {@code namespace}, if any. */
  public Optional<ApplicationPlan> applicationInNamespace(String namespace) {
    if (namespace == null) {
      return Optional.empty();
    }
    return plan.applications().stream().filter(a -> a.bundle().namespace().equals(namespace)).findFirst();
  }

  public Optional<ApplicationPlan> application(String name) {
    return plan.applications().stream().filter(a -> a.name().equals(name)).findFirst();
  }

  public Optional<ComponentSpec> component(String application, String component) {
    if (application == null || component == null) {
      return Optional.empty();
    }
    return application(application).flatMap(a -> a.resolved().components().stream().filter(c -> c.name().equals(component)).findFirst());
  }

  /**
   * Where a component's field was written: the first of {@code fields} (dotted paths from the
   * component) written in full in any layer, else the deepest written part of the first, else the
   * component's own entry. The field is named as written: {@code components.api.resources.memory}
   * in the application's components, {@code environments.dev.components.api...} in an override,
   * {@code environments[dev].defaults...} in slipway.yaml's defaults.
   */
  public SpecRef locate(String application, String component, String... fields) {
    Optional<ApplicationPlan> app = application(application);
    if (app.isEmpty() || component == null) {
      return null;
    }
    SpecNode tree = app.get().resolved().trees().get(component);
    Written best = null;
    for (String field : fields) {
      Written w = written(tree, field);
      if (w != null && w.complete()) {
        return ref(w, component);
      }
      if (best == null) {
        best = w;
      }
    }
    if (best != null) {
      return ref(best, component);
    }
    SpecNode entry = app.get().resolved().app().components().get(component);
    Position at = entry != null && entry.position().line() > 0 ? entry.position() : Position.file(app.get().resolved().app().file());
    return new SpecRef(at, "components." + component);
  }

  private record Written(Position position, String path, Origin.Layer layer, boolean complete) {}

  private static Written written(SpecNode tree, String field) {
    SpecNode n = tree;
    Written best = null;
    String[] keys = field.split("\\.");
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < keys.length; i++) {
      if (!(n instanceof MapNode m) || !m.has(keys[i])) {
        break;
      }
      path.append(i == 0 ? "" : ".").append(keys[i]);
      Position p = m.writtenKeyPosition(keys[i]);
      SpecNode v = m.get(keys[i]);
      if (p != null) {
        best = new Written(p, path.toString(), v.origin().layer(), i == keys.length - 1);
      }
      n = v;
    }
    return best;
  }

  private SpecRef ref(Written w, String component) {
    String field = switch (w.layer()) {
      case ENVIRONMENT -> "environments." + plan.name() + ".components." + component + "." + w.path();
      case PLATFORM -> "environments[" + plan.name() + "].defaults." + w.path();
      default -> "components." + component + "." + w.path();
    };
    return new SpecRef(w.position(), field);
  }

  /**
   * Where a field of this environment is written in slipway.yaml ({@code path} below the
   * environment, e.g. {@code nodePools.limits}), else the deepest written part, else the environment.
   */
  public SpecRef platformField(String path) {
    String label = "environments[" + plan.name() + "]";
    SpecRef written = deepestWritten(environmentTree(), label, path, true);
    return written != null ? written : new SpecRef(environment().position(), label);
  }

  /**
   * Where a field under the platform's {@code spec} is written (e.g. {@code addons.storage.class}),
   * else the deepest written part of its path (named as written), or null when none is.
   */
  public SpecRef platformSpecField(String path) {
    return deepestWritten(platformTree instanceof MapNode root ? root.get("spec") : null, "spec", path, false);
  }

  /**
   * The deepest key of the dotted {@code path} below {@code start} that is written in the file,
   * named {@code label.path}; with {@code intoLists}, a list on the way is entered at its first
   * item. Null when no key of the path is written.
   */
  private static SpecRef deepestWritten(SpecNode start, String label, String path, boolean intoLists) {
    SpecNode n = start;
    SpecRef best = null;
    StringBuilder sb = new StringBuilder(label);
    for (String k : path.split("\\.")) {
      if (intoLists && n instanceof ListNode l && !l.items().isEmpty()) {
        n = l.items().get(0);
        sb.append("[0]");
      }
      if (!(n instanceof MapNode m) || !m.has(k)) {
        break;
      }
      sb.append('.').append(k);
      Position p = m.writtenKeyPosition(k);
      if (p != null) {
        best = new SpecRef(p, sb.toString());
      }
      n = m.get(k);
    }
    return best;
  }

  private SpecNode environmentTree() {
    if (!(platformTree instanceof MapNode root) || !(root.get("spec") instanceof MapNode spec)
        || !(spec.get("environments") instanceof ListNode envs)) {
      return null;
    }
    for (SpecNode e : envs.items()) {
      if (e instanceof MapNode m && m.get("name") instanceof SpecNode.Scalar s && s.value().equals(plan.name())) {
        return m;
      }
    }
    return null;
  }

  /** The largest node a pod can land on: the instance type with the most allocatable memory (then CPU), less DaemonSets. */
  public Optional<Node> largestNode() {
    Node best = null;
    for (NodePoolCapacity p : pools) {
      for (InstanceType t : p.types()) {
        Node n = new Node(p.name(), t.name(), t.allocatableCpuMillis() - overhead.cpuMillis(), t.allocatableMemoryMiB() - overhead.memoryMiB());
        if (best == null || n.memoryMiB() > best.memoryMiB() || n.memoryMiB() == best.memoryMiB() && n.cpuMillis() > best.cpuMillis()) {
          best = n;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** The most CPU and memory any one pod may request in this environment: the largest of each over every allowed instance type. */
  public long[] largestRequests() {
    long cpu = 0;
    long mem = 0;
    for (NodePoolCapacity p : pools) {
      for (InstanceType t : p.types()) {
        cpu = Math.max(cpu, t.allocatableCpuMillis() - overhead.cpuMillis());
        mem = Math.max(mem, t.allocatableMemoryMiB() - overhead.memoryMiB());
      }
    }
    return new long[] {cpu, mem};
  }

  /** A node a pool may launch: what a pod may request on it. */
  public record Node(String pool, String instanceType, long cpuMillis, long memoryMiB) {}

  /** Names of the components of each application, for telling a component's objects from others. */
  public Map<String, List<String>> components() {
    Map<String, List<String>> out = new TreeMap<>();
    plan.applications().forEach(a -> out.put(a.name(), a.resolved().components().stream().map(ComponentSpec::name).toList()));
    return out;
  }
}
