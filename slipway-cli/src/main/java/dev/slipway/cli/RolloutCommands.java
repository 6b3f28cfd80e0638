package dev.slipway.cli;

import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.rollout.Measurement;
import dev.slipway.engine.rollout.RolloutMachine;
import dev.slipway.engine.rollout.RolloutShaper;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.kube.PrometheusClient;
import dev.slipway.kube.rollout.RolloutDriver;
import dev.slipway.kube.rollout.RolloutStore;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.DeliveryStrategy;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.yaml.Durations;
import dev.slipway.model.yaml.Suggest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway rollout status|run|promote|abort|undo|retry}: a component's blue/green or canary
 * rollout, as {@code slipway sync} started it.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = {"Blue/green and canary rollouts of components with a strategy.",
        "slipway sync starts a rollout when it brings a new revision of such a component; these commands show it,",
        "drive it, and decide for it. See docs/delivery.md."},
    subcommands = {RolloutCommands.Status.class, RolloutCommands.Run.class, RolloutCommands.Promote.class, RolloutCommands.Abort.class,
        RolloutCommands.Undo.class, RolloutCommands.Retry.class})
final class RolloutCommands implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.BAD_INPUT;
  }

  /** Exit code of {@code run} when the rollout waits for a person. */
  static final int PAUSED = 4;

  /** What every rollout command takes. */
  static class Common {
    @Parameters(index = "0", paramLabel = "APP", description = "The application.")
    String app;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Platform directory (with slipway.yaml). Default: current directory.")
    Path dir = Path.of(".");

    @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
    String env;

    @Option(names = "--component", paramLabel = "NAME", description = "The component (default: the application's only one with a strategy).")
    String component;

    @Option(names = "--prometheus", paramLabel = "URL",
        description = "Prometheus to run the analysis against (default: the environment's addons.metrics.prometheusAddress).")
    String prometheus;

    @Mixin
    ClusterCommands.Target target;
  }

  /** A resolved command target: the driver's target and the environment's cluster context. */
  record Resolved(RolloutDriver.Target target, EnvironmentSpec environment) {}

  /** Plans the application and finds the component; null with the reason printed when it cannot. */
  static Resolved resolve(Common c, PrintWriter err) {
    Plan plan = ClusterCommands.plan(c.dir, Set.of(c.env), Set.of(c.app), List.of(), err);
    if (plan == null) {
      return null;
    }
    EnvironmentPlan e = plan.environments().get(0);
    if (e.applications().isEmpty()) {
      err.println("error: no application '" + c.app + "' in environment " + c.env);
      return null;
    }
    ApplicationPlan a = e.applications().get(0);
    List<ComponentSpec> withStrategy = a.resolved().components().stream().filter(x -> x.strategy() != null).toList();
    ComponentSpec chosen;
    if (c.component != null) {
      chosen = a.resolved().components().stream().filter(x -> x.name().equals(c.component)).findFirst().orElse(null);
      if (chosen == null) {
        List<String> names = a.resolved().components().stream().map(ComponentSpec::name).toList();
        err.println("error: application " + c.app + " has no component '" + c.component + "'" + Suggest.hint(c.component, names));
        return null;
      }
      if (chosen.strategy() == null) {
        err.println("error: component " + c.component + " of " + c.app + " has no strategy in " + c.env
            + ": its Deployment's rolling update replaces it (set strategy: blueGreen or canary in app.yaml)");
        return null;
      }
    } else if (withStrategy.size() == 1) {
      chosen = withStrategy.get(0);
    } else if (withStrategy.isEmpty()) {
      err.println("error: no component of " + c.app + " has a strategy in " + c.env + " (strategy: blueGreen or canary in app.yaml)");
      return null;
    } else {
      err.println("error: several components of " + c.app + " have a strategy (" + String.join(", ", withStrategy.stream()
          .map(ComponentSpec::name).toList()) + "): name one with --component");
      return null;
    }
    EnvironmentSpec env = e.environment();
    String prometheus = c.prometheus != null ? c.prometheus
        : env.addons().metrics() == null ? null : env.addons().metrics().prometheusAddress();
    return new Resolved(new RolloutDriver.Target(env.name(), a.resolved().name(), a.resolved().namespace(), chosen.name(), chosen.strategy(),
        env.analysis(), prometheus), env);
  }

  /** An instant as the output shows it: to the second. */
  static String t(Instant i) {
    return i == null ? "-" : i.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /** The rollout as {@code status} prints it. */
  static void print(PrintWriter out, RolloutDriver.Target t, RolloutState s, Instant now) {
    DeliveryStrategy strategy = t.strategy();
    out.println("Rollout of " + t.application() + "/" + t.component() + " in " + t.environment() + " (" + strategy.kind().id() + ")");
    out.println("  phase:     " + s.phase() + " - " + RolloutMachine.describe(s));
    out.println("  stable:    " + s.stable() + (s.previous() != null ? "   previous: " + s.previous() + " (scaled until "
        + t(s.scaleDownAt()) + "; slipway rollout undo switches back)" : ""));
    if (s.canary() != null) {
      out.println("  new:       " + s.canary() + (s.phase() == Phase.ABORTED ? " (scaled down)" : ""));
    }
    if (strategy.kind() == DeliveryStrategy.Kind.CANARY) {
      List<DeliveryStrategy.Step> steps = strategy.steps();
      String step = s.canary() == null ? "-" : s.step() >= steps.size() ? "done (" + steps.size() + " of " + steps.size() + ")"
          : (s.step() + 1) + " of " + steps.size() + ": " + steps.get(s.step()).describe();
      out.println("  step:      " + step);
      out.println("  traffic:   " + (100 - s.weight()) + "% " + t.component() + " (stable), " + s.weight() + "% "
          + RolloutShaper.canaryService(t.component()) + (s.canary() != null ? "; new revision at " + s.scale() + "% of the replicas" : ""));
    } else {
      out.println("  traffic:   all on " + s.stable() + " through Service " + t.component() + (s.canary() != null && s.phase() != Phase.ABORTED
          ? "; preview " + s.canary() + " through Service " + RolloutShaper.preview(t.component()) : ""));
    }
    if (s.waitingFor() != null) {
      out.println("  waiting:   " + s.waitingFor() + (s.deadline() == null ? "" : " (until " + t(s.deadline()) + ", "
          + Durations.text(Duration.between(now, s.deadline()).isNegative() ? Duration.ZERO
              : Duration.between(now, s.deadline()).withNanos(0)) + " left)"));
    }
    if (s.message() != null) {
      out.println("  reason:    " + s.message());
    }
    if (s.analysis() != null) {
      out.println("  analysis:  " + String.join(", ", s.analysis().templates()) + " since " + t(s.analysis().started())
          + (s.analysis().verdict() == null ? " (running)" : " -> " + s.analysis().verdict()));
      s.analysis().measurements().forEach((name, ms) -> {
        // Consecutive measurements alike are shown once with their number: "error ×5 (connection refused)".
        List<String> parts = new ArrayList<>();
        String last = null;
        int same = 0;
        for (Measurement m : ms) {
          String text = m.phase().name().toLowerCase(java.util.Locale.ROOT) + (m.value() != null && !m.value().isEmpty() ? " " + m.value() : "")
              + (m.phase() == dev.slipway.engine.rollout.MeasurementPhase.ERROR && m.message() != null ? " (" + m.message() + ")" : "");
          if (text.equals(last)) {
            same++;
            parts.set(parts.size() - 1, text.replaceFirst("^(\\w+)", "$1 ×" + same));
          } else {
            parts.add(text);
            last = text;
            same = 1;
          }
        }
        var template = t.templates().get(name);
        out.println("    " + name + ": " + ms.size() + (ms.size() == 1 ? " measurement" : " measurements")
            + (template != null ? " (count " + template.count() + ", every " + Durations.text(template.interval()) + ")" : "")
            + (parts.isEmpty() ? "" : ": " + String.join(", ", parts.subList(Math.max(0, parts.size() - 6), parts.size()))));
      });
    }
    if (!s.events().isEmpty()) {
      out.println("  events:");
      s.events().subList(Math.max(0, s.events().size() - 8), s.events().size())
          .forEach(ev -> out.println("    " + t(ev.at()) + "  " + ev.text()));
    }
  }

  /** Runs {@code body} with a driver for the resolved target; prints cluster problems as such. */
  interface Body {
    int run(RolloutDriver driver, RolloutDriver.Target t, PrintWriter out, PrintWriter err);
  }

  static int withDriver(Common c, PrintWriter out, PrintWriter err, Body body) {
    Resolved r = resolve(c, err);
    if (r == null) {
      return Main.BAD_INPUT;
    }
    String context = r.environment().cluster().context();
    try (KubernetesClient kc = c.target.connect(context)) {
      RolloutDriver driver = new RolloutDriver(c.target.client(kc), new PrometheusClient(Duration.ofSeconds(10)), Clock.systemUTC());
      return body.run(driver, r.target(), out, err);
    } catch (RolloutMachine.NotApplicable e) {
      err.println("error: " + e.getMessage());
      return Main.BAD_INPUT;
    } catch (RolloutStore.Conflict e) {
      err.println("error: " + e.getMessage());
      return Main.FINDINGS;
    } catch (IOException | KubernetesClientException | IllegalStateException e) {
      err.println("error: " + c.target.problem(r.environment().name(), context, e));
      return Main.BAD_INPUT;
    }
  }

  static int notStarted(RolloutDriver.Target t, PrintWriter err) {
    err.println("error: no rollout state for " + t.application() + "/" + t.component() + " in " + t.environment()
        + ": slipway sync --env " + t.environment() + " --app " + t.application() + " deploys it first");
    return Main.BAD_INPUT;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Shows a component's rollout: phase, revisions, step, traffic weights, analysis measurements, what it waits for",
          "and until when, and its latest events. Exit codes: 0 shown, 2 bad input or no cluster."})
  static final class Status implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Common common = new Common();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json (the stored state, without the stored objects).")
    String format = "text";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Output.checkFormat(err, format, "text", "json")) {
        return Main.BAD_INPUT;
      }
      return withDriver(common, out, err, (driver, t, o, e) -> {
        RolloutState s = driver.state(t);
        if (s == null) {
          return notStarted(t, e);
        }
        if (format.equals("json")) {
          var json = s.toJson();
          json.remove(List.of("release", "stableDeployment", "previousDeployment"));
          o.println(Output.json(json));
        } else {
          print(o, t, s, Instant.now());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Drives a rollout until it completes, aborts or waits for a person: waits for pods, takes the analysis",
          "measurements from Prometheus when due, shifts traffic, switches. Exit codes: 0 completed (stable), 1 aborted,",
          "4 paused (slipway rollout promote or abort decides), 2 bad input or no cluster, 3 --timeout ran out."})
  static final class Run implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Common common = new Common();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long (the rollout stays where it is). Default: 1h.")
    String timeout = "1h";

    @Option(names = "--poll", paramLabel = "DURATION", description = "How often the pods are looked at. Default: 2s.")
    String poll = "2s";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Durations.valid(timeout) || !Durations.valid(poll)) {
        err.println("error: --timeout and --poll take durations such as 30s, 5m, 1h");
        return Main.BAD_INPUT;
      }
      Duration limit = Durations.parse(timeout);
      Duration every = Durations.parse(poll);
      return withDriver(common, out, err, (driver, t, o, e) -> {
        Instant end = Instant.now().plus(limit);
        Instant lastEvent = null;
        while (true) {
          RolloutDriver.Result r;
          try {
            r = driver.tick(t);
          } catch (RolloutStore.Conflict moved) {
            // Someone else (the server, a person) moved it on meanwhile: look again at their state.
            continue;
          }
          RolloutState s = r.state();
          if (s == null) {
            return notStarted(t, e);
          }
          List<RolloutState.Event> events = s.events();
          // The first look shows the latest few events; then each new one once.
          for (int i = lastEvent == null ? Math.max(0, events.size() - 3) : 0; i < events.size(); i++) {
            RolloutState.Event ev = events.get(i);
            if (lastEvent == null || ev.at().isAfter(lastEvent)) {
              o.println(t(ev.at()) + "  " + ev.text());
            }
          }
          if (!events.isEmpty()) {
            lastEvent = events.get(events.size() - 1).at();
          }
          if (r.applied() != null && !r.applied().isBlank()) {
            r.applied().lines().forEach(l -> o.println("    " + l));
          }
          o.flush();
          if (s.phase() == Phase.ABORTED) {
            e.println("rollout aborted: " + s.message());
            return Main.FINDINGS;
          }
          if (s.phase() == Phase.PAUSED) {
            o.println("paused: waiting for " + s.waitingFor() + (s.deadline() != null ? " (until " + t(s.deadline()) + ")" : ""));
            return PAUSED;
          }
          if (s.phase() == Phase.STABLE && s.canary() == null) {
            o.println("rollout complete: " + RolloutMachine.describe(s));
            return Main.OK;
          }
          if (!Instant.now().isBefore(end)) {
            e.println("--timeout " + timeout + " ran out; the rollout stays where it is: " + RolloutMachine.describe(s));
            return Main.INTERNAL;
          }
          Instant wake = r.wakeAt() == null ? Instant.now().plus(every) : r.wakeAt();
          long ms = Math.max(50, Math.min(every.toMillis(), Duration.between(Instant.now(), wake).toMillis()));
          try {
            // Polling, as the CLI holds no watch: pods, measurements and deadlines are all looked at on this beat.
            Thread.sleep(ms);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Main.INTERNAL;
          }
        }
      });
    }
  }

  /** promote, abort, undo and retry: one command, then the status. */
  abstract static class Decide implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Common common = new Common();

    abstract RolloutMachine.Command command();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String who = Promotions.identity(common.dir);
      return withDriver(common, out, err, (driver, t, o, e) -> {
        if (driver.state(t) == null) {
          return notStarted(t, e);
        }
        RolloutDriver.Result r = driver.command(t, command(), who);
        if (r.applied() != null && !r.applied().isBlank()) {
          r.applied().lines().forEach(l -> o.println("    " + l));
        }
        print(o, t, r.state(), Instant.now());
        if (r.applyFailed()) {
          e.println("error: the decision is recorded, but its objects could not all be applied (above); slipway rollout run applies them again");
          return Main.FINDINGS;
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = {"Goes past the current pause of a rollout, or an inconclusive analysis; blue/green: switches the live Service",
          "to the new revision now. Exit codes: 0 done, 2 nothing to promote (or bad input)."})
  static final class Promote extends Decide {
    @Override
    RolloutMachine.Command command() {
      return RolloutMachine.Command.PROMOTE;
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = {"Sends all traffic back to the stable revision and scales the new one down. The rollout stays aborted until a",
          "new revision is synced or slipway rollout retry. Exit codes: 0 done, 2 no rollout in progress (or bad input)."})
  static final class Abort extends Decide {
    @Override
    RolloutMachine.Command command() {
      return RolloutMachine.Command.ABORT;
    }
  }

  @Command(name = "undo", mixinStandardHelpOptions = true,
      description = {"After a switch, while the previous revision is still scaled (scaleDownDelay): switches all traffic back to it",
          "at once. During a rollout: the same as abort. Exit codes: 0 done, 2 nothing to undo (or bad input)."})
  static final class Undo extends Decide {
    @Override
    RolloutMachine.Command command() {
      return RolloutMachine.Command.UNDO;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = {"Starts an aborted rollout again from its first step. Exit codes: 0 done, 2 nothing to retry (or bad input)."})
  static final class Retry extends Decide {
    @Override
    RolloutMachine.Command command() {
      return RolloutMachine.Command.RETRY;
    }
  }
}
