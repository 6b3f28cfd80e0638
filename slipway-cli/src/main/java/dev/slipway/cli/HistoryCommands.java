package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.git.PlatformRepository;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.Deployer;
import dev.slipway.kube.deploy.SyncReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code slipway history} and {@code slipway rollback}: an application's past syncs, and redeploying one. */
final class HistoryCommands {
  private HistoryCommands() {}

  /** The one application named with --app, planned in the one environment named with --env; null when not. */
  static ApplicationBundle oneApplication(PlatformOptions platform, Plan plan, PrintWriter err) {
    if (plan == null) {
      return null;
    }
    if (platform.apps.size() != 1 || plan.environments().get(0).applications().size() != 1) {
      err.println("error: name one application with --app");
      return null;
    }
    return plan.environments().get(0).applications().get(0).bundle();
  }

  static String shortCommit(Revision r) {
    return dev.slipway.kube.deploy.Rollback.shortCommit(r);
  }

  static String note(Revision r) {
    List<String> notes = new ArrayList<>();
    if (r.rollbackOf() > 0) {
      notes.add("rollback to " + r.rollbackOf());
    }
    if (!r.sets().isEmpty()) {
      notes.add("--set " + String.join(" --set ", r.sets()));
    }
    if (!r.reproducible()) {
      notes.add(r.commit() == null ? "not in Git" : "uncommitted changes");
    }
    return String.join("; ", notes);
  }

  /** {@code slipway history}. */
  @Command(name = "history", mixinStandardHelpOptions = true,
      description = {"Lists the recorded syncs of an application in an environment, newest last, then, for components with a",
          "strategy, what their blue/green or canary rollouts did (their events).",
          "The last " + HistoryStore.KEEP + " syncs are kept, in a ConfigMap next to the application.",
          "Exit codes: 0 listed, 2 bad input or no cluster."})
  static final class History implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PlatformOptions platform;

