package dev.slipway.server.http;

import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.server.api.ActionResult;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.ControlPlane;
import dev.slipway.server.api.EnvironmentInfo;
import dev.slipway.server.api.SyncOptions;
import dev.slipway.server.api.SyncState;
import dev.slipway.server.auth.AccessPolicy;
import dev.slipway.server.auth.AuditEntry;
import dev.slipway.server.auth.AuditLog;
import dev.slipway.server.auth.Principal;
import dev.slipway.server.auth.Role;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The application routes: the matrix, one application in one environment, its diff, and the actions. */
final class ApplicationRoutes {
  private static final String ONE = ApiServer.API + "/applications/{app}/environments/{env}";

  private final ControlPlane plane;
  private final AccessPolicy access;
  private final AuditLog audit;
  private final Clock clock;

  ApplicationRoutes(ControlPlane plane, AccessPolicy access, AuditLog audit, Clock clock) {
    this.plane = plane;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  /** The body of {@code POST .../sync}. */
  record SyncBody(Boolean dryRun, Boolean prune) {}

  /** The body of {@code POST .../rollback}. */
  record RollbackBody(Integer revision) {}

  /** The body of the actions that take no parameters: empty or {@code {}}. */
  record NoBody() {}

  void addTo(Router router) {
    router.add(new Route("GET", ApiServer.API + "/applications", Route.Access.AUTHENTICATED, null, null, this::matrix));
    router.add(new Route("GET", ApiServer.API + "/environments", Route.Access.AUTHENTICATED, null, null, this::environments));
    router.add(new Route("GET", ONE, Route.Access.ENVIRONMENT, Role.VIEWER, null, c -> Response.ok(
        plane.application(c.param("app"), c.param("env")).orElseThrow(() -> unknown(c)))));
    router.add(new Route("GET", ONE + "/diff", Route.Access.ENVIRONMENT, Role.VIEWER, null, c -> Response.ok(
        plane.diff(c.param("app"), c.param("env")).orElseThrow(() -> unknown(c)))));
    router.add(new Route("GET", ONE + "/diagnosis", Route.Access.ENVIRONMENT, Role.VIEWER, null, c -> {
      try {
        return Response.ok(plane.diagnosis(c.param("app"), c.param("env")).orElseThrow(() -> unknown(c)));
      } catch (IllegalStateException | io.fabric8.kubernetes.client.KubernetesClientException e) {
        // The cluster could not be read: no diagnosis is better than one that looks clean.
        throw new ApiError(503, "cluster-unavailable", "cannot read the cluster of " + c.param("env") + ": " + e.getMessage());
      }
    }));
    router.add(action("sync", c -> {
      SyncBody b = c.bodyAs(SyncBody.class, new SyncBody(null, null));
      SyncOptions options = new SyncOptions(Boolean.TRUE.equals(b.dryRun()), Boolean.TRUE.equals(b.prune()));
      return plane.sync(c.param("app"), c.param("env"), options, c.principal.subject());
    }));
    router.add(action("rollback", c -> {
      RollbackBody b = c.bodyAs(RollbackBody.class, new RollbackBody(null));
      if (b.revision() == null || b.revision() < 1) {
        throw ApiError.badRequest("bad-field", "'revision' is required: the history revision number (1 or more) to roll back to");
      }
      return plane.rollback(c.param("app"), c.param("env"), b.revision(), c.principal.subject());
    }));
    router.add(action("refresh", c -> plane.refresh(c.param("app"), c.param("env"), noBody(c))));
    router.add(action("pin", c -> plane.pin(c.param("app"), c.param("env"), noBody(c))));
    router.add(action("unpin", c -> plane.unpin(c.param("app"), c.param("env"), noBody(c))));
    router.add(action("pause", c -> plane.pause(c.param("app"), c.param("env"), noBody(c))));
    router.add(action("resume", c -> plane.resume(c.param("app"), c.param("env"), noBody(c))));
    router.add(new Route("GET", ONE + "/rollouts", Route.Access.ENVIRONMENT, Role.VIEWER, null, c -> {
      try {
        return Response.ok(plane.rollouts(c.param("app"), c.param("env")).orElseThrow(() -> unknown(c)));
      } catch (IllegalStateException | io.fabric8.kubernetes.client.KubernetesClientException e) {
        throw new ApiError(503, "cluster-unavailable", "cannot read the rollouts of " + c.param("env") + ": " + e.getMessage());
      }
    }));
    for (String verb : List.of("promote", "abort", "undo", "retry")) {
      router.add(action("rollouts/{component}/" + verb, "rollout-" + verb,
          c -> plane.rollout(c.param("app"), c.param("env"), c.param("component"), verb, noBody(c))));
    }
  }

  @FunctionalInterface
  private interface Action {
    ActionResult run(Call call) throws Exception;
  }

  /**
   * An action route: the application must exist, the body must be valid, and whatever comes of it
   * is audited. A refusal before the control plane is called (bad body) changes nothing and is not
   * an action, so it is not audited.
   */
  private Route action(String name, Action action) {
    return action(name, name, action);
  }

  /** An action route at {@code ONE/path}, audited as {@code name}. */
  private Route action(String path, String name, Action action) {
    return new Route("POST", ONE + "/" + path, Route.Access.ENVIRONMENT, Role.DEPLOYER, name, c -> {
      if (plane.application(c.param("app"), c.param("env")).isEmpty()) {
        throw unknown(c);
      }
      String auditName = name.equals("sync") && isDryRun(c) ? "sync-dry-run" : name;
      ActionResult r;
      try {
        r = action.run(c);
      } catch (ApiError e) {
        throw e;
      } catch (Exception e) {
        audit.record(new AuditEntry(clock.instant(), c.principal.subject(), auditName, c.param("env"), c.param("app"), null, "error",
            e.getClass().getSimpleName()));
        throw e;
      }
      audit.record(new AuditEntry(clock.instant(), c.principal.subject(), auditName, c.param("env"), c.param("app"), r.revision(),
          r.outcome().label(), r.message()));
      if (r.outcome().httpStatus() >= 400) {
        throw new ApiError(r.outcome().httpStatus(), r.outcome().label(), r.message());
      }
      return Response.json(r.outcome().httpStatus(), r);
    });
  }

  private static boolean isDryRun(Call c) throws java.io.IOException {
    return Boolean.TRUE.equals(c.bodyAs(SyncBody.class, new SyncBody(null, null)).dryRun());
  }

  private static String noBody(Call c) throws java.io.IOException {
    c.bodyAs(NoBody.class, new NoBody());
    return c.principal.subject();
  }

  private static ApiError unknown(Call c) {
    return ApiError.notFound("no application '" + c.param("app") + "' in environment '" + c.param("env") + "'");
  }

  /**
   * The matrix rows the caller may see, filtered by {@code env}, {@code q}, {@code health} and
   * {@code sync}, optionally one page of applications ({@code limit}, {@code offset}: every cell of
   * the applications on the page, so a row is never split across pages).
   */
  private Response matrix(Call c) {
    Map<String, String> q = c.query();
    for (String k : q.keySet()) {
      if (!Set.of("env", "q", "health", "sync", "limit", "offset").contains(k)) {
        throw ApiError.badRequest("unknown-parameter",
            "unknown query parameter '" + k + "'; known: env, q, health, sync, limit, offset");
      }
    }
    int limit = count(q, "limit", 1, Integer.MAX_VALUE);
    int offset = count(q, "offset", 0, 0);
    List<String> visible = visibleEnvironments(c.principal);
    Set<String> envs = q.containsKey("env") ? Set.of(q.get("env").split(",")) : null;
    EnumSet<HealthStatus> health = q.containsKey("health") ? parseHealth(q.get("health")) : EnumSet.allOf(HealthStatus.class);
    EnumSet<SyncState> sync = q.containsKey("sync") ? parseSync(q.get("sync")) : EnumSet.allOf(SyncState.class);
    String text = q.getOrDefault("q", "").toLowerCase(Locale.ROOT);
    List<String> shownEnvs = visible.stream().filter(e -> envs == null || envs.contains(e)).toList();
    Set<String> shown = Set.copyOf(shownEnvs);
    List<ApplicationStatus> items = new ArrayList<>();
    for (ApplicationStatus a : plane.applications()) {
      if (shown.contains(a.environment()) && health.contains(a.health()) && sync.contains(a.sync()) && matches(a, text)) {
        items.add(a);
      }
    }
    List<String> apps = items.stream().map(ApplicationStatus::application).distinct().toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("environments", shownEnvs);
    body.put("applications", apps.size());
    body.put("simulated", plane.simulated());
    if (limit != Integer.MAX_VALUE || offset > 0) {
      Set<String> page = Set.copyOf(apps.subList(Math.min(offset, apps.size()), (int) Math.min((long) offset + limit, apps.size())));
      items = items.stream().filter(a -> page.contains(a.application())).toList();
      body.put("offset", offset);
      body.put("limit", limit);
      body.put("complete", (long) offset + limit >= apps.size());
    }
    body.put("items", items);
    return Response.ok(body);
  }

  /** A non-negative integer query parameter, at least {@code min}; {@code absent} when not given. */
  private static int count(Map<String, String> q, String name, int min, int absent) {
    String v = q.get(name);
    if (v == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.badRequest("bad-parameter", "'" + name + "' must be an integer of at least " + min + ", not '" + v + "'");
  }

  private static boolean matches(ApplicationStatus a, String text) {
    if (text.isEmpty() || a.application().toLowerCase(Locale.ROOT).contains(text)) {
      return true;
    }
    return a.images().stream().anyMatch(i -> i.toLowerCase(Locale.ROOT).contains(text))
        || a.revision() != null && a.revision().startsWith(text);
  }

  private static EnumSet<HealthStatus> parseHealth(String list) {
    EnumSet<HealthStatus> out = EnumSet.noneOf(HealthStatus.class);
    for (String s : list.split(",")) {
      HealthStatus found = null;
      for (HealthStatus h : HealthStatus.values()) {
        if (h.label().equalsIgnoreCase(s.trim())) {
          found = h;
        }
      }
      if (found == null) {
        throw ApiError.badRequest("bad-parameter", "unknown health '" + s + "'; known: "
            + EnumSet.allOf(HealthStatus.class).stream().map(HealthStatus::label).collect(Collectors.joining(", ")));
      }
      out.add(found);
    }
    return out;
  }

  private static EnumSet<SyncState> parseSync(String list) {
    EnumSet<SyncState> out = EnumSet.noneOf(SyncState.class);
    for (String s : list.split(",")) {
      SyncState found = SyncState.fromLabel(s.trim());
      if (found == null) {
        throw ApiError.badRequest("bad-parameter", "unknown sync state '" + s + "'; known: "
            + EnumSet.allOf(SyncState.class).stream().map(SyncState::label).collect(Collectors.joining(", ")));
      }
      out.add(found);
    }
    return out;
  }

  private Response environments(Call c) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (EnvironmentInfo e : plane.environments()) {
      access.roleIn(c.principal, e.name()).ifPresent(role -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("cluster", e.cluster());
        m.put("simulated", e.simulated());
        m.put("role", role.label());
        out.add(m);
      });
    }
    return Response.ok(Map.of("items", out));
  }

  List<String> visibleEnvironments(Principal p) {
    return plane.environments().stream().map(EnvironmentInfo::name).filter(e -> access.roleIn(p, e).isPresent()).toList();
  }
}
