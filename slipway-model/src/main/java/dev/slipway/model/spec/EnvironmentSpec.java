package dev.slipway.model.spec;

import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode;
import java.util.List;

/**
 * One environment (dev, staging, prod...): where it runs, how strict policy is there, the
 * defaults it gives every component, its node pools and its add-ons (platform add-ons with the
 * environment's overrides merged in).
 *
 * @param production whether production-only policy rules apply (default: named prod or production)
 * @param namespace pattern for application namespaces; {@code {app}} and {@code {env}} are replaced
 * @param namespacePosition where the pattern is written (the environment when it is the default)
 * @param selfHeal whether {@code slipway sync --watch} corrects drift in this environment by itself
 *     ({@code sync: {selfHeal: true}}); otherwise it reports drift and leaves it
 * @param defaults component fields every component in this environment starts from (the
 *     "platform" layer of {@code --explain}); kept as a tree so its positions survive the merge
 */
public record EnvironmentSpec(
    String name,
    Position position,
    boolean production,
    ClusterSpec cluster,
    String domain,
    String namespace,
    Position namespacePosition,
    PolicySettings policy,
    List<NodePoolSpec> nodePools,
    PromotionSpec promotion,
    AddonsSpec addons,
    boolean selfHeal,
    SpecNode defaults) {

  /** An environment whose namespace pattern is reported at the environment itself. */
  public EnvironmentSpec(String name, Position position, boolean production, ClusterSpec cluster, String domain, String namespace,
      PolicySettings policy, List<NodePoolSpec> nodePools, PromotionSpec promotion, AddonsSpec addons, boolean selfHeal,
      SpecNode defaults) {
    this(name, position, production, cluster, domain, namespace, position, policy, nodePools, promotion, addons, selfHeal, defaults);
  }

  public String namespaceFor(String app) {
    return namespace.replace("{app}", app).replace("{env}", name);
  }

  /**
   * The Kubernetes cluster of an environment, by kubeconfig context, with the facts capacity and
   * cost planning need.
   *
   * @param systemNodeType instance type of the managed node group that runs cluster add-ons, or null
   * @param systemNodeCount how many such nodes
   * @param zones availability zones the cluster spreads over
   * @param natGateways NAT gateways of the cluster's VPC
   */
  public record ClusterSpec(String context, String name, String systemNodeType, int systemNodeCount, int zones, int natGateways) {}

  /**
   * How policy results count here.
   *
   * @param allowMutableTags whether {@code latest} and untagged images are tolerated; by default
   *     only in the environment that starts the promotion chain (dev)
   */
  public record PolicySettings(Enforcement enforcement, List<String> allowedRegistries, boolean allowMutableTags) {}

  public EnvironmentSpec withPolicy(PolicySettings p) {
    return new EnvironmentSpec(name, position, production, cluster, domain, namespace, namespacePosition, p, nodePools, promotion, addons, selfHeal, defaults);
  }

  /** {@code warn} reports violations; {@code enforce} also fails the plan. */
  public enum Enforcement {
    WARN,
    ENFORCE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where an environment's releases come from and what gates them. */
  public record PromotionSpec(String from, List<String> requires, String soak) {}
}
