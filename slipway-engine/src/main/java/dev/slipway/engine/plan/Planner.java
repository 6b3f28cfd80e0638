package dev.slipway.engine.plan;

import dev.slipway.engine.capacity.Catalog;
import dev.slipway.engine.capacity.CostPlanner;
import dev.slipway.engine.capacity.CostReport;
import dev.slipway.engine.kyverno.KyvernoPolicy;
import dev.slipway.engine.kyverno.PolicySources;
import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.engine.policy.PolicyStep;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.ApplicationRenderer;
import dev.slipway.engine.render.ClusterRenderer;
import dev.slipway.engine.render.RenderedObject;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pure pipeline behind {@code slipway plan}: resolve every application for every
 * environment, and only when the specs are error-free, render, validate and check policy.
 */
public final class Planner {
  private final boolean withCost;
  private final ManifestValidator validator = new ManifestValidator(ManifestValidator.Options.RENDERED);

  public Planner() {
    this(false);
  }

  /** @param withCost also plan capacity and estimate cost per environment */
  public Planner(boolean withCost) {
    this.withCost = withCost;
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

  public Plan plan(Workspace ws, Scope scope) {
    Diagnostics d = new Diagnostics();
    d.addAll(ws.diagnostics().list());
    if (ws.platform() == null) {
      return new Plan(d.list(), List.of());
    }
    checkScope(ws, scope, d);
    WhatIf whatIf = WhatIf.parse(scope.whatIf(), d);
    checkWhatIf(ws, whatIf, d);
    CostPlanner cost = withCost ? new CostPlanner(Catalog.load(ws.platform().pricing(), d)) : null;
    // The policy files the platform names are read here, once, before anything is rendered.
    List<KyvernoPolicy> policies = PolicySources.load(ws.root(), ws.platform().policies(), d);
    List<EnvironmentSpec> envs = ws.platform().environments().stream()
        .filter(e -> scope.environments().isEmpty() || scope.environments().contains(e.name())).toList();
    // Cost needs every application of an environment: they share its nodes.
    List<ApplicationSpec> apps = ws.applications().stream()
        .filter(a -> withCost || scope.applications().isEmpty() || scope.applications().contains(a.name())).toList();
    List<List<ResolvedApplication>> resolved = new ArrayList<>();
    for (EnvironmentSpec env : envs) {
      List<ResolvedApplication> perEnv = new ArrayList<>();
      for (ApplicationSpec app : apps) {
        perEnv.add(ComponentResolver.resolve(app, env, whatIf, d));
      }
      resolved.add(perEnv);
    }
    if (d.hasErrors()) {
      return new Plan(d.list(), List.of());
    }
    List<EnvironmentPlan> out = new ArrayList<>();
    for (int i = 0; i < envs.size(); i++) {
      out.add(planEnvironment(envs.get(i), resolved.get(i), ws, scope, cost, policies));
    }
    List<Diagnostic> groups = IngressGroups.check(out);
    if (!groups.isEmpty()) {
      d.addAll(groups);
      return new Plan(d.list(), List.of());
    }
    return new Plan(d.list(), List.copyOf(out));
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

  private EnvironmentPlan planEnvironment(EnvironmentSpec env, List<ResolvedApplication> apps, Workspace ws, Scope scope,
      CostPlanner cost, List<KyvernoPolicy> policies) {
    List<ApplicationPlan> plans = apps.parallelStream().map(a -> planApplication(ws, a, policies)).toList();
    plans = withCollisions(env, plans);
    CostReport report = cost == null ? null
        : cost.plan(env, plans.stream().map(ApplicationPlan::bundle).toList(), ws.platform().region());
    if (!scope.applications().isEmpty()) {
      plans = plans.stream().filter(p -> scope.applications().contains(p.name())).toList();
    }
    List<RenderedObject> cluster = List.of();
    List<Diagnostic> clusterDiags = List.of();
    if (scope.applications().isEmpty()) {
      List<String> shared = env.namespace().contains("{app}") ? List.of()
          : apps.stream().map(ResolvedApplication::namespace).distinct().sorted().toList();
      cluster = ClusterRenderer.render(env, shared);
      clusterDiags = validate(cluster, o -> OutputLayout.clusterFile(env.name(), o));
    }
    return new EnvironmentPlan(env, cluster, clusterDiags, plans, report);
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

  /** Two applications rendering the same object (a shared namespace, same component names) cannot both own it. */
  private static List<ApplicationPlan> withCollisions(EnvironmentSpec env, List<ApplicationPlan> plans) {
    java.util.Map<String, String> owner = new java.util.HashMap<>();
    List<ApplicationPlan> out = new ArrayList<>();
    for (ApplicationPlan p : plans) {
      List<Diagnostic> extra = new ArrayList<>();
      for (RenderedObject o : p.bundle().objects()) {
        String first = owner.putIfAbsent(o.kind() + "/" + o.namespace() + "/" + o.name(), p.name());
        if (first != null && !first.equals(p.name())) {
          extra.add(new Diagnostic(Diagnostic.Severity.ERROR, "plan.name-collision",
              OutputLayout.appFile(env.name(), p.name(), o), 0, 0, "metadata.name",
              o.ref() + " is rendered by applications '" + first + "' and '" + p.name()
                  + "' in the same namespace; rename a component or give each application its own namespace"));
        }
      }
      if (extra.isEmpty()) {
        out.add(p);
      } else {
        extra.addAll(0, p.validation());
        out.add(new ApplicationPlan(p.resolved(), p.bundle(), List.copyOf(extra), p.policy()));
      }
    }
    return out;
  }

  private ApplicationPlan planApplication(Workspace ws, ResolvedApplication app, List<KyvernoPolicy> policies) {
    ApplicationBundle bundle = ApplicationRenderer.render(ws.platform(), app);
    EnvironmentSpec env = app.environment();
    List<Diagnostic> validation = validate(bundle.objects(), o -> OutputLayout.appFile(env.name(), app.name(), o));
    List<PolicyFinding> findings = PolicyStep.evaluate(policies, env, bundle.objects(), app.app().waivers(),
        o -> OutputLayout.appFile(env.name(), app.name(), o));
    return new ApplicationPlan(app, bundle, validation, findings);
  }

  private List<Diagnostic> validate(List<RenderedObject> objects, java.util.function.Function<RenderedObject, String> fileOf) {
    List<Diagnostic> out = new ArrayList<>();
    for (RenderedObject o : objects) {
      ManifestValidator.Result r = validator.validate(o.body());
      for (Problem p : r.problems()) {
        out.add(new Diagnostic(Diagnostic.Severity.ERROR, "validate." + r.status().name().toLowerCase(java.util.Locale.ROOT),
            fileOf.apply(o), 0, 0, p.fieldPath(), o.ref() + ": " + p.message()));
      }
    }
    return out;
  }
}
