package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.sync.ObjectDiff;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.ClusterFailure;
import dev.slipway.kube.EnvironmentLock;
import dev.slipway.kube.Kubeconfigs;
import dev.slipway.kube.RateLimiter;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.Deployer;
import dev.slipway.kube.deploy.Provenance;
import dev.slipway.kube.deploy.SyncReport;
import dev.slipway.git.PlatformRepository;
import java.util.Optional;
import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The commands that talk to an environment's cluster: {@code diff} and {@code sync}. */
final class ClusterCommands {
  private ClusterCommands() {}

  /** Options for reaching the cluster of one environment. */
  static final class Target {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
        description = "kubeconfig file. Default: $KUBECONFIG (several files are merged as kubectl merges them), else ~/.kube/config.")
    Path kubeconfig;

    @Option(names = "--request-timeout", paramLabel = "DURATION",
        description = "How long one request to the API server may take (e.g. 10s). Default: 30s. Connecting times out after 5s.")
    String requestTimeout = "30s";

    @Option(names = "--qps", paramLabel = "N", description = "Client-side rate limit: requests per second to each API server. Default: 20.")
    double qps = ClusterClient.DEFAULT_QPS;

    @Option(names = "--burst", paramLabel = "N", description = "Client-side rate limit: requests allowed at once above --qps. Default: 40.")
    int burst = ClusterClient.DEFAULT_BURST;

    private final java.util.Map<String, String> servers = new java.util.concurrent.ConcurrentHashMap<>();

    /** A client for the environment's context; refuses to fall back to another context. */
    KubernetesClient connect(String context) throws IOException {
      Duration timeout = Sync.duration(requestTimeout);
      if (timeout == null || timeout.isZero()) {
        throw new IOException("--request-timeout must be a duration such as 10s or 1m, got '" + requestTimeout + "'");
      }
      if (qps <= 0 || burst < 1) {
        throw new IOException("--qps must be positive and --burst at least 1");
      }
      List<Path> files = Kubeconfigs.locate(kubeconfig, System.getenv("KUBECONFIG"), System.getProperty("user.home"));
      Kubeconfigs.Merged merged = Kubeconfigs.load(files);
      String from = merged.files().stream().map(Path::toString).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
      if (!merged.hasContext(context)) {
        throw new IOException("context '" + context + "' is not in " + from + "; refusing to use another cluster");
      }
      String server = merged.server(context);
      if (server != null) {
        servers.put(context, server);
      }
      Config config;
      try {
        config = Config.fromKubeconfig(context, merged.yaml(), merged.files().get(0).toString());
      } catch (RuntimeException e) {
        throw new IOException("cannot use context '" + context + "' of " + from + ": " + e.getMessage(), e);
      }
      ClusterClient.configure(config, timeout);
      return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** A cluster client with this target's rate limit. */
    ClusterClient client(KubernetesClient kc) {
      return new ClusterClient(kc, ClusterClient.RetryPolicy.DEFAULT, new RateLimiter(qps, burst));
    }

    /**
     * Why an environment's cluster could not be used, naming the environment, the context and the
     * server: "cannot reach" only when no answer came; a refusal (401, 403) says what was refused.
     */
    String problem(String environment, String context, Exception e) {
      String where = "environment " + environment + " (context " + context
          + (servers.containsKey(context) ? ", server " + servers.get(context) : "") + ")";
      if (e instanceof ClusterFailure f && f.kind() == ClusterFailure.Cause.DEADLINE) {
        return "the sync of " + where + " ran out of time: " + f.getMessage();
      }
      if (e instanceof ClusterFailure f && !f.unreachable()) {
        return "the cluster of " + where + " refused a request: " + f.getMessage();
      }
      if (e instanceof IOException) {
        return "cannot use the cluster of " + where + ": " + e.getMessage();
      }
      return "cannot reach the cluster of " + where + ": " + e.getMessage();
    }
  }

