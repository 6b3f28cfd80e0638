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
        EnvironmentSpec env = bindEnvironment(list.items().get(i), path, region, platformAddons, mutableTagsUnset, d);
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
    spec.finish();
    return new PlatformSpec(name, region, file, List.copyOf(envs), List.copyOf(policies), pricing);
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

  private static EnvironmentSpec bindEnvironment(SpecNode node, String path, String region, SpecNode platformAddons,
      java.util.Set<String> mutableTagsUnset, Diagnostics d) {
    Fields f = Fields.of(node, path, d);
    if (f == null) {
      return null;
    }
    String name = f.required("name");
    if (name != null && !DNS_LABEL.matcher(name).matches()) {
      d.error("spec.invalid-name", f.position("name"), f.path("name"),
          "environment name '" + name + "' must be a lowercase DNS label (a-z, 0-9, '-')");
    }
    Fields cluster = f.childOrEmpty("cluster");
    String context = cluster.string("context", name);
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
    cluster.finish();
    boolean production = f.bool("production", "prod".equals(name) || "production".equals(name));
    String domain = f.string("domain");
    String namespace = f.string("namespace", "{app}");
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
      String soak = promo.string("soak");
      checkDuration(promo, "soak", soak, d);
      List<String> requires = promo.stringList("requires");
      promotion = new PromotionSpec(promo.required("from"), requires == null ? List.of() : requires, soak);
      promo.finish();
    }
    SpecNode defaults = f.raw("defaults");
    if (defaults != null && !(defaults instanceof SpecNode.MapNode)) {
      Fields.typeError(d, defaults, f.path("defaults"), "a map of component fields");
      defaults = null;
    }
    AddonsSpec addons = bindAddons(Merge.over(platformAddons, f.raw("addons")), path, region, name, d);
    Fields sync = f.childOrEmpty("sync");
    Boolean selfHeal = sync.bool("selfHeal");
    sync.finish();
    f.finish();
    if (name == null) {
      return null;
    }
    return new EnvironmentSpec(name, f.position(), production, clusterSpec, domain, namespace, policy, pools, promotion, addons, selfHeal != null && selfHeal, defaults);
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
      List<String> types = p.stringList("instanceTypes");
      if (types == null || types.isEmpty()) {
        d.error("spec.required", p.position(), p.path("instanceTypes"), "a node pool needs at least one instance type");
        types = List.of();
      }
      String capacity = p.oneOf("capacityType", List.of("on-demand", "spot"), "on-demand");
      List<String> arch = p.stringList("architectures");
      List<String> zones = p.stringList("zones");
      Fields limits = p.childOrEmpty("limits");
      String cpu = limits.quantity("cpu");
      String memory = limits.quantity("memory");
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
      List<String> cidrs = in.stringList("sourceCidrs");
      ingress = new IngressAddon(cls,
          in.oneOf("scheme", List.of("internet-facing", "internal"), "internet-facing"),
          in.oneOf("targetType", List.of("ip", "instance"), "ip"),
          in.string("certificateArn"),
          in.string("group", "{app}"),
          in.string("controllerNamespace", "ingress-nginx"),
          cidrs == null ? List.of("0.0.0.0/0") : cidrs);
      in.finish();
    }
    SecretsAddon secrets = null;
    Fields se = f.child("secrets");
    if (se != null) {
      String provider = se.oneOf("store", List.of("aws-secretsmanager", "aws-parameterstore"), "aws-secretsmanager");
      String refresh = se.string("refreshInterval", "1h");
      checkDuration(se, "refreshInterval", refresh, d);
      secrets = new SecretsAddon(provider, se.string("name", provider), se.string("region", region), refresh, se.string("roleArn"));
      se.finish();
    }
    MetricsAddon metrics = null;
    Fields me = f.child("metrics");
    if (me != null) {
      String interval = me.string("interval", "30s");
      checkDuration(me, "interval", interval, d);
      metrics = new MetricsAddon(me.bool("serviceMonitor", true), me.bool("alerts", true), me.bool("dashboards", true),
          interval, me.string("namespace", "monitoring"),
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
      storage = new StorageAddon(st.string("class", "gp3"));
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
          d.error("spec.unknown-environment", e.position(), "promotion.from",
              "environment '" + e.name() + "' is promoted from unknown environment '" + from + "'" + Suggest.hint(from, names));
        } else if (at >= names.indexOf(e.name())) {
          d.error("spec.promotion-order", e.position(), "promotion.from",
              "environment '" + e.name() + "' is promoted from '" + from + "', which must be listed before it");
        }
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
