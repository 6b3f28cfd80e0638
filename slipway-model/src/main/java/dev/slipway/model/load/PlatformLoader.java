package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.AddonsSpec;
import dev.slipway.model.spec.AddonsSpec.AutoscalingAddon;
import dev.slipway.model.spec.AddonsSpec.IngressAddon;
import dev.slipway.model.spec.AddonsSpec.MetricsAddon;
import dev.slipway.model.spec.AddonsSpec.SecretsAddon;
import dev.slipway.model.spec.AddonsSpec.StorageAddon;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.EnvironmentSpec.ClusterSpec;
import dev.slipway.model.spec.EnvironmentSpec.Enforcement;
import dev.slipway.model.spec.EnvironmentSpec.PolicySettings;
import dev.slipway.model.spec.EnvironmentSpec.PromotionSpec;
import dev.slipway.model.spec.EnvironmentSpec.SyncPolicy;
import dev.slipway.model.spec.AccessRule;
import dev.slipway.model.spec.AnalysisTemplate;
import dev.slipway.model.spec.HealthSpec;
import dev.slipway.model.spec.Role;
import dev.slipway.model.spec.NodePoolSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Merge;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.Quantities;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.Suggest;
import dev.slipway.model.yaml.YamlLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Binds {@code slipway.yaml} into a {@link PlatformSpec}, reporting every problem it finds. */
public final class PlatformLoader {
  public static final String API_VERSION = "slipway.dev/v1alpha1";
  public static final String BASELINE = "builtin:baseline";
  static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DURATION = Pattern.compile("^(\\d+(ms|s|m|h))+$");
  static final List<String> CONSOLIDATION = List.of("WhenEmpty", "WhenEmptyOrUnderutilized");

  private PlatformLoader() {}

  /** Reads and binds one platform file; returns null when it cannot be bound at all. */
  public static PlatformSpec bind(SpecNode root, String file, Diagnostics d) {
    Fields top = Fields.of(root, "", d);
    if (top == null) {
      return null;
    }
    checkHeader(top, "Platform", d);
    Fields meta = top.childOrEmpty("metadata");
    String name = meta.required("name");
    Names.checkLabel(name, Names.LABEL_MAX, "platform name", "it names the platform in plans and history",
        meta.position("name"), "metadata.name", d);
    meta.finish();
    Fields spec = top.child("spec");
    if (spec == null) {
      d.error("spec.required", top.position(), "spec", "required field 'spec' is missing");
      top.finish();
      return null;
    }
    top.finish();
    String region = spec.string("region", "us-east-1");
    SpecNode platformAddons = spec.raw("addons");
    List<String> policies = spec.stringList("policies");
    if (policies == null) {
      policies = List.of(BASELINE);
    }
    checkPolicyPaths(spec, policies, d);

    Map<String, AnalysisTemplate> analysis = bindAnalysis(spec, d);
    List<EnvironmentSpec> envs = new ArrayList<>();
    SpecNode envNode = spec.raw("environments");
    if (envNode == null) {
      d.error("spec.required", spec.position(), "spec.environments", "a platform needs at least one environment");
    } else if (!(envNode instanceof ListNode list)) {
      Fields.typeError(d, envNode, "spec.environments", "a list of environments");
    } else {
      Map<String, Position> seen = new HashMap<>();
      Set<String> mutableTagsUnset = new HashSet<>();
      for (int i = 0; i < list.items().size(); i++) {
        String path = "spec.environments[" + i + "]";
        EnvironmentSpec env = bindEnvironment(list.items().get(i), path, region, platformAddons, mutableTagsUnset, analysis, d);
        if (env == null) {
          continue;
        }
        Position first = seen.putIfAbsent(env.name(), env.position());
        if (first != null) {
          d.error("spec.duplicate-name", env.position(), path + ".name",
              "environment '" + env.name() + "' is defined twice (first at line " + first.line() + ")");
          continue;
        }
        envs.add(env);
      }
      checkPromotions(envs, d);
      envs = defaultMutableTags(envs, mutableTagsUnset);
    }
    SpecNode pricing = spec.raw("pricing");
    List<AccessRule> access = bindAccess(spec, envNode instanceof ListNode ? envs.stream().map(EnvironmentSpec::name).toList() : null, d);
    HealthSpec health = HealthScripts.bind(spec, d);
    spec.finish();
    return new PlatformSpec(name, region, file, List.copyOf(envs), List.copyOf(policies), pricing, access, health);
  }