  /** The environment's rendered bundles: cluster-wide objects first (unless narrowed to apps), then each application. */
  static List<ApplicationBundle> bundles(EnvironmentPlan e, boolean appsOnly) {
    return Deployer.bundles(e, appsOnly);
  }

  /** The platform directory's Git commit and whether it has uncommitted changes; no commit outside Git. */
  static Provenance provenance(Path platformDir, List<String> sets, PrintWriter err) {
    try {
      Optional<PlatformRepository> found = PlatformRepository.find(platformDir);
      if (found.isEmpty()) {
        return Provenance.outsideGit(sets);
      }
      try (PlatformRepository repo = found.get()) {
        String head = repo.head();
        return new Provenance(head, head != null && repo.dirty("out"), sets);
      }
    } catch (IOException | RuntimeException e) {
      err.println("warning: cannot read the platform's Git repository (" + e.getMessage() + "); this sync will not be reproducible by rollback");
      return Provenance.outsideGit(sets);
    }
  }

  static Plan plan(PlatformOptions platform, PrintWriter err) {
    return plan(platform.dir, platform.environments(), platform.applications(), platform.sets, err);
  }

  /** Plans one environment of the platform in {@code dir}; null (with the reason printed) when it cannot. */
  static Plan plan(Path dir, java.util.Set<String> envs, java.util.Set<String> apps, List<String> sets, PrintWriter err) {
    Workspace ws = Workspace.load(dir);
    Plan plan = new Planner().plan(ws, new Planner.Scope(envs, apps, sets));
    if (plan.hasSpecErrors()) {
      PlanCommand.printDiagnostics(err, plan.specDiagnostics());
      return null;
    }
    if (plan.environments().size() != 1) {
      err.println("error: name one environment with --env");
      return null;
    }
    return plan;
  }

  /** {@code slipway diff}: how the cluster differs from what Slipway renders. */
  @Command(name = "diff", mixinStandardHelpOptions = true,
      description = {"Compares every object Slipway renders for an environment with its cluster: Synced, OutOfSync, Missing, Extra.",
          "Exit codes: 0 in sync, 1 differences, 2 bad input or no cluster."})
  static final class Diff implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PlatformOptions platform;

