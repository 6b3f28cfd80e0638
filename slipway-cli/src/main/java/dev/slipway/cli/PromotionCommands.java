package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.promote.PromotionGates;
import dev.slipway.engine.promote.PromotionRoute;
import dev.slipway.git.PlatformRepository;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.EnvironmentLock;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.Deployer;
import dev.slipway.kube.deploy.Provenance;
import dev.slipway.kube.deploy.ReleaseReader;
import dev.slipway.kube.deploy.SyncReport;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.ReleaseFiles;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ApprovalsSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.ReleaseSpec;
import dev.slipway.model.yaml.Suggest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway promote}, {@code approve}, {@code releases} and {@code unpin}: releases moving down the environment chain. */
final class PromotionCommands {
  private PromotionCommands() {}

  /** The platform directory, after the application name. */
  static final class Where {
    Path dir = Path.of(".");
  }

  /** APP [DIR]: the application, then the platform directory (default: the current one). */
  static final class AppAndDir {
    @Parameters(index = "0", paramLabel = "APP", description = "The application.")
    String app;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Platform directory (with slipway.yaml). Default: current directory.")
    Path dir = Path.of(".");
  }

  /** Loads the platform; null (with the diagnostics printed) when its specs have errors or the application does not exist. */
  static Workspace load(Path dir, String app, PrintWriter err) {
    Workspace ws = Workspace.load(dir);
    if (ws.diagnostics().hasErrors() || ws.platform() == null) {
      PlanCommand.printDiagnostics(err, ws.diagnostics().list().stream().filter(d -> d.isError()).toList());
      return null;
    }
    if (app != null && ws.applications().stream().noneMatch(a -> a.name().equals(app))) {
      List<String> names = ws.applications().stream().map(ApplicationSpec::name).toList();
      err.println("error: no application '" + app + "'" + Suggest.hint(app, names) + "; applications: " + String.join(", ", names));
      return null;
    }
    // What only planning finds (policy files, health scripts): the same errors as slipway plan, before anything is read or written.
    Plan plan = new dev.slipway.engine.plan.Planner().plan(ws, new dev.slipway.engine.plan.Planner.Scope(Set.of(),
        app == null ? Set.of() : Set.of(app)));
    if (plan.hasSpecErrors()) {
      PlanCommand.printDiagnostics(err, plan.specDiagnostics().stream().filter(d -> d.isError()).toList());
      return null;
    }
    return ws;
  }

  /** The route to {@code env}; null with the error (slipway.yaml file:line) printed when it is not downstream of anything. */
  static PromotionRoute route(Workspace ws, String env, String from, PrintWriter err) {
    PromotionRoute route = PromotionRoute.to(ws.platform(), env, from);
    if (!route.valid()) {
      err.println(route.error().format());
      err.println("Nothing was written.");
      return null;
    }
    return route;
  }

  /** Writes files and commits them; null with the reason printed when the platform is not in Git. */
  static String commit(Path dir, TreeMap<String, String> files, String message, String who, PrintWriter err) {
    try {
      Optional<PlatformRepository> repo = PlatformRepository.find(dir);
      if (repo.isEmpty()) {
        err.println("error: " + dir + " is not in a Git repository: promotions and approvals are recorded as Git commits. Nothing was written.");
        return null;
      }
      try (PlatformRepository r = repo.get()) {
        return r.commit(files, message, who);
      }
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      return null;
    }
  }

