package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.capacity.CapacityPlan;
import dev.slipway.engine.capacity.Consolidation;
import dev.slipway.engine.capacity.CostPlanner;
import dev.slipway.engine.capacity.CostReport;
import dev.slipway.engine.plan.EnvironmentSummary;
import dev.slipway.engine.plan.PlanSink;
import dev.slipway.engine.plan.PlanSummary;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code slipway cost}: nodes needed and monthly cost per environment, before deploying. */
@Command(name = "cost", mixinStandardHelpOptions = true,
    description = {"Plans the nodes each environment needs at minimum and maximum replicas and estimates its monthly cost.",
        "Exit codes: 0 ok, 1 some pods cannot be scheduled, 2 bad input."})
final class CostCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** With --app, only those applications' shares are shown; nodes are planned for the whole environment. */
  @Mixin
  PlatformOptions platform;

  @Option(names = "--nodes", description = "List every node with its pods.")
  boolean listNodes;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
  String format = "table";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Output.checkFormat(err, format, "table", "json")) {
      return Main.BAD_INPUT;
    }
    Workspace ws = Workspace.load(platform.dir);
    // Streamed: cost needs each application's pod shapes, not its objects.
    PlanSummary plan = new Planner(true)
        .plan(ws, new Planner.Scope(platform.environments(), platform.applications(), platform.sets), PlanSink.none());
    if (plan.hasSpecErrors()) {
      PlanCommand.printDiagnostics(err, plan.specDiagnostics());
      err.println("cost failed: the specs have errors.");
      return Main.BAD_INPUT;
    }
    boolean unschedulable = plan.environments().stream()
        .anyMatch(e -> e.cost().atMin().capacity().unschedulablePods() + e.cost().atMax().capacity().unschedulablePods() > 0);
    if (format.equals("json")) {
      out.println(Output.json(json(plan)));
    } else {
      plan.specDiagnostics().forEach(d -> err.println(d.format()));
      for (EnvironmentSummary e : plan.environments()) {
        print(out, e);
      }
      if (!plan.environments().isEmpty()) {
        out.println("Assumptions:");
        plan.environments().get(0).cost().catalog().assumptionLines().forEach(l -> out.println("  - " + l));
      }
    }
    return unschedulable ? Main.FINDINGS : Main.OK;
  }

  private void print(PrintWriter out, EnvironmentSummary e) {
    CostReport r = e.cost();
    out.println("Environment " + e.name() + "  (" + String.join(", ", e.environment().nodePools().stream()
        .map(p -> "pool " + p.name() + ": " + String.join("/", p.instanceTypes()) + " " + p.capacityType()).toList()) + ")");
    scenario(out, "minimum replicas", r.atMin().capacity());
    scenario(out, "maximum replicas", r.atMax().capacity());
    if (!r.consolidation().isEmpty()) {
      Map<String, Integer> byType = new TreeMap<>();
      r.consolidation().forEach(d -> byType.merge(d.instanceType(), 1, Integer::sum));
      List<String> parts = new ArrayList<>();
      byType.forEach((t, n) -> parts.add(n + " x " + t));
      int remain = r.atMax().capacity().nodes().size() - r.consolidation().size();
      out.println("  Consolidation from maximum back to minimum: " + r.consolidation().size() + " node(s) drain ("
          + String.join(", ", parts) + "), " + remain + " remain (a fresh packing at minimum uses "
          + r.atMin().capacity().nodes().size() + "):");
      int shown = listNodes ? r.consolidation().size() : Math.min(10, r.consolidation().size());
      for (Consolidation.Drain d : r.consolidation().subList(0, shown)) {
        out.println("    " + d.node() + "  " + d.instanceType() + "  " + d.zone() + "  " + d.reason()
            + (d.podsMoved() > 0 ? ", " + d.podsMoved() + " pod(s) moved" : ""));
      }
      if (shown < r.consolidation().size()) {
        out.println("    ... and " + (r.consolidation().size() - shown) + " more (--nodes lists all)");
      }
    }
    out.println();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"MONTHLY COST (" + r.catalog().currency() + ")", "AT MIN", "AT MAX", "HOW"});
    for (int i = 0; i < r.atMin().lines().size(); i++) {
      CostReport.Line min = r.atMin().lines().get(i);
      CostReport.Line max = r.atMax().lines().get(i);
      rows.add(new String[] {min.category(), money(min.monthly()), money(max.monthly()),
          min.detail().equals(max.detail()) ? min.detail() : "min: " + min.detail() + "; max: " + max.detail()});
    }
    int minLeft = r.atMin().capacity().unschedulablePods();
    int maxLeft = r.atMax().capacity().unschedulablePods();
    rows.add(new String[] {"total", money(r.atMin().total()), money(r.atMax().total()), minLeft + maxLeft == 0 ? ""
        : "without " + minLeft + " pod(s) not placed at min, " + maxLeft + " at max (UNSCHEDULABLE above)"});
    out.print(Output.table(rows, "  "));
    out.println();
    List<String[]> apps = new ArrayList<>();
    apps.add(new String[] {"PER APPLICATION", "AT MIN", "AT MAX"});
    for (String app : r.atMin().perApplication().keySet()) {
      if (platform.apps.isEmpty() || platform.apps.contains(app)) {
        apps.add(new String[] {app, money(r.atMin().perApplication().get(app)), money(r.atMax().perApplication().get(app))});
      }
    }
    apps.add(new String[] {"(shared: control plane, system nodes, NAT, node volumes)", money(r.atMin().shared()), money(r.atMax().shared())});
    out.print(Output.table(apps, "  "));
    r.notes().forEach(n -> out.println("  note: " + n));
    out.println();
  }

  private void scenario(PrintWriter out, String label, CapacityPlan c) {
    double lb = c.lowerBoundPerHour();
    String bound = lb > 0 ? String.format(Locale.ROOT, "; lower bound %s/month (packing within %.1f%%)",
        money(lb * 730), Math.max(0, 100 * (c.costPerHour() - lb) / lb)) : "";
    out.println("  Nodes at " + label + ": " + CostPlanner.describeNodes(c) + " for " + c.scheduledPods() + " pods" + bound);
    for (CapacityPlan.Unschedulable u : c.unschedulable()) {
      out.println("    UNSCHEDULABLE: " + u.count() + " pod(s) of " + u.group().application() + "/" + u.group().component()
          + " (" + u.group().cpuMillis() + "m, " + u.group().memoryMiB() + "Mi): " + u.reason());
    }
    if (listNodes) {
      for (CapacityPlan.Node n : c.nodes()) {
        Map<String, Integer> pods = new TreeMap<>();
        n.pods().forEach(p -> pods.merge(p.group().application() + "/" + p.group().component(), 1, Integer::sum));
        out.println(String.format(Locale.ROOT, "    %-8s %-11s %-10s %-11s %5dm %6dMi  %s", n.id(), n.type().name(),
            n.capacityType(), n.zone(), n.cpuUsedMillis(), n.memoryUsedMiB(), pods));
      }
    }
  }

  static String money(double v) {
    return String.format(Locale.ROOT, "%,.2f", v);
  }

  private ObjectNode json(PlanSummary plan) {
    ObjectNode root = Output.JSON.createObjectNode();
    ArrayNode envsNode = root.putArray("environments");
    for (EnvironmentSummary e : plan.environments()) {
      CostReport r = e.cost();
      ObjectNode en = envsNode.addObject();
      en.put("name", e.name());
      en.put("currency", r.catalog().currency());
      en.set("atMin", scenarioJson(r.atMin()));
      en.set("atMax", scenarioJson(r.atMax()));
      ArrayNode drains = en.putArray("consolidation");
      r.consolidation().forEach(d -> drains.addObject().put("node", d.node()).put("instanceType", d.instanceType())
          .put("zone", d.zone()).put("reason", d.reason()).put("podsMoved", d.podsMoved()));
      ArrayNode notes = en.putArray("notes");
      r.notes().forEach(notes::add);
      ArrayNode assumptions = en.putArray("assumptions");
      r.catalog().assumptionLines().forEach(assumptions::add);
    }
    ArrayNode ds = root.putArray("diagnostics");
    plan.specDiagnostics().stream().filter(d -> d.severity() != Diagnostic.Severity.INFO).forEach(d -> ds.add(Output.diagnostic(d)));
    return root;
  }

  private ObjectNode scenarioJson(CostReport.Scenario s) {
    ObjectNode n = Output.JSON.createObjectNode();
    CapacityPlan c = s.capacity();
    ObjectNode nodes = n.putObject("nodeCounts");
    c.nodeCounts().forEach(nodes::put);
    n.put("scheduledPods", c.scheduledPods());
    n.put("unschedulablePods", c.unschedulablePods());
    n.put("nodeCostPerHour", Math.round(c.costPerHour() * 10000) / 10000.0);
    n.put("lowerBoundPerHour", Math.round(c.lowerBoundPerHour() * 10000) / 10000.0);
    ArrayNode unsched = n.putArray("unschedulable");
    c.unschedulable().forEach(u -> unsched.addObject().put("application", u.group().application())
        .put("component", u.group().component()).put("count", u.count()).put("reason", u.reason()));
    ArrayNode lines = n.putArray("lines");
    s.lines().forEach(l -> lines.addObject().put("category", l.category()).put("detail", l.detail()).put("monthly", l.monthly()));
    n.put("total", Math.round(s.total() * 100) / 100.0);
    ObjectNode perApp = n.putObject("perApplication");
    s.perApplication().forEach((k, v) -> {
      if (platform.apps.isEmpty() || platform.apps.contains(k)) {
        perApp.put(k, v);
      }
    });
    n.put("shared", s.shared());
    ArrayNode nodeList = n.putArray("nodes");
    for (CapacityPlan.Node node : c.nodes()) {
      ObjectNode x = nodeList.addObject().put("id", node.id()).put("pool", node.pool()).put("instanceType", node.type().name())
          .put("capacityType", node.capacityType()).put("zone", node.zone()).put("pods", node.pods().size())
          .put("cpuRequestedMillis", node.cpuUsedMillis()).put("memoryRequestedMiB", node.memoryUsedMiB());
      x.put("pricePerHour", node.pricePerHour());
    }
    return n;
  }
}