    @Mixin
    Target target;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Plan plan = plan(platform, err);
      if (plan == null) {
        return Main.BAD_INPUT;
      }
      EnvironmentPlan e = plan.environments().get(0);
      try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
        SyncExecutor executor = new SyncExecutor(target.client(kc), Clock.systemUTC());
        boolean inSync = true;
        for (ApplicationBundle b : bundles(e, !platform.apps.isEmpty())) {
          for (ObjectDiff d : executor.diff(e.name(), b)) {
            out.println(String.format("%-10s %s", d.state().label(), d.ref()));
            if (d.state() == ObjectDiff.SyncState.OUT_OF_SYNC) {
              out.print(d.diff().indent(4));
            }
            inSync &= d.state() == ObjectDiff.SyncState.SYNCED;
          }
        }
        out.println(inSync ? "In sync." : "Out of sync: run slipway sync to apply.");
        return inSync ? Main.OK : Main.FINDINGS;
      } catch (IOException | KubernetesClientException ex) {
        err.println("error: " + target.problem(e.name(), e.environment().cluster().context(), ex));
        return Main.BAD_INPUT;
      }
    }
  }

  /** {@code slipway destroy}: ordered teardown of one application in one environment. */
  @Command(name = "destroy", mixinStandardHelpOptions = true,
      description = {"Deletes what Slipway owns of an application in an environment, in teardown order.",
          "Ingresses and services first, then workloads, then configuration. Volume claims (data) are kept",
          "unless --delete-data.",
          "Exit codes: 0 done, 1 a delete failed (what was deleted stays deleted), 2 bad input, not confirmed, or no cluster."})
  static final class Destroy implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PlatformOptions platform;

    @Mixin
    Target target;

    @Option(names = "--delete-data", description = "Also delete volume claims: their data is lost. Needs --yes.")
    boolean deleteData;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--dry-run", description = "Show what would be deleted.")
    boolean dryRun;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (platform.apps.size() != 1) {
        err.println("error: name the one application to destroy with --app");
        return Main.BAD_INPUT;
      }
      if (deleteData && !yes) {
        err.println("error: --delete-data deletes volumes and their data; add --yes to confirm");
        return Main.BAD_INPUT;
      }
      Plan plan = plan(platform, err);
      if (plan == null) {
        return Main.BAD_INPUT;
      }
      EnvironmentPlan e = plan.environments().get(0);
      ApplicationBundle bundle = e.applications().get(0).bundle();
      if (!yes && !dryRun && !confirmed(bundle.application(), e.name(), out)) {
        err.println("error: not confirmed; nothing was deleted (use --yes in scripts)");
        return Main.BAD_INPUT;
      }
      try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
        SyncExecutor.Outcome o = new SyncExecutor(target.client(kc), Clock.systemUTC())
            .destroy(e.name(), bundle, deleteData, dryRun, m -> { });
        o.steps().forEach(s -> out.println("  " + s.action() + " " + s.ref() + (s.detail().isEmpty() ? "" : ": " + s.detail())));
        if (!o.succeeded()) {
          err.println("error: destroy of " + bundle.application() + " in " + e.name() + " stopped: " + o.failure());
          return Main.FINDINGS;
        }
        out.println(dryRun ? "Dry run: nothing deleted." : "Destroyed " + bundle.application() + " in " + e.name() + ": "
            + o.writes() + " object(s) deleted.");
        return Main.OK;
      } catch (IOException | KubernetesClientException ex) {
        err.println("error: " + target.problem(e.name(), e.environment().cluster().context(), ex));
        return Main.BAD_INPUT;
      }
    }

    private static boolean confirmed(String app, String env, PrintWriter out) {
      java.io.Console console = System.console();
      if (console == null) {
        return false;
      }
      out.print("Destroy " + app + " in " + env + "? Type the application name to confirm: ");
      out.flush();
      String answer = console.readLine();
      return app.equals(answer == null ? "" : answer.trim());
    }
  }

  /** {@code slipway sync}: apply an environment in waves. */
  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = {"Applies what Slipway renders for an environment, in waves, waiting for each to be healthy.",
          "Only one sync of an environment runs at a time (a Lease in the cluster); applications sync in parallel.",
          "Exit codes: 0 synced, 1 an apply or prune failed, a wave stayed unhealthy, the timeout ran out or the watch",
          "stopped on an error, 2 bad input, no cluster, or the environment locked by another sync (nothing applied)."})
  static final class Sync implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PlatformOptions platform;

    @Mixin
    Target target;

    @Option(names = "--dry-run", description = "Show what would be applied and pruned; write nothing.")
    boolean dryRun;

    @Option(names = "--prune", description = "Delete objects Slipway owns that are no longer rendered (never after a failed apply).")
    boolean prune;

    @Option(names = "--prune-volumes", description = "With --prune, also delete volume claims (their data is lost).")
    boolean pruneVolumes;

    @Option(names = "--timeout", paramLabel = "DURATION",
        description = "How long the whole sync may take, health waits included (e.g. 90s, 5m). Default: 5m.")
    String timeout = "5m";

    @Option(names = "--parallel", paramLabel = "N", description = "How many applications sync at once. Default: 4.")
    int parallel = Deployer.DEFAULT_PARALLEL;

    @Option(names = "--lock-wait", paramLabel = "DURATION",
        description = "If another sync of the environment holds its lock, wait this long for it. Default: 0s (fail at once).")
    String lockWait = "0s";

    @Option(names = "--watch", description = {"Keep running after the sync: re-sync when the platform files change, report drift",
        "in the cluster within seconds, and correct it where the environment has sync.selfHeal."})
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", description = "With --watch, how often to look at the platform files. Default: 5s.")
    String interval = "5s";

    @Option(names = "--watch-timeout", paramLabel = "DURATION", description = "With --watch, stop after this long. Default: until interrupted.")
    String watchTimeout;

    @Option(names = "--server-side", description = {"Apply with Kubernetes server-side apply (field manager slipway, conflicts forced)",
        "instead of the client-side three-way merge. Needs a real API server."})
    boolean serverSide;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Duration deadline = duration(timeout);
      if (deadline == null) {
        err.println("error: --timeout must be a duration such as 90s or 5m, got '" + timeout + "'");
        return Main.BAD_INPUT;
      }
      Duration waitForLock = duration(lockWait);
      if (waitForLock == null || parallel < 1) {
        err.println("error: --lock-wait takes a duration such as 0s or 5m, and --parallel a number of at least 1");
        return Main.BAD_INPUT;
      }
      Duration every = duration(interval);
      Duration stopAfter = watchTimeout == null ? null : duration(watchTimeout);
      if (every == null || watchTimeout != null && stopAfter == null) {
        err.println("error: --interval and --watch-timeout take durations such as 5s or 10m");
        return Main.BAD_INPUT;
      }
      if (watch && dryRun) {
        err.println("error: --watch and --dry-run do not go together");
        return Main.BAD_INPUT;
      }
      Plan plan = plan(platform, err);
      if (plan == null) {
        return Main.BAD_INPUT;
      }
      EnvironmentPlan e = plan.environments().get(0);
      if (plan.blocked() && !dryRun) {
        err.println("error: environment " + e.name() + " is blocked: enforced policy violations, rules that cannot be evaluated, invalid objects"
            + " or pods that cannot be scheduled; run slipway plan to see them. Nothing was applied.");
        return Main.FINDINGS;
      }
      SyncExecutor.Options options = new SyncExecutor.Options(dryRun, prune, pruneVolumes, deadline, Duration.ofSeconds(1), serverSide);
      Provenance provenance = dryRun ? null : provenance(platform.dir, platform.sets, err);
      try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
        ClusterClient client = target.client(kc);
        SyncReport report = new Deployer(client, Clock.systemUTC(), out, err).parallel(parallel).lockWait(waitForLock)
            .health(plan.health()).sync(e, bundles(e, !platform.apps.isEmpty()), options, provenance, 0);
        if (report.succeeded()) {
          out.println((dryRun ? "Dry run: nothing written." : "Synced: " + report.writes() + " write(s)."));
        }
        boolean watchedToTheEnd = true;
        if (watch) {
          watchedToTheEnd = new WatchLoop(platform, kc, client, options, out, err).parallel(parallel).lockWait(waitForLock)
              .health(plan.health()).run(e, every, watchTimeout == null ? null : java.time.Instant.now().plus(stopAfter));
        }
        return !report.succeeded() || !watchedToTheEnd ? Main.FINDINGS : Main.OK;
      } catch (EnvironmentLock.Held ex) {
        err.println("error: " + ex.getMessage() + ". Nothing was applied.");
        return Main.BAD_INPUT;
      } catch (ClusterFailure ex) {
        err.println("error: " + target.problem(e.name(), e.environment().cluster().context(), ex));
        // A timeout is the sync's outcome (exit 1), as documented; other failures here come before any write.
        return ex.kind() == ClusterFailure.Cause.DEADLINE ? Main.FINDINGS : Main.BAD_INPUT;
      } catch (IOException | KubernetesClientException ex) {
        err.println("error: " + target.problem(e.name(), e.environment().cluster().context(), ex));
        return Main.BAD_INPUT;
      }
    }

    static Duration duration(String s) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)(ms|s|m|h)$").matcher(s.trim());
      if (!m.matches()) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
  }
}