  /** {@code slipway promote}. */
  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = {"Promotes the release running in an environment's upstream (its promotion.from) to it.",
          "The release is what runs upstream: image references (by digest where the pods report one), the platform",
          "commit and a configuration hash; tags are never resolved again. Every gate is evaluated and listed: route,",
          "policy (the target planned with the release), source (Healthy and Synced at the release), soak, approval, pin.",
          "When all pass, releases/<env>/<app>.yaml is committed to Git and the environment is synced (unless --no-sync).",
          "--auto promotes every environment with promotion.auto whose gates pass, leaving pinned ones alone.",
          "Exit codes: 0 promoted (or nothing to promote), 1 a gate failed or the sync failed, 2 bad input (nothing written)."})
  static final class Promote implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "The application (all of them with --auto and no APP).")
    String app;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Platform directory (with slipway.yaml). Default: current directory.")
    void dir(Path dir) {
      where.dir = dir;
    }

    final Where where = new Where();

    @Mixin
    ClusterCommands.Target target;

    @Option(names = "--to", paramLabel = "ENV", description = "The environment to promote to.")
    String to;

    @Option(names = "--from", paramLabel = "ENV", description = "The upstream environment expected (must be --to's promotion.from).")
    String from;

    @Option(names = "--dry-run", description = "Evaluate and list the gates; write nothing.")
    boolean dryRun;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why: recorded in the release file and the commit.")
    String reason;

    @Option(names = "--force", description = "Promote to an environment a rollback pinned (and unpin it). No other gate can be forced.")
    boolean force;

    @Option(names = "--no-sync", description = "Commit the release only; the controller (slipway serve) or a later slipway sync applies it.")
    boolean noSync;

    @Option(names = "--auto", description = "Promote every application to every environment with promotion.auto whose gates pass.")
    boolean auto;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long the sync may take. Default: 5m.")
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
      if (auto == (to != null)) {
        err.println("error: name the environment with --to ENV, or use --auto (not both)");
        return Main.BAD_INPUT;
      }
      if (!auto && app == null) {
        err.println("error: name the application: slipway promote APP --to ENV");
        return Main.BAD_INPUT;
      }
      if (auto && (force || from != null)) {
        err.println("error: --auto never forces a pin and takes no --from");
        return Main.BAD_INPUT;
      }
      Workspace ws = load(where.dir, app, err);
      if (ws == null) {
        return Main.BAD_INPUT;
      }
      String who = Promotions.identity(where.dir);
      if (auto) {
        return auto(ws, who, deadline, out, err);
      }
      PromotionRoute route = route(ws, to, from, err);
      if (route == null) {
        return Main.BAD_INPUT;
      }
      return promote(ws, route, app, who, force, deadline, out, err);
    }

    private int promote(Workspace ws, PromotionRoute route, String application, String who, boolean forced, Duration deadline,
        PrintWriter out, PrintWriter err) {
      String env = route.target().name();
      Promotions.Evaluation ev = Promotions.evaluate(ws, route, application, target, who, forced, Clock.systemUTC());
      out.println("Promotion of " + application + " from " + route.source().name() + " to " + env);
      Promotions.printRelease(out, "candidate", ev.candidate(), ev.notes(), "  ");
      if (ev.current() != null) {
        Promotions.printRelease(out, "running  ", ev.current(), null, "  ");
      }
      if (ev.notes().containsKey("commit")) {
        out.println("  commit: " + ev.notes().get("commit"));
      }
      if (ev.notes().containsKey("approvals")) {
        err.println("warning: " + ev.notes().get("approvals"));
      }
      if (ev.upToDate()) {
        out.println(env + " already runs release " + ev.candidate().id() + ": nothing to promote.");
        return Main.OK;
      }
      out.println("Gates:");
      Promotions.printGates(out, ev.report(), "  ");
      if (!ev.report().passed()) {
        out.println("Not promoted: " + ev.report().failed().size() + " gate(s) failed. Nothing was written.");
        return Main.FINDINGS;
      }
      if (dryRun) {
        out.println("Dry run: every gate passes; nothing written.");
        return Main.OK;
      }
      ReleaseSpec release = ev.candidate().promotedTo(env, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), who, reason);
      TreeMap<String, String> files = new TreeMap<>();
      files.put(ReleaseFiles.releasePath(env, application), ReleaseFiles.emit(release));
      String message = "promote " + application + " to " + env + ": release " + release.id() + " from " + release.from() + "\n\n"
          + String.join("\n", release.images().values().stream().map(ReleaseSpec.ReleaseImage::image).toList())
          + (reason == null ? "" : "\n\nReason: " + reason) + "\nPromoted-by: " + who + "\n";
      String commit = commit(where.dir, files, message, who, err);
      if (commit == null) {
        return Main.BAD_INPUT;
      }
      out.println("Promoted " + application + " to " + env + ": release " + release.id() + " committed as " + Promotions.shortId(commit)
          + " (" + ReleaseFiles.releasePath(env, application) + ").");
      boolean forcedPin = ev.report().gates().stream().anyMatch(g -> g.forced());
      if (noSync) {
        out.println("Not synced (--no-sync): the controller or slipway sync applies it.");
        return Main.OK;
      }
      return sync(env, application, forcedPin, deadline, out, err);
    }

    /** Syncs the promoted application in its environment through the same deploy code as {@code slipway sync}. */
    private int sync(String env, String application, boolean unpin, Duration deadline, PrintWriter out, PrintWriter err) {
      Plan plan = ClusterCommands.plan(where.dir, Set.of(env), Set.of(application), List.of(), err);
      if (plan == null) {
        return Main.BAD_INPUT;
      }
      EnvironmentPlan e = plan.environments().get(0);
      if (plan.blocked()) {
        err.println("error: " + env + " is blocked (run slipway plan); the release is committed but nothing was applied");
        return Main.FINDINGS;
      }
      SyncExecutor.Options options = new SyncExecutor.Options(false, false, false, deadline, Duration.ofSeconds(1), false);
      Provenance provenance = ClusterCommands.provenance(where.dir, List.of(), err);
      try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
        ClusterClient client = target.client(kc);
        SyncReport report = new Deployer(client, Clock.systemUTC(), out, err).health(plan.health())
            .sync(e, ClusterCommands.bundles(e, true), options, provenance, 0);
        if (!report.succeeded()) {
          return Main.FINDINGS;
        }
        if (unpin) {
          new ReleaseReader(client, new SyncExecutor(client, Clock.systemUTC())).unpin(env, e.applications().get(0).bundle());
          out.println("Unpinned " + application + " in " + env + " (--force).");
        }
        out.println("Synced: " + report.writes() + " write(s).");
        return Main.OK;
      } catch (EnvironmentLock.Held ex) {
        err.println("error: " + ex.getMessage() + ". The release is committed; nothing was applied.");
        return Main.FINDINGS;
      } catch (IOException | KubernetesClientException ex) {
        err.println("error: the release is committed but the sync failed: " + target.problem(env, e.environment().cluster().context(), ex));
        return Main.FINDINGS;
      }
    }

    /** {@code --auto}: each environment with promotion.auto, in the platform's order; pinned ones are left alone. */
    private int auto(Workspace ws, String who, Duration deadline, PrintWriter out, PrintWriter err) {
      int code = Main.OK;
      List<String> apps = app != null ? List.of(app) : ws.applications().stream().map(ApplicationSpec::name).toList();
      boolean any = false;
      for (EnvironmentSpec env : ws.platform().environments()) {
        if (env.promotion() == null || !env.promotion().auto()) {
          continue;
        }
        any = true;
        for (String a : apps) {
          // Each promotion commits; the next one reads the platform as it is now.
          Workspace now = load(where.dir, a, err);
          if (now == null) {
            return Main.BAD_INPUT;
          }
          PromotionRoute route = PromotionRoute.to(now.platform(), env.name(), null);
          Promotions.Evaluation ev = Promotions.evaluate(now, route, a, target, who, false, Clock.systemUTC());
          if (ev.upToDate()) {
            out.println(a + " in " + env.name() + ": runs release " + ev.candidate().id() + ", nothing to promote.");
            continue;
          }
          var pin = ev.report().gates().stream().filter(g -> g.name().equals("pin") && !g.passed()).findFirst();
          if (pin.isPresent()) {
            out.println(a + " in " + env.name() + ": left alone: " + pin.get().reason().replace("; or promote with --force", ""));
            continue;
          }
          if (!ev.report().passed()) {
            out.println(a + " in " + env.name() + ": waiting for release " + ev.candidate().id() + ":");
            Promotions.printGates(out, new PromotionGates.Report(ev.report().failed()), "  ");
            continue;
          }
          int c = promote(now, route, a, who, false, deadline, out, err);
          code = Math.max(code, c);
        }
      }
      if (!any) {
        out.println("No environment has promotion.auto: nothing to do.");
      }
      return code;
    }
  }

  /** {@code slipway approve}. */
  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = {"Approves the candidate release of an application for an environment whose promotion requires approval.",
          "Recorded in Git (releases/<env>/<app>.approvals.yaml, one commit) with who, when and why, bound to the",
          "candidate's id: a newer candidate needs approving again. Who: $SLIPWAY_USER, else the repository's git",
          "user.email, else $USER.",
          "Exit codes: 0 approved (or already), 2 bad input or the source's cluster unreadable (nothing written)."})
  static final class Approve implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    AppAndDir args;

    @Mixin
    ClusterCommands.Target target;

    @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment the release would be promoted to.")
    String env;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why: recorded with the approval.")
    String reason;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Workspace ws = load(args.dir, args.app, err);
      if (ws == null) {
        return Main.BAD_INPUT;
      }
      PromotionRoute route = route(ws, env, null, err);
      if (route == null) {
        return Main.BAD_INPUT;
      }
      if (!route.target().promotion().needsApproval()) {
        err.println("error: " + env + "'s promotion does not require approval (promotion.requires); nothing was written");
        return Main.BAD_INPUT;
      }
      String who = Promotions.identity(args.dir);
      Promotions.Evaluation ev = Promotions.evaluate(ws, route, args.app, target, null, false, Clock.systemUTC());
      ReleaseSpec candidate = ev.candidate();
      if (ev.sourceUnreadable() != null) {
        // Without the source's pods and history the candidate is not the one a promotion will see.
        err.println("error: cannot read what runs in " + route.source().name() + ": " + ev.sourceUnreadable() + "; nothing was approved");
        return Main.BAD_INPUT;
      }
      Promotions.printRelease(out, "Approving release", candidate, ev.notes(), "");
      if (ev.upToDate()) {
        err.println("error: " + env + " already runs release " + candidate.id() + "; there is nothing to approve. Nothing was written.");
        return Main.BAD_INPUT;
      }
      Diagnostics d = new Diagnostics();
      ApprovalsSpec existing = ReleaseFiles.readApprovals(ws.root(), env, args.app, d);
      if (d.hasErrors()) {
        PlanCommand.printDiagnostics(err, d.list());
        return Main.BAD_INPUT;
      }
      List<ApprovalsSpec.Approval> approvals = new ArrayList<>();
      if (existing != null && existing.release().equals(candidate.id())) {
        approvals.addAll(existing.approvals());
      }
      if (approvals.stream().anyMatch(a -> a.by().equals(who))) {
        out.println(who + " has already approved release " + candidate.id() + " for " + env + ".");
        return Main.OK;
      }
      approvals.add(new ApprovalsSpec.Approval(who, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), reason));
      ApprovalsSpec next = new ApprovalsSpec(args.app, env, candidate.id(), approvals);
      TreeMap<String, String> files = new TreeMap<>();
      files.put(ReleaseFiles.approvalsPath(env, args.app), ReleaseFiles.emit(next));
      String commit = commit(args.dir, files, "approve " + args.app + " for " + env + ": release " + candidate.id() + "\n\n"
          + (reason == null ? "" : "Reason: " + reason + "\n") + "Approved-by: " + who + "\n", who, err);
      if (commit == null) {
        return Main.BAD_INPUT;
      }
      int need = route.target().promotion().approvals();
      out.println("Approved by " + who + ": " + approvals.size() + " approval(s), " + need + " needed, for release " + candidate.id()
          + " (committed as " + Promotions.shortId(commit) + ").");
      return Main.OK;
    }
  }

  /** {@code slipway releases}. */
  @Command(name = "releases", mixinStandardHelpOptions = true,
      description = {"Lists, per environment, the release an application runs and the candidate waiting upstream at each gate.",
          "Reads each environment's cluster for digests, history and pins; what cannot be read fails its gate.",
          "Exit codes: 0 listed, 2 bad input."})
  static final class Releases implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    AppAndDir args;

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
      Workspace ws = load(args.dir, args.app, err);
      if (ws == null) {
        return Main.BAD_INPUT;
      }
      ArrayNode json = Output.JSON.createArrayNode();
      for (EnvironmentSpec env : ws.platform().environments()) {
        ReleaseSpec running = ws.release(env.name(), args.app);
        ObjectNode o = json.addObject().put("environment", env.name());
        if (format.equals("table")) {
          out.println("Environment " + env.name() + (env.promotion() == null ? "  (start of the chain: renders app.yaml's images)"
              : "  (promoted from " + env.promotion().from() + ")"));
        }
        if (running != null) {
          o.set("running", Promotions.json(running));
          if (format.equals("table")) {
            Promotions.printRelease(out, "runs release", running, null, "  ");
          }
        } else {
          ApplicationPlan p = Promotions.planOne(ws, env.name(), args.app);
          ObjectNode images = o.putObject("running").put("source", "app.yaml").putObject("images");
          p.resolved().components().stream().filter(c -> c.image() != null).forEach(c -> images.put(c.name(), c.image()));
          if (format.equals("table")) {
            out.println("  runs app.yaml's images" + (env.promotion() == null ? "" : " (never promoted)"));
            p.resolved().components().stream().filter(c -> c.image() != null).forEach(c -> out.println("    " + c.name() + "  " + c.image()));
          }
        }
        if (env.promotion() == null) {
          continue;
        }
        PromotionRoute route = PromotionRoute.to(ws.platform(), env.name(), null);
        Promotions.Evaluation ev = Promotions.evaluate(ws, route, args.app, target, null, false, Clock.systemUTC());
        ObjectNode c = o.putObject("candidate");
        c.set("release", Promotions.json(ev.candidate()));
        c.put("upToDate", ev.upToDate());
        if (!ev.upToDate()) {
          c.set("gates", Promotions.json(ev.report()).get("gates"));
          c.put("passed", ev.report().passed());
        }
        if (format.equals("table")) {
          if (ev.upToDate()) {
            out.println("  up to date with " + env.promotion().from() + " (release " + ev.candidate().id() + ")");
          } else {
            Promotions.printRelease(out, "candidate", ev.candidate(), ev.notes(), "  ");
            out.println("  " + (ev.report().passed() ? "ready to promote:" : "waiting:"));
            Promotions.printGates(out, ev.report(), "    ");
          }
        }
      }
      if (format.equals("json")) {
        out.println(Output.json(json));
      }
      return Main.OK;
    }
  }

  /** {@code slipway unpin}. */
  @Command(name = "unpin", mixinStandardHelpOptions = true,
      description = {"Removes the pin a rollback put on an application in an environment, so that promotion (and the",
          "server's automated sync) may change it again. The same as the server's POST .../unpin.",
          "Exit codes: 0 unpinned (or was not pinned), 2 bad input or no cluster."})
  static final class Unpin implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    AppAndDir args;

    @Mixin
    ClusterCommands.Target target;

    @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
    String env;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Plan plan = ClusterCommands.plan(args.dir, Set.of(env), Set.of(args.app), List.of(), err);
      if (plan == null) {
        return Main.BAD_INPUT;
      }
      EnvironmentPlan e = plan.environments().get(0);
      try (KubernetesClient kc = target.connect(e.environment().cluster().context())) {
        ClusterClient client = target.client(kc);
        PromotionGates.Pin pin = new ReleaseReader(client, new SyncExecutor(client, Clock.systemUTC()))
            .unpin(env, e.applications().get(0).bundle());
        out.println(pin == null ? args.app + " in " + env + " was not pinned." : "Unpinned " + args.app + " in " + env + " (was pinned at revision "
            + pin.revision() + ").");
        return Main.OK;
      } catch (IOException | KubernetesClientException | IllegalStateException ex) {
        err.println("error: " + target.problem(env, e.environment().cluster().context(), ex));
        return Main.BAD_INPUT;
      }
    }
  }
}
