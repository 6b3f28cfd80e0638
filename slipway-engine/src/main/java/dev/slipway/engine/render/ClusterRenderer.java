package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.NodePoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Renders an environment's cluster-wide objects: a Karpenter {@code NodePool} and
 * {@code EC2NodeClass} per node pool, and shared namespaces when applications share one.
 */
public final class ClusterRenderer {
  private ClusterRenderer() {}

  public static List<RenderedObject> render(EnvironmentSpec env, List<String> sharedNamespaces) {
    List<RenderedObject> out = new ArrayList<>();
    for (String ns : sharedNamespaces) {
      ObjectNode meta = Json.obj().put("name", ns);
      java.util.TreeMap<String, String> labels = Labels.environment(env.name(), ns);
      if (env.addons().ingress() != null && env.addons().ingress().albToPods()) {
        // Readiness gates for ALB-backed pods of any application here; pods no target group selects get none.
        labels.put(TrafficRenderer.READINESS_GATE_LABEL, "enabled");
      }
      meta.set("labels", Json.map(labels));
      meta.set("annotations", Json.obj(Labels.SYNC_WAVE, "0"));
      ObjectNode o = Json.obj().put("apiVersion", "v1").put("kind", "Namespace");
      o.set("metadata", meta);
      out.add(new RenderedObject("v1", "Namespace", null, ns, null, 0, o));
    }
    for (NodePoolSpec p : env.nodePools()) {
      out.add(nodeClass(env, p));
      out.add(nodePool(env, p));
    }
    ArgoSyncWave.annotate(out, true);
    out.forEach(o -> ApplicationRenderer.sortMetadata(o.body()));
    out.sort(KindOrder.SYNC_ORDER);
    return out;
  }

  private static ObjectNode meta(EnvironmentSpec env, String name) {
    ObjectNode m = Json.obj().put("name", name);
    m.set("labels", Json.map(Labels.environment(env.name(), name)));
    m.set("annotations", Json.obj(Labels.SYNC_WAVE, "0"));
    return m;
  }

  private static RenderedObject nodePool(EnvironmentSpec env, NodePoolSpec p) {
    ArrayNode req = Json.arr();
    req.add(requirement("node.kubernetes.io/instance-type", p.instanceTypes()));
    req.add(requirement("karpenter.sh/capacity-type", List.of(p.capacityType())));
    req.add(requirement("kubernetes.io/arch", p.architectures()));
    if (!p.zones().isEmpty()) {
      req.add(requirement("topology.kubernetes.io/zone", p.zones()));
    }
    ObjectNode templateSpec = Json.obj();
    templateSpec.set("nodeClassRef", Json.obj().put("group", "karpenter.k8s.aws").put("kind", "EC2NodeClass").put("name", p.name()));
    templateSpec.set("requirements", req);
    ObjectNode templateMeta = Json.obj();
    templateMeta.set("labels", Json.obj("slipway.dev/node-pool", p.name()));
    ObjectNode spec = Json.obj();
    spec.set("template", Json.obj().<ObjectNode>set("metadata", templateMeta).set("spec", templateSpec));
    TreeMap<String, String> limits = new TreeMap<>();
    if (p.cpuLimit() != null) {
      limits.put("cpu", p.cpuLimit());
    }
    if (p.memoryLimit() != null) {
      limits.put("memory", p.memoryLimit());
    }
    if (!limits.isEmpty()) {
      spec.set("limits", Json.map(limits));
    }
    spec.set("disruption", Json.obj().put("consolidationPolicy", p.consolidation()).put("consolidateAfter", p.consolidateAfter()));
    ObjectNode o = Json.obj().put("apiVersion", "karpenter.sh/v1").put("kind", "NodePool");
    o.set("metadata", meta(env, p.name()));
    o.set("spec", spec);
    return new RenderedObject("karpenter.sh/v1", "NodePool", null, p.name(), null, 0, o);
  }

  private static ObjectNode requirement(String key, List<String> values) {
    return Json.obj().put("key", key).put("operator", "In").set("values", Json.strings(values));
  }

  private static RenderedObject nodeClass(EnvironmentSpec env, NodePoolSpec p) {
    String cluster = env.cluster().name();
    ObjectNode discovery = Json.obj().set("tags", Json.obj("karpenter.sh/discovery", cluster));
    ObjectNode spec = Json.obj();
    spec.set("amiSelectorTerms", Json.arr().add(Json.obj("alias", "al2023@latest")));
    spec.put("role", "KarpenterNodeRole-" + cluster);
    spec.set("subnetSelectorTerms", Json.arr().add(discovery.deepCopy()));
    spec.set("securityGroupSelectorTerms", Json.arr().add(discovery.deepCopy()));
    ObjectNode o = Json.obj().put("apiVersion", "karpenter.k8s.aws/v1").put("kind", "EC2NodeClass");
    o.set("metadata", meta(env, p.name()));
    o.set("spec", spec);
    return new RenderedObject("karpenter.k8s.aws/v1", "EC2NodeClass", null, p.name(), null, 0, o);
  }
}
