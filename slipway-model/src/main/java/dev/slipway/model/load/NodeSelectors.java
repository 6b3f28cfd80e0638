package dev.slipway.model.load;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.NodePoolSpec;
import dev.slipway.model.yaml.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether a component's {@code nodeSelector} can match a node of the environment's node pools.
 * A pool's nodes carry labels Slipway knows the values of (the pool's name, instance types,
 * capacity type, architectures, zones, the OS); a selector that asks one of those for a value no
 * pool gives leaves the pods Pending forever — the capacity planner's "can never be scheduled".
 * Labels Slipway cannot know (added by a cloud or by hand) are taken as satisfiable.
 */
final class NodeSelectors {
  static final String CODE = "capacity.unschedulable";

  private NodeSelectors() {}

  /** The values each label Slipway knows takes on the nodes of {@code pool}; an empty set is any value. */
  static Map<String, Set<String>> known(NodePoolSpec pool) {
    Map<String, Set<String>> m = new TreeMap<>();
    m.put("slipway.dev/node-pool", Set.of(pool.name()));
    m.put("karpenter.sh/nodepool", Set.of(pool.name()));
    m.put("node.kubernetes.io/instance-type", Set.copyOf(pool.instanceTypes()));
    m.put("beta.kubernetes.io/instance-type", Set.copyOf(pool.instanceTypes()));
    m.put("karpenter.k8s.aws/instance-family", Set.copyOf(pool.instanceTypes().stream().map(t -> t.split("\\.")[0]).toList()));
    m.put("karpenter.sh/capacity-type", Set.of(pool.capacityType()));
    m.put("kubernetes.io/arch", Set.copyOf(pool.architectures()));
    m.put("beta.kubernetes.io/arch", Set.copyOf(pool.architectures()));
    m.put("topology.kubernetes.io/zone", Set.copyOf(pool.zones()));
    m.put("kubernetes.io/os", Set.of("linux"));
    return m;
  }

  static void check(Map<String, String> selector, Fields f, EnvironmentSpec env, Diagnostics d) {
    if (env.nodePools().isEmpty() || selector.isEmpty()) {
      return;
    }
    List<String> why = new ArrayList<>();
    for (NodePoolSpec pool : env.nodePools()) {
      Map<String, Set<String>> known = known(pool);
      String miss = null;
      for (var e : selector.entrySet()) {
        Set<String> values = known.get(e.getKey());
        if (values != null && !values.isEmpty() && !values.contains(e.getValue())) {
          miss = e.getKey() + "=" + e.getValue() + " (its nodes have " + String.join(", ", new java.util.TreeSet<>(values)) + ")";
          break;
        }
      }
      if (miss == null) {
        return;
      }
      why.add("pool " + pool.name() + ": " + miss);
    }
    boolean enforced = env.policy().enforcement() == EnvironmentSpec.Enforcement.ENFORCE;
    String msg = "no node pool of environment " + env.name() + " has nodes this nodeSelector matches, so the pods can never be"
        + " scheduled: " + String.join("; ", why) + "; change the selector or the environment's nodePools";
    var at = f.position("nodeSelector");
    d.add(new Diagnostic(enforced ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING, CODE, at.file(), at.line(), at.column(),
        f.path("nodeSelector"), msg));
  }
}
