package dev.slipway.engine.plan;

import dev.slipway.engine.capacity.Catalog;
import dev.slipway.engine.health.HealthRules;
import dev.slipway.engine.capacity.CostPlanner;
import dev.slipway.engine.capacity.CostReport;
import dev.slipway.engine.kyverno.KyvernoPolicy;
import dev.slipway.engine.kyverno.PolicySources;
import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.engine.policy.PolicyStep;
import dev.slipway.engine.promote.ReleaseImages;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.ApplicationRenderer;
import dev.slipway.engine.render.ClusterRenderer;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.types.PlatformTypes;
import dev.slipway.engine.validate.ManifestValidator;
import dev.slipway.engine.validate.Problem;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.load.WhatIf;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.yaml.Suggest;
import dev.slipway.engine.capacity.CostInputs;
import dev.slipway.engine.plan.OutputLayout.Layout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The pure pipeline behind {@code slipway plan}: resolve every application for every
 * environment, and only when the specs are error-free, render, validate and check policy.
 *
 * <p>Planning streams: each application goes through render, validate and policy on a worker
 * thread, is handed to a {@link PlanSink} in name order, and only its summary (and what cost
 * needs: {@link CostInputs}) is kept. At most {@link #WINDOW} applications are in flight, so memory
 * is bounded by the window, not by the platform: a plan of 10,000 applications never holds all of
 * its 750,000 objects. {@link #plan(Workspace, Scope)} keeps every object instead, for the commands
 * that act on a few applications of one environment (diff, sync, status).
 */
public final class Planner {
  /** Applications rendered ahead of the one being handed on: bounds memory, keeps the workers busy. */
  static final int WINDOW = 256;

  private final boolean withCost;
  private final Layout layout;
  private final int window;
  private final ManifestValidator validator = new ManifestValidator(ManifestValidator.Options.RENDERED);

  public Planner() {
    this(false);
  }

  /** @param withCost also plan capacity and estimate cost per environment */
  public Planner(boolean withCost) {
    this(withCost, Layout.FILES);
  }

  /**
   * @param withCost also plan capacity and estimate cost per environment
   * @param layout the output layout that diagnostics name files by
   */
  public Planner(boolean withCost, Layout layout) {
    this(withCost, layout, WINDOW);
  }

  Planner(boolean withCost, Layout layout, int window) {
    this.withCost = withCost;
    this.layout = layout;
    this.window = window;
  }

  /**
   * What to plan: empty sets mean everything. Cost is always estimated for whole environments;
   * {@code applications} narrows what is rendered and reported.
   */
  public record Scope(Set<String> environments, Set<String> applications, List<String> whatIf) {
    public static final Scope ALL = new Scope(Set.of(), Set.of(), List.of());

    public Scope(Set<String> environments, Set<String> applications) {
      this(environments, applications, List.of());
    }
  }

  /** Plans and keeps every rendered object: for a few applications (diff, sync, status, explain). */
  public Plan plan(Workspace ws, Scope scope) {
    List<List<ApplicationPlan>> kept = new ArrayList<>();
    PlanSummary summary = plan(ws, scope, new PlanSink<Void>() {
      private List<ApplicationPlan> current = new ArrayList<>();

      @Override
      public Void prepare(EnvironmentSpec env, ApplicationPlan app) {
        return null;
      }

      @Override
      public void application(EnvironmentSpec env, ApplicationPlan app, Void prepared) {
        current.add(app);
      }

      @Override
      public void environment(EnvironmentSummary env) {
        kept.add(List.copyOf(current));
        current = new ArrayList<>();
      }
    });
    List<EnvironmentPlan> envs = new ArrayList<>();
    for (int i = 0; i < summary.environments().size(); i++) {
      EnvironmentSummary e = summary.environments().get(i);
      envs.add(new EnvironmentPlan(e.environment(), e.clusterObjects(), e.clusterValidation(), kept.get(i), e.cost()));
    }
    // The scripts were checked by the plan above (their errors are among its diagnostics); here
    // they are compiled for the sync or status that uses this plan.
    HealthRules health = ws.platform() == null ? HealthRules.BUILT_IN : HealthRules.load(ws.root(), ws.platform().health(), new Diagnostics());
    return new Plan(summary.specDiagnostics(), List.copyOf(envs), health);
  }

  /**
   * Plans streaming: each application in scope is handed to {@code sink} once, and only its
   * summary is kept. Nothing reaches the sink when the specs have errors.
   */
  public <T> PlanSummary plan(Workspace ws, Scope scope, PlanSink<T> sink) {
    Diagnostics d = new Diagnostics();
    d.addAll(ws.diagnostics().list());
    if (ws.platform() == null) {
      return new PlanSummary(d.list(), List.of());
    }
    checkScope(ws, scope, d);
    WhatIf whatIf = WhatIf.parse(scope.whatIf(), d);
    checkWhatIf(ws, whatIf, d);
    CostPlanner cost = withCost ? new CostPlanner(Catalog.load(ws.platform().pricing(), d)) : null;
    // The policy files the platform names are read here, once, before anything is rendered.
    List<KyvernoPolicy> policies = PolicySources.load(ws.root(), ws.platform().policies(), d);
    // Health scripts are compiled here too, so that a script that is not valid Lua is a spec error
    // (file:line) of plan, and sync refuses to start rather than find out while waiting.
    HealthRules.load(ws.root(), ws.platform().health(), d);
    // Analysis templates: their CEL conditions parse and type-check, their queries name known variables.
    ws.platform().environments().stream().findFirst().ifPresent(first -> first.analysis().values().forEach(t ->
        dev.slipway.engine.rollout.Analysis.problems(t).forEach(p ->
            d.error("spec.invalid-analysis", t.at(), "spec.analysis.templates." + t.name(), "analysis template '" + t.name() + "': " + p))));
    // The platform's own component types: compiled once here, and checked even when no application uses them.
    PlatformTypes types = PlatformTypes.compile(ws.platform(), d);
    TypeSampleCheck.check(ws.platform(), types, policies, validator, d);
    List<EnvironmentSpec> envs = ws.platform().environments().stream()
        .filter(e -> scope.environments().isEmpty() || scope.environments().contains(e.name())).toList();
    // Cost needs every application of an environment: they share its nodes.
    List<ApplicationSpec> apps = ws.applications().stream()
        .filter(a -> withCost || scope.applications().isEmpty() || scope.applications().contains(a.name())).toList();
    List<List<ResolvedApplication>> resolved = new ArrayList<>();
    for (EnvironmentSpec env : envs) {
      // Resolved in parallel, each with its own diagnostics, gathered in application order.
      List<Resolved> perEnv = apps.parallelStream().map(app -> {
        Diagnostics own = new Diagnostics();
        // A promoted environment runs its release's images (releases/<env>/<app>.yaml), not app.yaml's.
        ResolvedApplication r = ReleaseImages.apply(ComponentResolver.resolve(app, env, whatIf, ws.platform().types(), own),
            ws.release(env.name(), app.name()));
        if (!own.hasErrors() && ApplicationRenderer.checksWhenRendered(r)) {
          // Patches and extra manifests are checked against the rendered objects: what they cannot do is a spec error.
          ApplicationRenderer.render(ws.platform(), r, types, own, new ArrayList<>());
        }
        return new Resolved(r, own.list());
      }).toList();
      perEnv.forEach(r -> d.addAll(r.diagnostics()));
      resolved.add(new ArrayList<>(perEnv.stream().map(Resolved::app).toList()));
    }
    if (d.hasErrors()) {
      return new PlanSummary(d.list(), List.of());
    }
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "slipway-plan");
      t.setDaemon(true);
      return t;
    });
    try {
      List<EnvironmentSummary> out = new ArrayList<>();
      for (int i = 0; i < envs.size(); i++) {
        List<ResolvedApplication> perEnv = resolved.get(i);
        resolved.set(i, null); // rendered from here on; let the resolved specs go with their objects
        out.add(planEnvironment(envs.get(i), perEnv, ws, scope, cost, policies, types, sink, workers));
      }
      return new PlanSummary(d.list(), List.copyOf(out));
    } finally {
      workers.shutdownNow();
    }
  }

  private static void checkScope(Workspace ws, Scope scope, Diagnostics d) {
    List<String> envNames = ws.platform().environmentNames();
    for (String e : new TreeSet<>(scope.environments())) {
      if (!envNames.contains(e)) {
        d.error("cli.unknown-environment", Position.NONE, "--env",
            "no environment '" + e + "'" + Suggest.hint(e, envNames) + "; environments: " + String.join(", ", envNames));
      }
    }
    List<String> appNames = ws.applications().stream().map(ApplicationSpec::name).toList();
    for (String a : new TreeSet<>(scope.applications())) {
      if (!appNames.contains(a)) {
        d.error("cli.unknown-application", Position.NONE, "--app",
            "no application '" + a + "'" + Suggest.hint(a, appNames) + "; applications: " + String.join(", ", appNames));
      }
    }
  }

  private record Resolved(ResolvedApplication app, List<Diagnostic> diagnostics) {}

  /** One application rendered, checked and prepared for the sink, on a worker thread. */
  private record Done<T>(ApplicationPlan plan, CostInputs cost, T prepared) {}

  private <T> EnvironmentSummary planEnvironment(EnvironmentSpec env, List<ResolvedApplication> apps, Workspace ws, Scope scope,
      CostPlanner cost, List<KyvernoPolicy> policies, PlatformTypes types, PlanSink<T> sink, ExecutorService workers) {
    List<CostInputs> costInputs = new ArrayList<>();
    List<ApplicationSummary> summaries = new ArrayList<>();
    Map<String, String> owner = new HashMap<>();
    Deque<Future<Done<T>>> inFlight = new ArrayDeque<>();
    int next = 0;
    while (next < apps.size() || !inFlight.isEmpty()) {
      while (next < apps.size() && inFlight.size() < window) {
        ResolvedApplication app = apps.get(next++);
        boolean inScope = scope.applications().isEmpty() || scope.applications().contains(app.name());
        inFlight.add(workers.submit(() -> {
          ApplicationPlan p = planApplication(ws, app, policies, types);
          return new Done<>(p, cost == null ? null : CostInputs.of(p.bundle()), inScope ? sink.prepare(env, p) : null);
        }));
      }
      Done<T> done = join(inFlight.poll());
      ApplicationPlan p = withCollisions(env, done.plan(), owner);
      if (cost != null) {
        costInputs.add(done.cost());
      }
      if (scope.applications().isEmpty() || scope.applications().contains(p.name())) {
        summaries.add(ApplicationSummary.of(p));
        sink.application(env, p, done.prepared());
      }
    }
    CostReport report = cost == null ? null : cost.planInputs(env, costInputs, ws.platform().region());
    List<RenderedObject> cluster = List.of();
    List<Diagnostic> clusterDiags = List.of();
    if (scope.applications().isEmpty()) {
      List<String> shared = env.namespace().contains("{app}") ? List.of()
          : apps.stream().map(ResolvedApplication::namespace).distinct().sorted().toList();
      cluster = ClusterRenderer.render(env, shared);
      clusterDiags = validate(cluster, o -> OutputLayout.clusterFile(layout, env.name(), o));
    }
    EnvironmentSummary summary = new EnvironmentSummary(env, cluster, clusterDiags, List.copyOf(summaries), report);
    sink.environment(summary);
    return summary;
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while planning", e);
    }
  }

  private static void checkWhatIf(Workspace ws, WhatIf whatIf, Diagnostics d) {
    for (WhatIf.Setting s : whatIf.settings()) {
      List<String> appNames = ws.applications().stream().map(ApplicationSpec::name).toList();
      ApplicationSpec app = ws.applications().stream().filter(a -> a.name().equals(s.application())).findFirst().orElse(null);
      if (app == null) {
        d.error("cli.unknown-application", Position.file("--set"), s.application(),
            "no application '" + s.application() + "'" + Suggest.hint(s.application(), appNames));
      } else if (!app.components().containsKey(s.component())) {
        d.error("cli.unknown-component", Position.file("--set"), s.application() + "." + s.component(),
            "application '" + s.application() + "' has no component '" + s.component() + "'"
                + Suggest.hint(s.component(), app.components().keySet()));
      }
    }
  }

  /**
   * Two applications rendering the same object (a shared namespace, same component names) cannot
   * both own it: the first in name order keeps it, the later one gets an error.
   */
  private ApplicationPlan withCollisions(EnvironmentSpec env, ApplicationPlan p, Map<String, String> owner) {
    List<Diagnostic> extra = new ArrayList<>();
    for (RenderedObject o : p.bundle().objects()) {
      String first = owner.putIfAbsent(o.kind() + "/" + o.namespace() + "/" + o.name(), p.name());
      if (first != null && !first.equals(p.name())) {
        extra.add(new Diagnostic(Diagnostic.Severity.ERROR, "plan.name-collision",
            OutputLayout.appFile(layout, env.name(), p.name(), o), 0, 0, "metadata.name",
            o.ref() + " is rendered by applications '" + first + "' and '" + p.name()
                + "' in the same namespace; rename a component or give each application its own namespace"));
      }
    }
    if (extra.isEmpty()) {
      return p;
    }
    extra.addAll(0, p.validation());
    return new ApplicationPlan(p.resolved(), p.bundle(), List.copyOf(extra), p.policy());
  }

  private ApplicationPlan planApplication(Workspace ws, ResolvedApplication app, List<KyvernoPolicy> policies, PlatformTypes types) {
    List<Diagnostic> validation = new ArrayList<>();
    ApplicationBundle bundle = ApplicationRenderer.render(ws.platform(), app, types, new Diagnostics(), validation);
    EnvironmentSpec env = app.environment();
    validation.addAll(validate(bundle.objects(), o -> OutputLayout.appFile(layout, env.name(), app.name(), o), bundle));
    List<PolicyFinding> findings = PolicyStep.evaluate(policies, env, bundle.objects(), app.app().waivers(),
        o -> OutputLayout.appFile(layout, env.name(), app.name(), o));
    if (!bundle.sources().isEmpty()) {
      // A finding about an object a patch changed, or an extra manifest added, names what the user wrote.
      findings = findings.stream().map(f -> {
        String note = bundle.sources().get(f.objectRef());
        return note == null || f.outcome() == PolicyFinding.Outcome.PASS ? f : new PolicyFinding(f.rule(), f.objectRef(), f.file(),
            f.component(), f.message() + " (" + note + ")", f.outcome(), f.enforce(), f.waiver());
      }).toList();
    }
    return new ApplicationPlan(app, bundle, validation, findings);
  }

  private List<Diagnostic> validate(List<RenderedObject> objects, Function<RenderedObject, String> fileOf) {
    return validate(objects, fileOf, null);
  }

  private List<Diagnostic> validate(List<RenderedObject> objects, Function<RenderedObject, String> fileOf, ApplicationBundle bundle) {
    List<Diagnostic> out = new ArrayList<>();
    for (RenderedObject o : objects) {
      ManifestValidator.Result r = validator.validate(o.body());
      for (Problem p : r.problems()) {
        out.add(new Diagnostic(Diagnostic.Severity.ERROR, "validate." + r.status().name().toLowerCase(java.util.Locale.ROOT),
            fileOf.apply(o), 0, 0, p.fieldPath(), o.ref() + ": " + p.message() + (bundle == null ? "" : bundle.sourceNote(o))));
      }
    }
    return out;
  }
}
