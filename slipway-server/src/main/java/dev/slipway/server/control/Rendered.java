package dev.slipway.server.control;

import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.health.HealthRules;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.policy.PolicyFinding;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The platform at one revision, planned for the environments the server reconciles: each
 * application's rendered objects, checks and cost, or, for an application whose files do not
 * plan, its diagnostics. A broken application is set aside and the others are planned without
 * it, so one team's mistake stops only that team's application; a broken platform file
 * ({@code slipway.yaml}, a policy, a health script) stops every application.
 *
 * @param health how this revision of the platform judges health: its Lua health scripts (compiled
 *     once per revision), then the built-in rules
 */
public record Rendered(
    String revision,
    PlatformSpec platform,
    Map<String, EnvironmentPlan> environments,
    List<String> applications,
    Map<String, List<Diagnostic>> invalid,
    Map<String, List<String>> dependsOn,
    HealthRules health) {

  public Rendered {
    health = health == null ? HealthRules.BUILT_IN : health;
  }

  /** The environments' plans in the platform's order; an application of an environment, if planned. */
  public Optional<ApplicationPlan> application(String environment, String application) {
    EnvironmentPlan e = environments.get(environment);
    if (e == null) {
      return Optional.empty();
    }
    return e.applications().stream().filter(a -> a.name().equals(application)).findFirst();
  }

  /**
   * Why the application may not be applied in {@code environment}: its spec does not plan, or
   * the environment enforces and it has validation errors or policy failures (Slipway's gates
   * fail closed). Empty when it may be applied.
   */
  public List<Diagnostic> blockers(String environment, String application) {
    List<Diagnostic> spec = invalid.get(application);
    if (spec != null) {
      return spec;
    }
    Optional<ApplicationPlan> a = application(environment, application);
    if (a.isEmpty()) {
      return List.of();
    }
    boolean enforced = environments.get(environment).enforced();
    List<Diagnostic> out = new ArrayList<>();
    a.get().validation().stream().filter(Diagnostic::isError).forEach(out::add);
    for (PolicyFinding f : a.get().policy()) {
      boolean bad = f.outcome() == PolicyFinding.Outcome.FAIL || f.outcome() == PolicyFinding.Outcome.ERROR
          || f.outcome() == PolicyFinding.Outcome.NOT_EVALUATED;
      if (bad && (f.enforce() || enforced)) {
        out.add(new Diagnostic(Diagnostic.Severity.ERROR, "policy." + f.rule(), f.file(), 0, 0, f.objectRef(),
            f.rule() + ": " + f.message()));
      }
    }
    return out;
  }

  /**
   * Plans {@code dir} for {@code environments} (all when empty). Applications whose files do not
   * plan are set aside with their diagnostics, and the rest planned again without them.
   */
  public static Rendered of(Path dir, String revision, Set<String> environments) {
    Workspace ws = Workspace.load(dir);
    Map<String, List<Diagnostic>> invalid = new TreeMap<>();
    List<String> all = ws.applications().stream().map(ApplicationSpec::name).toList();
    Set<String> appFolders = new TreeSet<>(all);
    appFolders.addAll(folders(ws.diagnostics().list()));
    if (ws.platform() == null) {
      return platformBroken(revision, ws, appFolders, ws.diagnostics().list());
    }
    Set<String> scopeEnvs = new HashSet<>(environments);
    scopeEnvs.retainAll(ws.platform().environmentNames());
    for (int round = 0; round < 8; round++) {
      // With capacity and cost: the matrix and the application view show each application's monthly cost.
      Plan plan = new Planner(true).plan(ws, new Planner.Scope(scopeEnvs, Set.of()));
      List<Diagnostic> errors = plan.specDiagnostics().stream().filter(Diagnostic::isError).toList();
      if (errors.isEmpty()) {
        Map<String, EnvironmentPlan> byEnv = new LinkedHashMap<>();
        plan.environments().forEach(e -> byEnv.put(e.name(), e));
        Map<String, List<String>> deps = new TreeMap<>();
        ws.applications().forEach(a -> deps.put(a.name(), a.dependsOn()));
        return new Rendered(revision, ws.platform(), byEnv, List.copyOf(appFolders), invalid, deps, plan.health());
      }
      Set<String> broken = new TreeSet<>();
      for (Diagnostic e : errors) {
        String app = applicationOf(e.file());
        if (app == null) {
          return platformBroken(revision, ws, appFolders, errors);
        }
        broken.add(app);
      }
      for (Diagnostic d : plan.specDiagnostics()) {
        String app = applicationOf(d.file());
        if (app != null && broken.contains(app)) {
          invalid.computeIfAbsent(app, k -> new ArrayList<>()).add(d);
        }
      }
      Diagnostics kept = new Diagnostics();
      ws.diagnostics().list().stream().filter(d -> !broken.contains(applicationOf(d.file()))).forEach(kept::add);
      ws = new Workspace(ws.root(), ws.platform(), ws.applications().stream().filter(a -> !broken.contains(a.name())).toList(), kept,
          ws.releases());
    }
    return platformBroken(revision, ws, appFolders, List.of(new Diagnostic(Diagnostic.Severity.ERROR, "server.render",
        "slipway.yaml", 0, 0, "", "the platform did not plan after setting aside its broken applications")));
  }

  private static Rendered platformBroken(String revision, Workspace ws, Set<String> apps, List<Diagnostic> errors) {
    Map<String, List<Diagnostic>> invalid = new TreeMap<>();
    apps.forEach(a -> invalid.put(a, errors));
    return new Rendered(revision, ws.platform(), Map.of(), List.copyOf(apps), invalid, Map.of(), HealthRules.BUILT_IN);
  }

  /** The application a spec file belongs to ({@code apps/<name>/...}), or null for a platform file. */
  static String applicationOf(String file) {
    if (file == null || !file.replace('\\', '/').startsWith("apps/")) {
      return null;
    }
    String rest = file.replace('\\', '/').substring(5);
    int slash = rest.indexOf('/');
    return slash <= 0 ? null : rest.substring(0, slash);
  }

  private static Set<String> folders(List<Diagnostic> ds) {
    Set<String> out = new TreeSet<>();
    ds.forEach(d -> {
      String a = applicationOf(d.file());
      if (a != null) {
        out.add(a);
      }
    });
    return out;
  }

  /** The environments this revision knows, in the platform's order. */
  public List<EnvironmentSpec> environmentSpecs() {
    return platform == null ? List.of() : platform.environments().stream().filter(e -> environments.containsKey(e.name())).toList();
  }
}