    @Mixin
    ClusterCommands.Target target;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    String format = "table";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Output.checkFormat(err, format, "table", "json")) {
        return Main.BAD_INPUT;
      }
      Plan plan = ClusterCommands.plan(platform, err);
      ApplicationBundle bundle = oneApplication(platform, plan, err);
      if (bundle == null) {
        return Main.BAD_INPUT;
      }
      EnvironmentPlan e = plan.environments().get(0);
      try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
        HistoryStore.History h = new HistoryStore(target.client(kc)).read(e.name(), bundle);
        if (h.problem() != null) {
          err.println("warning: " + h.problem());
        }
        List<Revision> revisions = h.revisions();
        if (format.equals("json")) {
          ArrayNode a = Output.JSON.createArrayNode();
          revisions.forEach(r -> a.add(Output.JSON.valueToTree(r)));
          out.println(Output.json(a));
          return Main.OK;
        }
        if (revisions.isEmpty()) {
          out.println("No syncs of " + bundle.application() + " in " + e.name() + " recorded yet.");
          return Main.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"REV", "TIME", "WHO", "COMMIT", "RESULT", "WRITES", "IMAGES", "NOTE"});
        for (Revision r : revisions) {
          rows.add(new String[] {String.valueOf(r.number()), r.time(), r.who(), shortCommit(r), r.result(), String.valueOf(r.writes()),
              String.join(",", r.images()), note(r)});
        }
        out.print(Output.table(rows, ""));
        // Components with a strategy: what their rollouts did between and after these syncs.
        var store = new dev.slipway.kube.rollout.RolloutStore(target.client(kc));
        for (String component : dev.slipway.kube.rollout.RolloutSync.components(bundle)) {
          var state = store.read(bundle.namespace(), component).state();
          if (state == null) {
            continue;
          }
          out.println();
          out.println("Rollout of " + component + " (" + state.strategy() + "), " + dev.slipway.engine.rollout.RolloutMachine.describe(state)
              + ":");
          state.events().forEach(ev -> out.println("  " + RolloutCommands.t(ev.at()) + "  " + ev.text()));
        }
        return Main.OK;
      } catch (IOException | KubernetesClientException | IllegalStateException ex) {
        err.println("error: cannot read the history of " + bundle.application() + ": "
            + target.problem(e.name(), e.environment().cluster().context(), ex));
        return Main.BAD_INPUT;
      }
    }
  }

  /** {@code slipway rollback}. */
  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = {"Redeploys an application as it was at an earlier revision.",
          "The platform files of that revision's Git commit (with its --set overrides) are rendered again and",
          "synced. Revisions synced from uncommitted files cannot be rolled back to. The next slipway sync",
          "deploys the current files again.",
          "Exit codes: 0 rolled back, 1 the sync failed, 2 bad input, no such revision, or no cluster."})
  static final class Rollback implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PlatformOptions platform;

    @Mixin
    ClusterCommands.Target target;

    @Option(names = "--to", paramLabel = "REV",
        description = "Revision to return to (see slipway history). Default: the newest successful revision that deployed something else than the latest.")
    Integer to;

    @Option(names = "--dry-run", description = "Show what would be applied and pruned; write nothing.")
    boolean dryRun;

    @Option(names = "--prune", description = "Also delete objects the revision did not have (volume claims are kept).")
    boolean prune;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long each wave may take to become healthy. Default: 5m.")
    String timeout = "5m";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Duration deadline = ClusterCommands.Sync.duration(timeout);
      if (deadline == null) {
        err.println("error: --timeout must be a duration such as 90s or 5m, got '" + timeout + "'");
        return Main.BAD_INPUT;
      }
      if (!platform.sets.isEmpty()) {
        err.println("error: rollback uses the --set overrides recorded with the revision; do not pass --set");
        return Main.BAD_INPUT;
      }
      Plan current = ClusterCommands.plan(platform, err);
      ApplicationBundle bundle = oneApplication(platform, current, err);
      if (bundle == null) {
        return Main.BAD_INPUT;
      }
      EnvironmentPlan e = current.environments().get(0);
      try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
        Deployer deployer = new Deployer(target.client(kc), Clock.systemUTC(), out, err).health(current.health());
        dev.slipway.kube.deploy.Rollback.CommitFiles files = (commit, into) -> {
          Optional<PlatformRepository> repo = PlatformRepository.find(platform.dir);
          if (repo.isEmpty()) {
            return false;
          }
          try (PlatformRepository git = repo.get()) {
            git.export(commit, into);
          }
          return true;
        };
        SyncExecutor.Options options = new SyncExecutor.Options(dryRun, prune, false, deadline, Duration.ofSeconds(1));
        dev.slipway.kube.deploy.Rollback.Result result = new dev.slipway.kube.deploy.Rollback(deployer, files).run(e.name(), bundle, to, options, out, err);
        switch (result.status()) {
          case ROLLED_BACK -> {
            SyncReport report = result.sync();
            out.println(dryRun ? "Dry run: nothing written." : "Rolled back to revision " + result.revision().number() + ": "
                + report.writes() + " write(s).");
            return Main.OK;
          }
          case FAILED -> {
            return Main.FINDINGS;
          }
          case NO_REPOSITORY -> {
            err.println("error: " + platform.dir + " is not in a Git repository; cannot read revision " + result.revision().number()
                + "'s files");
            return Main.BAD_INPUT;
          }
          default -> {
            err.println("error: " + result.message());
            return result.status() == dev.slipway.kube.deploy.Rollback.Status.BLOCKED ? Main.FINDINGS : Main.BAD_INPUT;
          }
        }
      } catch (dev.slipway.kube.EnvironmentLock.Held ex) {
        err.println("error: " + ex.getMessage() + ". Nothing was applied.");
        return Main.BAD_INPUT;
      } catch (IOException | KubernetesClientException | IllegalStateException ex) {
        err.println("error: cannot roll back " + bundle.application() + ": " + target.problem(e.name(), e.environment().cluster().context(), ex));
        return Main.BAD_INPUT;
      }
    }
  }
}
