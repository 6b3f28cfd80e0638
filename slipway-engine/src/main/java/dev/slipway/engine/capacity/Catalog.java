package dev.slipway.engine.capacity;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Quantities;
import dev.slipway.model.yaml.Merge;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.YamlLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Instance facts and prices, dated and sourced: the bundled {@code aws-us-east-1.yaml} with the
 * platform's {@code spec.pricing} merged over it. Everything the capacity and cost planners
 * assume is in here, so a report can name its assumptions.
 */
public record Catalog(
    String region,
    String date,
    String source,
    String currency,
    double hoursPerMonth,
    double spotPriceRatio,
    Services services,
    Assumptions assumptions,
    SortedMap<String, Pod> daemonSets,
    SortedMap<String, Pod> metricsAgent,
    SortedMap<String, InstanceType> instanceTypes) {

  /** Prices of the managed services around the cluster, USD. */
  public record Services(
      double eksControlPlanePerHour, double albPerHour, double albLcuPerHour, double natGatewayPerHour, double natPerGb,
      double ebsGp3PerGbMonth, double secretsManagerPerSecretMonth, double secretsManagerPer10kCalls, double ampPer10mSamples,
      double ampPer10mSamplesOver2b) {

    /** Managed Prometheus ingestion for a month's samples, with the volume tier. */
    public double ampCost(double samples) {
      double tier = 2e9;
      return Math.min(samples, tier) / 1e7 * ampPer10mSamples + Math.max(0, samples - tier) / 1e7 * ampPer10mSamplesOver2b;
    }
  }

  /** Usage the model cannot know from specs; every report lists them. */
  public record Assumptions(double albLcus, double natGbPerMonth, double nodeRootVolumeGb, double seriesPerTarget) {}

  /** Requests of one pod: CPU in millicores, memory in MiB. */
  public record Pod(long cpuMillis, long memoryMiB) {}

  static final String BUNDLED = "/dev/slipway/engine/capacity/aws-us-east-1.yaml";

  /** The bundled catalogue with the platform's overrides; problems in the overrides become diagnostics. */
  public static Catalog load(SpecNode pricingOverride, Diagnostics d) {
    String text;
    try (InputStream in = Catalog.class.getResourceAsStream(BUNDLED)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("bundled price catalogue unreadable", e);
    }
    Diagnostics bundledDiags = new Diagnostics();
    SpecNode bundled = YamlLoader.forSpecs().load(text, "aws-us-east-1.yaml", Layer.TYPE_DEFAULT, bundledDiags).get(0).root();
    if (bundledDiags.hasErrors()) {
      throw new IllegalStateException("bundled price catalogue is broken: " + bundledDiags.list());
    }
    return bind(Merge.over(bundled, pricingOverride), d);
  }

  public static Catalog bundled() {
    return load(null, new Diagnostics());
  }

  private static Catalog bind(SpecNode root, Diagnostics d) {
    Fields f = Fields.of(root, "spec.pricing", d);
    String region = f.string("region", "us-east-1");
    String date = f.string("date", "");
    String source = f.string("source", "");
    String currency = f.string("currency", "USD");
    double hours = number(f, "hoursPerMonth", 730);
    double spot = number(f, "spotPriceRatio", 0.35);
    Fields s = f.childOrEmpty("services");
    Services services = new Services(number(s, "eksControlPlanePerHour", 0), number(s, "albPerHour", 0),
        number(s, "albLcuPerHour", 0), number(s, "natGatewayPerHour", 0), number(s, "natPerGb", 0),
        number(s, "ebsGp3PerGbMonth", 0), number(s, "secretsManagerPerSecretMonth", 0),
        number(s, "secretsManagerPer10kCalls", 0), number(s, "ampPer10mSamples", 0), number(s, "ampPer10mSamplesOver2b", 0));
    s.finish();
    Fields a = f.childOrEmpty("assumptions");
    Assumptions assumptions = new Assumptions(number(a, "albLcus", 1), number(a, "natGbPerMonth", 0),
        number(a, "nodeRootVolumeGb", 20), number(a, "seriesPerTarget", 1000));
    a.finish();
    SortedMap<String, Pod> daemons = pods(f, "daemonSets", d);
    SortedMap<String, Pod> agent = pods(f, "metricsAgent", d);
    TreeMap<String, InstanceType> types = f.map("instanceTypes", e -> {
      Fields t = Fields.of(e.node(), e.path(), d);
      if (t == null) {
        return null;
      }
      Integer vcpu = t.integer("vcpu", 1, 1024);
      Integer mem = t.integer("memoryMiB", 1, Integer.MAX_VALUE);
      Integer pods = t.integer("maxPods", 1, 10_000);
      double price = number(t, "onDemandPerHour", -1);
      t.finish();
      if (vcpu == null || mem == null || pods == null || price < 0) {
        d.error("spec.required", t.position(), e.path(), "an instance type needs vcpu, memoryMiB, maxPods and onDemandPerHour");
        return null;
      }
      return new InstanceType(e.key(), vcpu, mem, pods, price);
    });
    f.finish();
    return new Catalog(region, date, source, currency, hours, spot, services, assumptions, daemons, agent,
        types == null ? new TreeMap<>() : types);
  }

  private static SortedMap<String, Pod> pods(Fields f, String key, Diagnostics d) {
    TreeMap<String, Pod> m = f.map(key, e -> {
      Fields p = Fields.of(e.node(), e.path(), d);
      if (p == null) {
        return null;
      }
      String cpu = p.quantityOrZero("cpu", Quantities.MAX_CONTAINER_CPU, "1024 cores");
      String mem = p.quantityOrZero("memory", Quantities.MAX_CONTAINER_MEMORY, "64Ti");
      p.finish();
      return new Pod(cpu == null ? 0 : Resources.cpuMillis(cpu), mem == null ? 0 : Resources.memoryMiB(mem));
    });
    return m == null ? new TreeMap<>() : m;
  }

  /** A number field: integers and decimals both read; anything else is a diagnostic. */
  static double number(Fields f, String key, double fallback) {
    SpecNode n = f.raw(key);
    if (n == null) {
      return fallback;
    }
    if (n instanceof SpecNode.Scalar sc && (sc.kind() == SpecNode.Scalar.Kind.INT || sc.kind() == SpecNode.Scalar.Kind.FLOAT)) {
      double v = Double.parseDouble(sc.value().replace("_", ""));
      if (v >= 0) {
        return v;
      }
    }
    Fields.typeError(f.diagnostics(), n, f.path(key), "a non-negative number");
    return fallback;
  }

  public List<String> assumptionLines() {
    return List.of(
        String.format("prices: %s, %s, dated %s (%s)", region, currency, date, source),
        String.format("%.0f hours per month; spot instances at %.0f%% of on-demand", hoursPerMonth, spotPriceRatio * 100),
        String.format("each ALB averages %.1f LCU; each NAT gateway processes %.0f GB per month", assumptions.albLcus(), assumptions.natGbPerMonth()),
        String.format("each node has a %.0f GB gp3 root volume", assumptions.nodeRootVolumeGb()),
        String.format("each scraped pod exposes %.0f time series (managed Prometheus ingestion)", assumptions.seriesPerTarget()),
        "every node runs " + String.join(", ", daemonSets.keySet())
            + (metricsAgent.isEmpty() ? "" : ", plus " + String.join(", ", metricsAgent.keySet()) + " with the metrics add-on"),
        "cluster add-on controllers (CoreDNS, Karpenter, ESO, KEDA, ALB controller) run on the system node group");
  }
}
