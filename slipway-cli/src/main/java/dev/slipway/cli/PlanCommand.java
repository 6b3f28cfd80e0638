package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.capacity.CostPlanner;
import dev.slipway.engine.plan.ApplicationSummary;
import dev.slipway.engine.plan.EnvironmentSummary;
import dev.slipway.engine.plan.ObjectSummary;
import dev.slipway.engine.plan.OutputLayout;
import dev.slipway.engine.plan.OutputLayout.Layout;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.PlanSink;
import dev.slipway.engine.plan.PlanSummary;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code slipway plan}: render, validate and check every environment; write {@code out/}. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Renders every environment's Kubernetes objects, validates them, checks policy and writes them to out/.",
        "Exit codes: 0 ok, 1 policy violations where enforced or invalid rendered objects, 2 bad input."})
final class PlanCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  PlatformOptions platform;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
  String format = "table";

  @Option(names = "--out-dir", paramLabel = "DIR", description = "Where to write manifests. Default: DIR/out.")
  Path outDir;

  @Option(names = "--no-write", description = "Do not write manifests, only report.")
  boolean noWrite;

  @Option(names = "--layout", paramLabel = "LAYOUT",
      description = "hydrated (default): one manifest.yaml and README.md per application, as Argo CD's source hydrator writes;"
          + " files: one file per object.")
  String layoutName = DEFAULT_LAYOUT.label();

  /** Chosen from measurements at 1,000 applications x 3 environments: see docs/output.md. */
  static final Layout DEFAULT_LAYOUT = Layout.HYDRATED;

  @Option(names = "--explain", description = "Show each component's resolved spec and where every value came from.")
  boolean explain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Output.checkFormat(err, format, "table", "json")) {
      return Main.BAD_INPUT;
    }
    if (!List.of("hydrated", "files").contains(layoutName)) {
      err.println("error: --layout must be hydrated or files, got '" + layoutName + "'");
      return Main.BAD_INPUT;
    }
    Layout layout = Layout.valueOf(layoutName.toUpperCase(Locale.ROOT));
    Timings t = new Timings(err);
    Workspace ws = Workspace.load(platform.dir);
    t.mark("load");
    Planner planner = new Planner(true, layout);
    Planner.Scope scope = new Planner.Scope(platform.environments(), platform.applications(), platform.sets);
    Path target = outDir != null ? outDir : platform.dir.resolve("out");
    PlanSummary plan;
    String written = null;
    if (explain) {
      Plan full = planner.plan(ws, scope);
      if (!full.hasSpecErrors()) {
        printDiagnostics(err, full.specDiagnostics());
        out.print(ExplainPrinter.print(full));
        return Main.OK;
      }
      plan = full.summary();
    } else {
      // Streams: each application is rendered, checked, written and let go; only summaries stay.
      ManifestSink sink = noWrite ? null : new ManifestSink(target, layout, roots(ws), !platform.apps.isEmpty());
      try {
        plan = sink == null ? planner.plan(ws, scope, PlanSink.none()) : planner.plan(ws, scope, sink);
      } catch (ManifestSink.WriteFailed e) {
        err.println("error: cannot write manifests: " + e.getMessage());
        return Main.BAD_INPUT;
      }
      written = sink == null ? null : sink.summary();
      t.mark(noWrite ? "resolve+render+validate+policy" : "resolve+render+validate+policy+write");
    }
    if (plan.hasSpecErrors()) {
      if (format.equals("json")) {
        out.println(Output.json(json(ws, plan, Main.BAD_INPUT, null)));
      } else {
        printDiagnostics(err, plan.specDiagnostics());
        long n = plan.specDiagnostics().stream().filter(Diagnostic::isError).count();
        err.println("plan failed: " + Output.plural(n, "error") + " in the specs; nothing was written.");
      }
      return Main.BAD_INPUT;
    }
    int code = plan.blocked() ? Main.FINDINGS : Main.OK;
    if (format.equals("json")) {
      out.println(Output.json(json(ws, plan, code, noWrite ? null : target)));
    } else {
      printTable(out, ws, plan, noWrite ? null : target, written);
    }
    return code;
  }

  /** The directories this plan regenerates: each environment's, or with --app each application's. */
  private List<String> roots(Workspace ws) {
    List<String> roots = new ArrayList<>();
    if (ws.platform() == null) {
      return roots;
    }
    for (EnvironmentSpec e : ws.platform().environments()) {
      if (!platform.envs.isEmpty() && !platform.envs.contains(e.name())) {
        continue;
      }
      if (platform.apps.isEmpty()) {
        roots.add(e.name());
      } else {
        platform.apps.forEach(a -> roots.add(e.name() + "/" + a));
      }
    }
    return roots;
  }

  static void printDiagnostics(PrintWriter w, List<Diagnostic> ds) {
    for (Diagnostic d : ds) {
      w.println(d.format());
    }
  }

  private void printTable(PrintWriter out, Workspace ws, PlanSummary plan, Path target, String written) {
    out.println("Slipway plan for platform " + ws.platform().name() + " (" + ws.platform().region() + ")");
    for (EnvironmentSummary e : plan.environments()) {
      out.println();
      out.println("Environment " + e.name() + "  cluster " + e.environment().cluster().context()
          + "  policy " + e.environment().policy().enforcement().label()
          + (e.environment().production() ? "  production" : ""));
      List<String[]> rows = new ArrayList<>();
      java.util.SortedSet<String> notes = new java.util.TreeSet<>();
      rows.add(new String[] {"APPLICATION", "NAMESPACE", "COMPONENTS", "OBJECTS", "VALIDATION", "POLICY", "COST/MONTH (MIN-MAX)"});
      for (ApplicationSummary a : e.applications()) {
        long errors = a.invalidObjects();
        rows.add(new String[] {a.name(), a.namespace(), Integer.toString(a.components()),
            Integer.toString(a.objects().size()), errors == 0 ? "ok" : errors + " invalid", policyCell(e, a), costCell(e, a, notes)});
      }
      if (!e.clusterObjects().isEmpty()) {
        long errors = e.clusterValidation().stream().filter(Diagnostic::isError).count();
        rows.add(new String[] {"(cluster)", "-", "-", Integer.toString(e.clusterObjects().size()),
            errors == 0 ? "ok" : errors + " invalid", "-",
            e.cost() == null ? "-" : range(e.cost().atMin().shared(), e.cost().atMax().shared(), notes)});
      }
      if (e.cost() != null) {
        out.println("  environment total " + range(e.cost().atMin().total(), e.cost().atMax().total()) + " "
            + e.cost().catalog().currency() + "/month; nodes " + CostPlanner.describeNodes(e.cost().atMin().capacity())
            + " at minimum" + notPlaced(e) + " (details: slipway cost)");
      }
      out.print(Output.table(rows, "  "));
      notes.forEach(n -> out.println("  " + n));
      if (target != null) {
        out.println("  manifests: " + target.resolve(e.name()).normalize() + "/");
      }
    }
    List<Diagnostic> all = plan.allDiagnostics();
    if (!all.isEmpty()) {
      out.println();
      out.println("Findings:");
      for (Diagnostic d : all) {
        out.println("  " + d.format());
      }
    }
    long errors = all.stream().filter(Diagnostic::isError).count();
    long warnings = all.stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).count();
    long waived = plan.environments().stream().flatMap(e -> e.applications().stream()).mapToLong(ApplicationSummary::policyWaived).sum();
    int objects = plan.objectCount();
    out.println();
    out.println("Summary: " + Output.plural(plan.environments().size(), "environment") + ", "
        + Output.plural(objects, "object") + ", " + Output.plural(errors, "error") + ", "
        + Output.plural(warnings, "warning") + ", " + waived + " waived; enforce-level policy violations: "
        + plan.enforcedViolations() + (written != null ? "; " + written : ""));
  }

  /** The totals leave out pods that cannot be placed: say how many, so the figure is not read as complete. */
  private static String notPlaced(EnvironmentSummary e) {
    int min = e.cost().atMin().capacity().unschedulablePods();
    int max = e.cost().atMax().capacity().unschedulablePods();
    if (min + max == 0) {
      return "";
    }
    return "; " + (min == max ? Output.plural(min, "pod") : min + " - " + max + " pods") + " not placed and not costed (see findings)";
  }

  static final String LOWER_AT_MAX = "* less at maximum replicas: nodes are shared in proportion to requests, and at maximum"
      + " other applications take more of fuller nodes (managed Prometheus also costs less per sample at volume)";
  static final String CRON_AT_MAX = "+ CronJob pods are costed at maximum only (room for one run at a time); at minimum none runs";

  private static String costCell(EnvironmentSummary e, ApplicationSummary a, java.util.Set<String> notes) {
    if (e.cost() == null) {
      return "-";
    }
    String cell = range(e.cost().atMin().perApplication().getOrDefault(a.name(), 0.0),
        e.cost().atMax().perApplication().getOrDefault(a.name(), 0.0), notes);
    if (a.objects().stream().anyMatch(o -> o.kind().equals("CronJob"))) {
      notes.add(CRON_AT_MAX);
      cell += " +";
    }
    return cell;
  }

  /** "min - max"; a minimum above the maximum is marked, and the mark explained under the table. */
  static String range(double min, double max, java.util.Set<String> notes) {
    String cell = range(min, max);
    if (min - max >= 0.005) {
      notes.add(LOWER_AT_MAX);
      cell += " *";
    }
    return cell;
  }

  private static String range(double min, double max) {
    return CostCommand.money(min) + (Math.abs(max - min) < 0.005 ? "" : " - " + CostCommand.money(max));
  }

  private static String policyCell(EnvironmentSummary e, ApplicationSummary a) {
    long failed = a.policyFailures();
    long waived = a.policyWaived();
    String s = failed == 0 ? "ok" : Output.plural(failed, e.enforced() ? "violation" : "warning");
    return waived > 0 ? s + ", " + waived + " waived" : s;
  }

  private ObjectNode json(Workspace ws, PlanSummary plan, int code, Path target) {
    ObjectNode root = Output.JSON.createObjectNode();
    root.put("platform", ws.platform() == null ? null : ws.platform().name());
    root.put("exitCode", code);
    root.put("outputDirectory", target == null ? null : target.normalize().toString());
    ArrayNode envsNode = root.putArray("environments");
    for (EnvironmentSummary e : plan.environments()) {
      ObjectNode en = envsNode.addObject();
      en.put("name", e.name());
      en.put("cluster", e.environment().cluster().context());
      en.put("enforcement", e.environment().policy().enforcement().label());
      en.put("production", e.environment().production());
      if (e.cost() != null) {
        en.putObject("monthlyCost").put("atMin", Math.round(e.cost().atMin().total() * 100) / 100.0)
            .put("atMax", Math.round(e.cost().atMax().total() * 100) / 100.0).put("currency", e.cost().catalog().currency());
      }
      ArrayNode cluster = en.putArray("clusterObjects");
      Layout layout = Layout.valueOf(layoutName.toUpperCase(Locale.ROOT));
      e.clusterObjects().forEach(o -> cluster.add(objectJson(ObjectSummary.of(o), OutputLayout.clusterFile(layout, e.name(), o))));
      ArrayNode appsNode = en.putArray("applications");
      for (ApplicationSummary a : e.applications()) {
        ObjectNode an = appsNode.addObject();
        an.put("name", a.name());
        an.put("namespace", a.namespace());
        ArrayNode objs = an.putArray("objects");
        a.objects().forEach(o -> objs.add(objectJson(o, OutputLayout.appFile(layout, e.name(), a.name(), o))));
        ObjectNode pol = an.putObject("policy");
        pol.put("passed", a.passed());
        pol.put("failed", a.policyFailures());
        pol.put("waived", a.policyWaived());
        if (e.cost() != null) {
          an.putObject("monthlyCost").put("atMin", e.cost().atMin().perApplication().getOrDefault(a.name(), 0.0))
              .put("atMax", e.cost().atMax().perApplication().getOrDefault(a.name(), 0.0));
        }
        ArrayNode ds = an.putArray("diagnostics");
        a.validation().forEach(d -> ds.add(Output.diagnostic(d)));
        PlanSummary.policyDiagnostics(e.enforced(), a.findings()).forEach(d -> ds.add(Output.diagnostic(d)));
      }
    }
    ArrayNode ds = root.putArray("diagnostics");
    plan.allDiagnostics().forEach(d -> ds.add(Output.diagnostic(d)));
    return root;
  }

  private static ObjectNode objectJson(ObjectSummary o, String file) {
    ObjectNode n = Output.JSON.createObjectNode();
    n.put("apiVersion", o.apiVersion());
    n.put("kind", o.kind());
    n.put("namespace", o.namespace());
    n.put("name", o.name());
    n.put("component", o.component());
    n.put("wave", o.wave());
    n.put("file", file);
    return n;
  }

  /** Phase times on stderr when SLIPWAY_TIMINGS is set; for benchmarks and slow-plan reports. */
  static final class Timings {
    private final PrintWriter err;
    private final boolean on = System.getenv("SLIPWAY_TIMINGS") != null;
    private long last = System.nanoTime();

    Timings(PrintWriter err) {
      this.err = err;
    }

    void mark(String phase) {
      if (on) {
        long now = System.nanoTime();
        err.printf("timing: %-32s %6d ms%n", phase, (now - last) / 1_000_000);
        last = now;
      }
    }
  }
}
