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
 * @param sync how the environment is kept in step with its files ({@code sync:}): automated sync,
 *     self-heal, prune
 * @param defaults component fields every component in this environment starts from (the
 *     "platform" layer of {@code --explain}); kept as a tree so its positions survive the merge
 * @param analysis the platform's analysis templates by name ({@code spec.analysis.templates}), for rollouts here
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
    SyncPolicy sync,
    SpecNode defaults,
    java.util.Map<String, AnalysisTemplate> analysis) {

  public EnvironmentSpec {
    sync = sync == null ? SyncPolicy.MANUAL : sync;
    analysis = analysis == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(analysis));
  }

  /** An environment without analysis templates. */
  public EnvironmentSpec(String name, Position position, boolean production, ClusterSpec cluster, String domain, String namespace,
      Position namespacePosition, PolicySettings policy, List<NodePoolSpec> nodePools, PromotionSpec promotion, AddonsSpec addons,
      SyncPolicy sync, SpecNode defaults) {
    this(name, position, production, cluster, domain, namespace, namespacePosition, policy, nodePools, promotion, addons, sync, defaults,
        null);
  }

  /** An environment whose namespace pattern is reported at the environment itself. */
  public EnvironmentSpec(String name, Position position, boolean production, ClusterSpec cluster, String domain, String namespace,
      PolicySettings policy, List<NodePoolSpec> nodePools, PromotionSpec promotion, AddonsSpec addons, SyncPolicy sync,
      SpecNode defaults) {
    this(name, position, production, cluster, domain, namespace, position, policy, nodePools, promotion, addons, sync, defaults);
  }

  /** An environment whose sync policy is only {@code selfHeal} (automated sync and prune off). */
  public EnvironmentSpec(String name, Position position, boolean production, ClusterSpec cluster, String domain, String namespace,
      PolicySettings policy, List<NodePoolSpec> nodePools, PromotionSpec promotion, AddonsSpec addons, boolean selfHeal,
      SpecNode defaults) {
    this(name, position, production, cluster, domain, namespace, position, policy, nodePools, promotion, addons,
        new SyncPolicy(false, selfHeal, false), defaults);
  }

  /**
   * Whether {@code slipway sync --watch} and the server correct drift here by themselves
   * ({@code sync: {selfHeal: true}}); otherwise they report drift and leave it.
   */
  public boolean selfHeal() {
    return sync.selfHeal();
  }

  /**
   * How an environment is kept in step with the platform's files, in Argo CD's terms.
   *
   * @param automated whether the server syncs a changed application by itself; otherwise it
   *     reports it OutOfSync and waits for someone to sync it
   * @param selfHeal whether drift (the cluster changed, the files did not) is corrected by itself
   * @param prune whether automated syncs delete what Slipway owns and no longer renders
   */
  public record SyncPolicy(boolean automated, boolean selfHeal, boolean prune) {
    /** Nothing happens by itself: the default. */
    public static final SyncPolicy MANUAL = new SyncPolicy(false, false, false);
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
    return new EnvironmentSpec(name, position, production, cluster, domain, namespace, namespacePosition, p, nodePools, promotion, addons, sync, defaults,
        analysis);
  }

  /** {@code warn} reports violations; {@code enforce} also fails the plan. */
  public enum Enforcement {
    WARN,
    ENFORCE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Where an environment's releases come from and what gates them ({@code promotion:}).
   *
   * @param from the upstream environment whose release is promoted here
   * @param requires named gates beyond the built-in ones; only {@code approval} exists
   * @param soak how long the release must have run Healthy and Synced upstream, or null
   * @param approvals how many different people must approve a release (with {@code approval})
   * @param fourEyes whether the person who promotes may not count as one of its approvers
   * @param auto whether {@code slipway promote --auto} promotes here when every gate passes
   * @param position where {@code from} is written: promotion errors point there
   */
  public record PromotionSpec(String from, List<String> requires, String soak, int approvals, boolean fourEyes, boolean auto,
      Position position) {
    public static final String APPROVAL = "approval";

    public PromotionSpec {
      requires = requires == null ? List.of() : List.copyOf(requires);
      position = position == null ? Position.NONE : position;
    }

    public PromotionSpec(String from, List<String> requires, String soak) {
      this(from, requires, soak, requires != null && requires.contains(APPROVAL) ? 1 : 0, false, false, Position.NONE);
    }

    /** Whether a release needs approvals before it is promoted here. */
    public boolean needsApproval() {
      return requires.contains(APPROVAL);
    }
  }
}
