package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.capacity.Catalog;
import dev.slipway.engine.doctor.Doctor;
import dev.slipway.engine.doctor.Finding;
import dev.slipway.engine.doctor.FindingJson;
import dev.slipway.engine.doctor.LiveDump;
import dev.slipway.engine.doctor.SpecFacts;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.kube.DiagnosisReader;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway doctor}: what is wrong with an environment's running applications, why, and what to change. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Diagnoses the running applications of one environment: crash loops, out-of-memory kills, image pulls, pods that",
        "cannot be scheduled, failing probes, Services without endpoints, Ingresses without an address, autoscalers without",
        "metrics, ExternalSecrets not synced, volume claims pending, failing CronJobs, blocking disruption budgets, stuck rollouts.",
        "Each finding has its evidence, an explanation and the fix, with the spec file and line where the cause is written.",
        "Reads the environment's cluster, or with --from a saved 'kubectl get -o yaml' dump (offline).",
        "Arguments: [DIR] [APP]; a single argument is DIR when it is a platform directory (has slipway.yaml), else APP.",
        "Exit codes: 0 no error found (warnings may be printed), 1 a finding of severity error, 2 bad input or no cluster."})
final class DoctorCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..2", paramLabel = "DIR|APP",
      description = "Platform directory (default: the current directory) and/or the application to diagnose (default: all).")
  List<String> positional = new ArrayList<>();

  @Option(names = "--env", paramLabel = "ENV", description = "The environment to diagnose.")
  String env;

  @Option(names = "--app", split = ",", paramLabel = "APP", description = "Only these applications (repeatable, comma-separated).")
  List<String> apps = new ArrayList<>();

  @Option(names = "--from", paramLabel = "DUMP",
      description = "Read a saved dump (kubectl get ... -o yaml: a List, or a multi-document stream) instead of the cluster; repeatable.")
  List<Path> from = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json.")
  String format = "text";

  @Mixin
  ClusterCommands.Target target;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Output.checkFormat(err, format, "text", "json")) {
      return Main.BAD_INPUT;
    }
    Path dir = Path.of(".");
    Set<String> applications = new LinkedHashSet<>(apps);
    if (positional.size() == 2) {
      dir = Path.of(positional.get(0));
      applications.add(positional.get(1));
    } else if (positional.size() == 1) {
      Path p = Path.of(positional.get(0));
      if (Files.isRegularFile(p.resolve(Workspace.PLATFORM_FILE))) {
        dir = p;
      } else {
        applications.add(positional.get(0));
      }
    }
    if (env == null) {
      err.println("error: name the environment to diagnose with --env");
      return Main.BAD_INPUT;
    }
    Workspace ws = Workspace.load(dir);
    Plan plan = new Planner().plan(ws, new Planner.Scope(Set.of(env), applications));
    if (plan.hasSpecErrors()) {
      PlanCommand.printDiagnostics(err, plan.specDiagnostics());
      return Main.BAD_INPUT;
    }
    if (plan.environments().size() != 1) {
      err.println("error: no environment " + env + " in " + dir.resolve(Workspace.PLATFORM_FILE));
      return Main.BAD_INPUT;
    }
    EnvironmentPlan e = plan.environments().get(0);
    List<JsonNode> live;
    Instant now;
    String source;
    if (!from.isEmpty()) {
      live = new ArrayList<>();
      Diagnostics d = new Diagnostics();
      for (Path f : from) {
        String content;
        try {
          content = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException ex) {
          err.println("error: cannot read " + f + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
          return Main.BAD_INPUT;
        }
        live.addAll(LiveDump.parse(content, f.toString(), d));
      }
      if (d.hasErrors()) {
        PlanCommand.printDiagnostics(err, d.list());
        err.println("error: the dump cannot be read; nothing was diagnosed");
        return Main.BAD_INPUT;
      }
      now = LiveDump.observedAt(live).orElse(Instant.now());
      source = String.join(", ", from.stream().map(Path::toString).toList());
    } else {
      String context = e.environment().cluster().context();
      List<String> skipped = new ArrayList<>();
      try (KubernetesClient kc = target.connect(context)) {
        DiagnosisReader reader = new DiagnosisReader(target.client(kc));
        live = reader.read(e.applications().stream().map(a -> a.bundle().namespace()).toList(), skipped);
      } catch (IOException | KubernetesClientException ex) {
        err.println("error: " + target.problem(e.name(), context, ex));
        return Main.BAD_INPUT;
      }
      skipped.forEach(s -> err.println("note: " + s + " not read"));
      now = Instant.now();
      source = "cluster " + context;
    }
    SpecFacts facts = SpecFacts.of(e, Catalog.load(ws.platform().pricing(), new Diagnostics()), platformTree(dir));
    List<Finding> findings = Doctor.diagnose(facts, live, now, applications);
    long errors = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
    int code = errors > 0 ? Main.FINDINGS : Main.OK;
    if (format.equals("json")) {
      ObjectNode o = Output.JSON.createObjectNode();
      o.put("environment", e.name());
      o.put("source", source);
      e.applications().stream().map(ApplicationPlan::name).forEach(o.putArray("applications")::add);
      findings.forEach(f -> o.withArray("findings").add(FindingJson.of(f)));
      o.withArray("findings");
      o.put("errors", errors);
      o.put("warnings", findings.size() - errors);
      o.put("exitCode", code);
      out.println(Output.json(o));
    } else {
      print(out, e, findings, source);
    }
    return code;
  }

  private static dev.slipway.model.yaml.SpecNode platformTree(Path dir) {
    try {
      return SpecFacts.platformTree(Files.readString(dir.resolve(Workspace.PLATFORM_FILE), StandardCharsets.UTF_8));
    } catch (IOException ex) {
      return null;
    }
  }

  static void print(PrintWriter out, EnvironmentPlan e, List<Finding> findings, String source) {
    List<String> apps = e.applications().stream().map(ApplicationPlan::name).toList();
    out.println("Environment " + e.name() + " (" + source + "): " + Output.plural(apps.size(), "application"));
    String current = null;
    for (Finding f : findings) {
      if (!f.application().equals(current)) {
        current = f.application();
        out.println();
        out.println(current + ":");
      }
      out.println("  " + f.severity().label() + "  " + f.analyzer() + "  " + f.object()
          + (f.component() == null ? "" : "  (component " + f.component() + ")"));
      out.println("    " + f.explanation());
      for (String line : f.evidence()) {
        out.println("    - " + line);
      }
      out.println("    fix: " + f.fix());
      if (f.spec() != null) {
        out.println("    spec: " + f.spec());
      }
    }
    long errors = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
    out.println();
    if (findings.isEmpty()) {
      out.println("No problems found in " + String.join(", ", apps) + ".");
    } else {
      out.println(Output.plural(findings.size(), "finding") + ": " + Output.plural(errors, "error") + ", "
          + Output.plural(findings.size() - errors, "warning") + ".");
    }
  }
}
