package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.StatusReader;
import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code slipway status}: the application × environment matrix, read from each environment's cluster. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shows every application in every environment: sync state, health, revision, last sync, drift.",
        "Read from each environment's cluster; --env and --app narrow it.",
        "Exit codes: 0 all synced and healthy, 1 something is out of sync or unhealthy, 2 bad input or a cluster unreachable."})
final class StatusCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  PlatformOptions platform;

  @Mixin
  ClusterCommands.Target target;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
  String format = "table";

  static final String NOT_DEPLOYED = StatusReader.NOT_DEPLOYED;
  static final String UNREACHABLE = "cluster unreachable";

  /** One cell of the matrix. */
  record Row(String environment, String application, String sync, String health, String healthDetail, Revision revision,
      List<String> drifted, String historyProblem) {
    Row(String environment, String application, String sync, String health, String healthDetail, Revision revision,
        List<String> drifted) {
      this(environment, application, sync, health, healthDetail, revision, drifted, null);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Output.checkFormat(err, format, "table", "json")) {
      return Main.BAD_INPUT;
    }
    Plan plan = new Planner().plan(Workspace.load(platform.dir),
        new Planner.Scope(platform.environments(), platform.applications(), platform.sets));
    if (plan.hasSpecErrors()) {
      PlanCommand.printDiagnostics(err, plan.specDiagnostics());
      return Main.BAD_INPUT;
    }
    // Environments are read in parallel: an unreachable cluster costs its timeout once, not once per environment.
    List<EnvironmentPlan> envs = plan.environments();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, Math.min(8, envs.size())));
    List<java.util.concurrent.Future<EnvironmentStatus>> futures = new ArrayList<>();
    for (EnvironmentPlan e : envs) {
      futures.add(pool.submit(() -> read(e, plan.health())));
    }
    pool.shutdown();
    List<Row> rows = new ArrayList<>();
    boolean unreachable = false;
    for (java.util.concurrent.Future<EnvironmentStatus> f : futures) {
      EnvironmentStatus s;
      try {
        s = f.get();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return Main.BAD_INPUT;
      } catch (java.util.concurrent.ExecutionException ex) {
        throw new IllegalStateException(ex.getCause());
      }
      s.messages().forEach(err::println);
      unreachable |= s.failed();
      rows.addAll(s.rows());
    }
    if (format.equals("json")) {
      ArrayNode arr = Output.JSON.createArrayNode();
      for (Row r : rows) {
        ObjectNode o = arr.addObject().put("environment", r.environment()).put("application", r.application()).put("sync", r.sync())
            .put("health", r.health()).put("healthDetail", r.healthDetail());
        if (r.revision() != null) {
          o.put("revision", r.revision().number()).put("commit", r.revision().commit()).put("lastSync", r.revision().time())
              .put("lastResult", r.revision().result());
        }
        r.drifted().forEach(o.putArray("drifted")::add);
      }
      out.println(Output.json(arr));
    } else {
      List<String[]> table = new ArrayList<>();
      table.add(new String[] {"ENV", "APP", "SYNC", "HEALTH", "REVISION", "LAST SYNC", "DRIFT"});
      for (Row r : rows) {
        Revision rev = r.revision();
        table.add(new String[] {r.environment(), r.application(), r.sync(), r.health(),
            rev == null ? "-" : rev.number() + " " + HistoryCommands.shortCommit(rev),
            rev == null ? "-" : rev.time() + (rev.result().equals("Succeeded") ? "" : " (failed)"),
            r.drifted().isEmpty() ? "-" : String.valueOf(r.drifted().size())});
      }
      out.print(Output.table(table, ""));
      for (Row r : rows) {
        if (!r.healthDetail().equals(UNREACHABLE) && (!r.drifted().isEmpty() || !r.healthDetail().isEmpty())) {
          out.println();
          out.println(r.environment() + "/" + r.application() + ":");
          if (r.healthDetail().equals(NOT_DEPLOYED)) {
            out.println("  not deployed: its " + r.drifted().size() + " objects are missing (run slipway sync)");
            continue;
          }
          if (!r.healthDetail().isEmpty()) {
            out.println("  " + r.health() + ": " + r.healthDetail());
          }
          r.drifted().forEach(d -> out.println("  " + d));
        }
      }
    }
    if (unreachable) {
      return Main.BAD_INPUT;
    }
    boolean good = rows.stream().allMatch(r -> r.sync().equals("Synced") && r.health().equals(HealthStatus.HEALTHY.label()));
    return good ? Main.OK : Main.FINDINGS;
  }

  /** One environment's rows, the warnings and errors to print, and whether its cluster could not be read. */
  private record EnvironmentStatus(List<Row> rows, List<String> messages, boolean failed) {}

  private EnvironmentStatus read(EnvironmentPlan e, dev.slipway.engine.health.HealthRules health) {
    List<Row> rows = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
      ClusterClient client = target.client(kc);
      // Health by the platform's rules: its Lua health scripts, then the built-in ones.
      SyncExecutor executor = new SyncExecutor(client, Clock.systemUTC()).withHealth(health);
      StatusReader reader = new StatusReader(executor, new HistoryStore(client));
      SyncExecutor.Snapshot snapshot = executor.snapshot(e.name());
      for (var a : e.applications()) {
        Row r = row(e.name(), a.bundle(), snapshot, reader);
        if (r.historyProblem() != null) {
          messages.add("warning: " + a.bundle().application() + " in " + e.name() + ": " + r.historyProblem());
        }
        rows.add(r);
      }
      return new EnvironmentStatus(rows, messages, false);
    } catch (IOException | KubernetesClientException | IllegalStateException ex) {
      messages.add("error: " + target.problem(e.name(), e.environment().cluster().context(), ex));
      rows.clear();
      for (var a : e.applications()) {
        rows.add(new Row(e.name(), a.bundle().application(), "Unknown", HealthStatus.UNKNOWN.label(), UNREACHABLE, null, List.of()));
      }
      return new EnvironmentStatus(rows, messages, true);
    }
  }

  /** Sync state, worst health (with the first reason for it), last revision and drifted objects of one application. */
  static Row row(String environment, ApplicationBundle bundle, SyncExecutor.Snapshot snapshot, StatusReader reader) {
    StatusReader.ApplicationStatus a = reader.read(environment, bundle, snapshot);
    return new Row(environment, a.application(), a.sync(), a.health().label(), a.healthDetail(), a.revision(), a.drifted(),
        a.historyProblem());
  }
}