  static final List<String> ROLES = java.util.Arrays.stream(Role.values()).map(Role::label).toList();

  /**
   * {@code spec.access}: who may do what where. Every entry needs a group and a role; environments,
   * when listed, must be the platform's ({@code known}; null when the environments themselves could
   * not be read, so that their error is not repeated here).
   */
  private static List<AccessRule> bindAccess(Fields spec, List<String> known, Diagnostics d) {
    SpecNode node = spec.raw("access");
    List<AccessRule> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!(node instanceof ListNode list)) {
      Fields.typeError(d, node, "spec.access", "a list of {group, role, environments}");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields a = Fields.of(list.items().get(i), "spec.access[" + i + "]", d);
      if (a == null) {
        continue;
      }
      String group = a.required("group");
      if (group != null && group.isBlank()) {
        d.error("spec.invalid-value", a.position("group"), a.path("group"), "the group must not be blank");
        group = null;
      }
      String role = a.required("role") == null ? null : a.oneOf("role", ROLES, null);
      List<String> envs = a.stringList("environments");
      if (envs != null && known != null) {
        SpecNode listed = a.node().get("environments");
        for (int j = 0; j < envs.size(); j++) {
          String env = envs.get(j);
          if (!known.contains(env)) {
            Position at = listed instanceof ListNode l && j < l.items().size() ? l.items().get(j).position() : a.position("environments");
            d.error("spec.unknown-environment", at, a.path("environments") + "[" + j + "]",
                "access names unknown environment '" + env + "'" + Suggest.hint(env, known) + "; environments: " + String.join(", ", known));
          }
        }
        if (envs.isEmpty()) {
          d.error("spec.invalid-value", a.position("environments"), a.path("environments"),
              "an empty environments list grants nothing; leave it out to grant the role in every environment");
        }
      }
      a.finish();
      if (group != null && role != null) {
        out.add(new AccessRule(group, Role.valueOf(role.toUpperCase(java.util.Locale.ROOT)), envs == null ? List.of() : envs, a.position()));
      }
    }
    return List.copyOf(out);
  }

  static void checkHeader(Fields top, String kind, Diagnostics d) {
    String apiVersion = top.string("apiVersion");
    if (apiVersion == null) {
      d.error("spec.required", top.position(), "apiVersion", "required field 'apiVersion' is missing (use " + API_VERSION + ")");
    } else if (!apiVersion.equals(API_VERSION)) {
      d.error("spec.invalid-value", top.position("apiVersion"), "apiVersion",
          "unsupported apiVersion '" + apiVersion + "'; this Slipway reads " + API_VERSION);
    }
    String k = top.string("kind");
    if (k == null) {
      d.error("spec.required", top.position(), "kind", "required field 'kind' is missing (use " + kind + ")");
    } else if (!k.equals(kind)) {
      d.error("spec.invalid-value", top.position("kind"), "kind", "expected kind " + kind + ", got '" + k + "'");
    }
  }

  /**
   * Binds {@code spec.analysis.templates}: the Prometheus analyses rollouts name. The engine
   * checks their CEL conditions; here, the form of every field.
   */
  static Map<String, AnalysisTemplate> bindAnalysis(Fields spec, Diagnostics d) {
    Fields a = spec.child("analysis");
    if (a == null) {
      return Map.of();
    }
    java.util.TreeMap<String, AnalysisTemplate> out = a.map("templates", e -> {
      Names.checkLabel(e.key(), Names.LABEL_MAX, "analysis template name", "strategies refer to it by name", e.keyPosition(), e.path(), d);
      Fields t = Fields.of(e.node(), e.path(), d);
      if (t == null) {
        return null;
      }
      String query = t.required("query");
      String success = t.string("successCondition");
      String failure = t.string("failureCondition");
      if (success == null && failure == null) {
        d.error("spec.required", t.position(), e.path(), "an analysis template needs a successCondition or a failureCondition"
            + " (CEL over result, e.g. result[0] >= 0.99)");
      }
      String interval = t.string("interval");
      checkDuration(t, "interval", interval, d);
      Integer count = t.integer("count", 1, 1000);
      Integer failureLimit = t.integer("failureLimit", 0, 1000);
      Integer inconclusiveLimit = t.integer("inconclusiveLimit", 0, 1000);
      Integer errorLimit = t.integer("consecutiveErrorLimit", 0, 1000);
      java.time.Duration every = interval != null && dev.slipway.model.yaml.Durations.valid(interval)
          ? dev.slipway.model.yaml.Durations.parse(interval) : java.time.Duration.ofMinutes(1);
      t.finish();
      return new AnalysisTemplate(e.key(), query, success, failure, every, count == null ? 1 : count,
          failureLimit == null ? 0 : failureLimit, inconclusiveLimit == null ? 0 : inconclusiveLimit, errorLimit == null ? 4 : errorLimit,
          e.keyPosition());
    });
    a.finish();
    if (out == null) {
      return Map.of();
    }
    return out;
  }

  private static EnvironmentSpec bindEnvironment(SpecNode node, String path, String region, SpecNode platformAddons,
      java.util.Set<String> mutableTagsUnset, Map<String, AnalysisTemplate> analysis, Diagnostics d) {
    Fields f = Fields.of(node, path, d);
    if (f == null) {
      return null;
    }
    String name = f.required("name");
    Names.checkLabel(name, Names.LABEL_MAX, "environment name", "it names the output folder out/<env> and labels every object",
        f.position("name"), f.path("name"), d);
    Fields cluster = f.childOrEmpty("cluster");
    // A kubeconfig context name is free text (EKS writes ARNs); it is only looked up, so only blank is wrong.
    String context = cluster.string("context", name);
    if (context != null && context.isBlank()) {
      d.error("spec.invalid-value", cluster.position("context"), cluster.path("context"), "the kubeconfig context must not be blank");
    }
    Fields system = cluster.child("systemNodes");
    String systemType = null;
    int systemCount = 0;
    if (system != null) {
      systemType = system.required("instanceType");
      Integer count = system.integer("count", 0, 1000);
      systemCount = count == null ? 2 : count;
      system.finish();
    }
    Integer zones = cluster.integer("zones", 1, 10);
    Integer nat = cluster.integer("natGateways", 0, 10);
    ClusterSpec clusterSpec = new ClusterSpec(context, cluster.string("name", context), systemType, systemCount,
        zones == null ? 3 : zones, nat == null ? 1 : nat);
    checkClusterName(cluster, clusterSpec.name(), f.raw("nodePools") != null, d);
    cluster.finish();
    boolean production = f.bool("production", "prod".equals(name) || "production".equals(name));
    String domain = f.string("domain");
    String namespace = f.string("namespace", "{app}");
    Position namespaceAt = f.has("namespace") ? f.node().get("namespace").position() : f.position();
    Fields pol = f.childOrEmpty("policy");
    String enforcement = pol.oneOf("enforcement", List.of("warn", "enforce"), "warn");
    List<String> registries = pol.stringList("allowedRegistries");
    Boolean mutable = pol.bool("allowMutableTags");
    PolicySettings policy = new PolicySettings(Enforcement.valueOf(enforcement.toUpperCase(java.util.Locale.ROOT)),
        registries == null ? List.of() : registries, mutable != null && mutable);
    if (mutable == null) {
      mutableTagsUnset.add(name);
    }
    pol.finish();
    List<NodePoolSpec> pools = bindNodePools(f, d);
    Fields promo = f.child("promotion");
    PromotionSpec promotion = null;
    if (promo != null) {
      promotion = bindPromotion(promo, d);
    }
    SpecNode defaults = f.raw("defaults");
    if (defaults != null && !(defaults instanceof SpecNode.MapNode)) {
      Fields.typeError(d, defaults, f.path("defaults"), "a map of component fields");
      defaults = null;
    }
    AddonsSpec addons = bindAddons(Merge.over(platformAddons, f.raw("addons")), path, region, name, d);
    Fields sync = f.childOrEmpty("sync");
    SyncPolicy syncPolicy = new SyncPolicy(sync.bool("automated", false), sync.bool("selfHeal", false), sync.bool("prune", false));
    sync.finish();
    f.finish();
    if (name == null) {
      return null;
    }
    return new EnvironmentSpec(name, f.position(), production, clusterSpec, domain, namespace, namespaceAt, policy, pools, promotion,
        addons, syncPolicy, defaults, analysis);
  }

  static final List<String> GATES = List.of(PromotionSpec.APPROVAL);

  /**
   * {@code promotion:}. {@code approvals} and {@code fourEyes} only mean something with
   * {@code requires: [approval]}; written without it they are errors rather than silently ignored
   * (a gate someone believed in must not be missing).
   */
  private static PromotionSpec bindPromotion(Fields promo, Diagnostics d) {
    String soak = promo.string("soak");
    checkDuration(promo, "soak", soak, d);
    List<String> requires = promo.stringList("requires");
    requires = requires == null ? List.of() : requires;
    SpecNode requiresNode = promo.raw("requires");
    for (int i = 0; i < requires.size(); i++) {
      String gate = requires.get(i);
      if (!GATES.contains(gate)) {
        Position at = requiresNode instanceof ListNode l && i < l.items().size() ? l.items().get(i).position() : promo.position("requires");
        d.error("spec.invalid-value", at, promo.path("requires") + "[" + i + "]",
            "'" + gate + "' is not a promotion gate; gates: " + String.join(", ", GATES) + Suggest.hint(gate, GATES));
      }
    }
    boolean approval = requires.contains(PromotionSpec.APPROVAL);
    Integer approvals = promo.integer("approvals", 1, 10);
    Boolean fourEyes = promo.bool("fourEyes");
    for (String key : List.of("approvals", "fourEyes")) {
      if (promo.has(key) && !approval) {
        d.error("spec.promotion-approval", promo.position(key), promo.path(key),
            key + " needs the approval gate: add 'requires: [approval]' to this promotion");
      }
    }
    boolean auto = promo.bool("auto", false);
    String from = promo.required("from");
    Position fromAt = promo.has("from") ? promo.node().get("from").position() : promo.position();
    promo.finish();
    return new PromotionSpec(from, requires, soak, approval ? (approvals == null ? 1 : approvals) : 0,
        fourEyes != null && fourEyes, auto, fromAt);
  }

  private static List<NodePoolSpec> bindNodePools(Fields env, Diagnostics d) {
    SpecNode node = env.raw("nodePools");
    List<NodePoolSpec> pools = new ArrayList<>();
    if (node == null) {
      return pools;
    }
    if (!(node instanceof ListNode list)) {
      Fields.typeError(d, node, env.path("nodePools"), "a list of node pools");
      return pools;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.items().size(); i++) {
      Fields p = Fields.of(list.items().get(i), env.path("nodePools") + "[" + i + "]", d);
      if (p == null) {
        continue;
      }
      String name = p.required("name");
      Names.checkLabel(name, Names.LABEL_MAX, "node pool name", "it names the NodePool, its EC2NodeClass, their output files and a node label",
          p.position("name"), p.path("name"), d);
      List<String> types = p.stringList("instanceTypes");
      if (types == null || types.isEmpty()) {
        d.error("spec.required", p.position(), p.path("instanceTypes"), "a node pool needs at least one instance type");
        types = List.of();
      }
      String capacity = p.oneOf("capacityType", List.of("on-demand", "spot"), "on-demand");
      List<String> arch = p.stringList("architectures");
      List<String> zones = p.stringList("zones");
      Fields limits = p.childOrEmpty("limits");
      String cpu = limits.quantity("cpu", Quantities.MAX_POOL_CPU, "1000000 cores");
      String memory = limits.quantity("memory", Quantities.MAX_POOL_MEMORY, "1Pi");
      limits.finish();
      String consolidation = p.oneOf("consolidation", CONSOLIDATION, "WhenEmptyOrUnderutilized");
      String after = p.string("consolidateAfter", "30s");
      checkDuration(p, "consolidateAfter", after, d);
      p.finish();
      if (name != null && !names.add(name)) {
        d.error("spec.duplicate-name", p.position("name"), p.path("name"), "node pool '" + name + "' is defined twice");
      }
      pools.add(new NodePoolSpec(name, types, capacity, arch == null ? List.of("amd64") : arch,
          zones == null ? List.of() : zones, cpu, memory, consolidation, after));
    }
    return pools;
  }

  private static AddonsSpec bindAddons(SpecNode merged, String envPath, String region, String env, Diagnostics d) {
    Origin none = Origin.of(Layer.PLATFORM, "", Position.NONE);
    Fields f = Fields.orEmpty(merged, "spec.addons", d, none);
    IngressAddon ingress = null;
    Fields in = f.child("ingress");
    if (in != null) {
      String cls = in.required("class");
      String controllerNamespace = in.string("controllerNamespace", "ingress-nginx");
      Names.checkLabel(controllerNamespace, Names.LABEL_MAX, "namespace", "NetworkPolicies select it by name",
          in.position("controllerNamespace"), in.path("controllerNamespace"), d);
      List<String> cidrs = Cidrs.check(in, "sourceCidrs", d);
      List<String> subnets = Cidrs.check(in, "subnetCidrs", d);
      List<String> inbound = Cidrs.check(in, "inboundCidrs", d);
      ingress = new IngressAddon(cls,
          in.oneOf("scheme", List.of("internet-facing", "internal"), "internet-facing"),
          in.oneOf("targetType", List.of("ip", "instance"), "ip"),
          in.string("certificateArn"),
          in.string("group", "{app}"),
          controllerNamespace,
          cidrs == null ? List.of("0.0.0.0/0") : cidrs,
          subnets == null ? List.of() : subnets,
          in.oneOf("ipAddressType", List.of("ipv4", "dualstack"), null),
          in.string("sslPolicy"),
          inbound == null ? List.of() : inbound);
      in.finish();
    }
    SecretsAddon secrets = null;
    Fields se = f.child("secrets");
    if (se != null) {
      String provider = se.oneOf("store", List.of("aws-secretsmanager", "aws-parameterstore"), "aws-secretsmanager");
      String refresh = se.string("refreshInterval", "1h");
      checkDuration(se, "refreshInterval", refresh, d);
      String store = se.string("name", provider);
      // The SecretStore is named <app>-<name> when applications share a namespace: leave room for a 40-character app name.
      Names.checkSubdomain(store, Names.SUBDOMAIN_MAX - 41, "secret store name", "it names each application's SecretStore",
          se.position("name"), se.path("name"), d);
      secrets = new SecretsAddon(provider, store, se.string("region", region), refresh, se.string("roleArn"));
      se.finish();
    }
    MetricsAddon metrics = null;
    Fields me = f.child("metrics");
    if (me != null) {
      String interval = me.string("interval", "30s");
      checkDuration(me, "interval", interval, d);
      String ns = me.string("namespace", "monitoring");
      Names.checkLabel(ns, Names.LABEL_MAX, "namespace", "NetworkPolicies select it by name", me.position("namespace"), me.path("namespace"), d);
      metrics = new MetricsAddon(me.bool("serviceMonitor", true), me.bool("alerts", true), me.bool("dashboards", true),
          interval, ns,
          me.string("prometheusAddress", "http://prometheus-operated.monitoring.svc:9090"));
      me.finish();
    }
    AutoscalingAddon autoscaling = new AutoscalingAddon(false);
    Fields au = f.child("autoscaling");
    if (au != null) {
      autoscaling = new AutoscalingAddon(au.oneOf("engine", List.of("hpa", "keda"), "hpa").equals("keda"));
      au.finish();
    }
    StorageAddon storage = new StorageAddon("gp3");
    Fields st = f.child("storage");
    if (st != null) {
      String cls = st.string("class", "gp3");
      Names.checkSubdomain(cls, Names.SUBDOMAIN_MAX, "storage class", "volumes name it as storageClassName",
          st.position("class"), st.path("class"), d);
      storage = new StorageAddon(cls);
      st.finish();
    }
    f.finish();
    return new AddonsSpec(ingress, secrets, metrics, autoscaling, storage);
  }

  /** Where unset, mutable tags are allowed only where the promotion chain starts (dev). */
  private static List<EnvironmentSpec> defaultMutableTags(List<EnvironmentSpec> envs, Set<String> unset) {
    List<EnvironmentSpec> out = new ArrayList<>();
    for (EnvironmentSpec env : envs) {
      EnvironmentSpec e = env;
      boolean start = e.promotion() == null
          && envs.stream().anyMatch(o -> o.promotion() != null && env.name().equals(o.promotion().from()));
      if (unset.contains(e.name()) && start) {
        PolicySettings p = e.policy();
        e = e.withPolicy(new PolicySettings(p.enforcement(), p.allowedRegistries(), true));
      }
      out.add(e);
    }
    return out;
  }

  private static void checkPromotions(List<EnvironmentSpec> envs, Diagnostics d) {
    List<String> names = envs.stream().map(EnvironmentSpec::name).toList();
    for (EnvironmentSpec e : envs) {
      if (e.promotion() != null && e.promotion().from() != null) {
        String from = e.promotion().from();
        int at = names.indexOf(from);
        if (at < 0) {
          d.error("spec.unknown-environment", at(e), "promotion.from",
              "environment '" + e.name() + "' is promoted from unknown environment '" + from + "'" + Suggest.hint(from, names));
        } else if (at >= names.indexOf(e.name())) {
          d.error("spec.promotion-order", at(e), "promotion.from",
              "environment '" + e.name() + "' is promoted from '" + from + "', which must be listed before it");
        }
      }
    }
  }

  private static Position at(EnvironmentSpec e) {
    return e.promotion().position().line() > 0 ? e.promotion().position() : e.position();
  }

  private static final Pattern EKS_CLUSTER = Pattern.compile("^[0-9A-Za-z][A-Za-z0-9_-]*$");

  /**
   * The cluster name is used only by node pools: Karpenter's discovery tag and the node role
   * {@code KarpenterNodeRole-<name>}, an IAM role name of at most 64 characters. EKS names are
   * letters, digits, '-' and '_'. A context that is an ARN is fine, but not as the cluster name.
   */
  private static void checkClusterName(Fields cluster, String clusterName, boolean hasNodePools, Diagnostics d) {
    if (!hasNodePools || clusterName == null) {
      return;
    }
    int max = 64 - "KarpenterNodeRole-".length();
    if (!EKS_CLUSTER.matcher(clusterName).matches() || clusterName.length() > max) {
      boolean set = cluster.node().get("name") != null;
      d.error("spec.invalid-name", cluster.position(set ? "name" : "context"), cluster.path("name"),
          "cluster name '" + Names.abbreviate(clusterName) + "'" + (set ? "" : " (taken from cluster.context)")
              + " must be an EKS cluster name of at most " + max + " letters, digits, '-' and '_', starting with a letter or digit"
              + " (node pools use it for Karpenter discovery and the role KarpenterNodeRole-<name>)"
              + (set ? "" : "; set cluster.name"));
    }
  }

  /** Policy files are read from inside the platform directory only. */
  /** Why {@code p} is not a path inside the platform directory, or null when it is. */
  static String outsidePlatform(String p) {
    try {
      java.nio.file.Path path = java.nio.file.Path.of(p);
      if (p.isBlank()) {
        return "is blank";
      } else if (path.isAbsolute() || p.startsWith("/") || p.startsWith("\\") || p.matches("^[A-Za-z]:.*")) {
        return "is absolute";
      } else if (path.normalize().startsWith("..")) {
        return "leaves the platform directory";
      }
      return null;
    } catch (java.nio.file.InvalidPathException e) {
      return "is not a valid path";
    }
  }

  private static void checkPolicyPaths(Fields spec, List<String> policies, Diagnostics d) {
    for (int i = 0; i < policies.size(); i++) {
      String p = policies.get(i);
      if (p.startsWith("builtin:")) {
        continue;
      }
      String why = outsidePlatform(p);
      if (why != null) {
        SpecNode list = spec.node().get("policies");
        Position at = list instanceof ListNode l && i < l.items().size() ? l.items().get(i).position() : spec.position("policies");
        d.error("spec.invalid-policy-path", at, "spec.policies[" + i + "]",
            "policy path " + Fields.quote("spec.policies", p) + " " + why + "; policy files must be inside the platform directory");
      }
    }
  }

  static void checkDuration(Fields f, String key, String value, Diagnostics d) {
    if (value != null && !DURATION.matcher(value).matches()) {
      d.error("spec.invalid-duration", f.position(key), f.path(key),
          "'" + value + "' is not a duration (examples: 15s, 5m, 1h30m)");
    }
  }

  static boolean isQuantity(String s) {
    return Quantities.isValid(s);
  }
}
