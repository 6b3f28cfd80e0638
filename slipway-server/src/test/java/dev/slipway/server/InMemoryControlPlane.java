package dev.slipway.server;

import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Position;
import dev.slipway.server.api.ActionResult;
import dev.slipway.server.api.ApplicationDetail;
import dev.slipway.server.api.ApplicationDiff;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.ControlPlane;
import dev.slipway.server.api.CostBreakdown;
import dev.slipway.server.api.EnvironmentInfo;
import dev.slipway.server.api.Finding;
import dev.slipway.server.api.HistoryEntry;
import dev.slipway.server.api.Operation;
import dev.slipway.server.api.PushResult;
import dev.slipway.server.api.ResourceGroup;
import dev.slipway.server.api.ResourceObject;
import dev.slipway.server.api.SpecProblem;
import dev.slipway.server.api.StatusEvent;
import dev.slipway.server.api.SyncOptions;
import dev.slipway.server.api.SyncState;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A control plane held in memory, for the HTTP layer's tests: three applications in dev, staging
 * and prod. Honest in the ways the API can observe: actions change the state they claim to change,
 * record history and publish the events a real controller would. It does not reconcile anything on
 * its own; a sync completes at once.
 */
public final class InMemoryControlPlane implements ControlPlane {
  public static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");
  public static final List<String> APPLICATIONS = List.of("billing", "search", "shop");
  /** The value of the Secret in {@code shop}: it must never leave the control plane. */
  public static final String SECRET_VALUE = "hunter2-database-password";

  private final Clock clock;
  private final Map<String, Cell> cells = new LinkedHashMap<>();
  private final List<Consumer<StatusEvent>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger operations = new AtomicInteger();
  private final List<String> pushes = new CopyOnWriteArrayList<>();
  private volatile boolean ready = true;
  private volatile boolean brokenReads;
  private String head = "c0ffee1";

  private static final class Cell {
    final String app;
    final String env;
    SyncState sync = SyncState.SYNCED;
    HealthStatus health = HealthStatus.HEALTHY;
    String reason = "";
    String revision;
    List<String> images;
    java.time.Instant lastSync;
    int drifted;
    boolean pinned;
    int pinnedRevision;
    boolean paused;
    final List<HistoryEntry> history = new ArrayList<>();
    Operation lastOperation;
    List<SpecProblem> diagnostics = List.of();

    Cell(String app, String env) {
      this.app = app;
      this.env = env;
    }
  }

  public InMemoryControlPlane(Clock clock) {
    this.clock = clock;
    for (String app : APPLICATIONS) {
      for (String env : ENVIRONMENTS) {
        Cell c = new Cell(app, env);
        c.revision = head;
        c.images = List.of("registry.example/" + app + ":1.0.0");
        c.lastSync = clock.instant();
        c.history.add(new HistoryEntry(1, "0ld0001", clock.instant(), "ci", List.of("registry.example/" + app + ":0.9.0"), "Succeeded", 0));
        c.history.add(new HistoryEntry(2, head, clock.instant(), "ci", c.images, "Succeeded", 0));
        cells.put(key(app, env), c);
      }
    }
    Cell drifted = cells.get(key("shop", "prod"));
    drifted.sync = SyncState.OUT_OF_SYNC;
    drifted.drifted = 2;
    drifted.health = HealthStatus.DEGRADED;
    drifted.reason = "Deployment \"shop-web\" exceeded its progress deadline";
    Cell invalid = cells.get(key("search", "staging"));
    invalid.sync = SyncState.INVALID_SPEC;
    invalid.health = HealthStatus.UNKNOWN;
    invalid.diagnostics = List.of(SpecProblem.of(Diagnostic.error("spec.unknown-field", new Position("apps/search/app.yaml", 7, 5),
        "spec.components.api.prot", "unknown field 'prot'; did you mean 'port'?")));
  }

  private static String key(String app, String env) {
    return app + "/" + env;
  }

  public void setReady(boolean ready) {
    this.ready = ready;
  }

  /** Makes every read throw, as a controller bug would: the API must answer 500 and keep serving. */
  public void breakReads(boolean broken) {
    this.brokenReads = broken;
  }

  /** The pushes received, as {@code branch commit path,path}. */
  public List<String> pushes() {
    return List.copyOf(pushes);
  }

  /** Changes health as a cluster would, publishing the change. */
  public synchronized void setHealth(String app, String env, HealthStatus health, String reason) {
    Cell c = cell(app, env);
    c.health = health;
    c.reason = reason;
    publish(StatusEvent.Type.STATUS, c, "health is " + health.label());
  }

  @Override
  public List<EnvironmentInfo> environments() {
    return ENVIRONMENTS.stream().map(e -> new EnvironmentInfo(e, e + "-cluster", false)).toList();
  }

  @Override
  public synchronized List<ApplicationStatus> applications() {
    if (brokenReads) {
      throw new IllegalStateException("the controller's cache is broken");
    }
    return cells.values().stream().map(InMemoryControlPlane::status).toList();
  }

  @Override
  public synchronized Optional<ApplicationDetail> application(String application, String environment) {
    if (brokenReads) {
      throw new IllegalStateException("the controller's cache is broken");
    }
    Cell c = cells.get(key(application, environment));
    if (c == null) {
      return Optional.empty();
    }
    List<ResourceGroup> tree = List.of(
        new ResourceGroup("", 0, List.of(new ResourceObject("", "Namespace", "", c.app, HealthStatus.HEALTHY, "", SyncState.SYNCED))),
        new ResourceGroup("web", 1, List.of(
            new ResourceObject("", "Secret", c.app, c.app + "-db", null, "", SyncState.SYNCED),
            new ResourceObject("", "Service", c.app, c.app + "-web", HealthStatus.HEALTHY, "", SyncState.SYNCED),
            new ResourceObject("apps", "Deployment", c.app, c.app + "-web", c.health, c.reason,
                c.drifted > 0 ? SyncState.OUT_OF_SYNC : SyncState.SYNCED))));
    List<HistoryEntry> history = new ArrayList<>(c.history);
    java.util.Collections.reverse(history);
    CostBreakdown cost = new CostBreakdown(new BigDecimal("42.50"), "USD",
        List.of(new CostBreakdown.Item("web", 2, 0.2, 0.25, new BigDecimal("42.50"))));
    List<Finding> findings = List.of(new Finding("require-run-as-non-root", "fail", c.env.equals("prod"), "Deployment/" + c.app + "/"
        + c.app + "-web", "apps/" + c.app + "/app.yaml", 12, "containers must set runAsNonRoot"));
    return Optional.of(new ApplicationDetail(status(c), tree, c.lastOperation, history, cost, findings, c.diagnostics));
  }

  @Override
  public synchronized Optional<dev.slipway.server.api.Diagnosis> diagnosis(String application, String environment) {
    Cell c = cells.get(key(application, environment));
    if (c == null) {
      return Optional.empty();
    }
    var f = new dev.slipway.engine.doctor.Finding(dev.slipway.engine.doctor.Finding.Severity.ERROR, c.app, "web",
        new dev.slipway.engine.doctor.Finding.ObjectRef("Deployment", c.app, "web"), "OOMKilled",
        List.of("last termination: exit code 137, reason OOMKilled"), "Container web was killed for using more memory than its limit of 128Mi.",
        "raise the memory to at least 256Mi at apps/" + c.app + "/app.yaml:14 (components.web.resources.memory)",
        new dev.slipway.engine.doctor.Finding.SpecRef(new dev.slipway.model.Position("apps/" + c.app + "/app.yaml", 14, 7),
            "components.web.resources.memory"));
    return Optional.of(new dev.slipway.server.api.Diagnosis(c.app, c.env, "in memory", "2025-03-14T09:00:00Z",
        List.of(dev.slipway.engine.doctor.FindingJson.of(f)), 1, 0, List.of()));
  }

  @Override
  public synchronized Optional<ApplicationDiff> diff(String application, String environment) {
    Cell c = cells.get(key(application, environment));
    if (c == null) {
      return Optional.empty();
    }
    List<ApplicationDiff.ObjectDiff> objects = new ArrayList<>();
    String deployment = c.drifted > 0
        ? "--- live\n+++ desired\n@@ -4,1 +4,1 @@\n-  replicas: 1\n+  replicas: 3\n" : "";
    objects.add(new ApplicationDiff.ObjectDiff("apps", "Deployment", c.app, c.app + "-web", c.drifted > 0 ? "update" : "none", deployment));
    // The live Secret holds SECRET_VALUE; a real implementation redacts before diffing, so does this one.
    String secret = c.drifted > 0 ? "--- live\n+++ desired\n@@ -3,1 +3,1 @@\n-  password: <redacted>\n+  password: <redacted>\n" : "";
    objects.add(new ApplicationDiff.ObjectDiff("", "Secret", c.app, c.app + "-db", c.drifted > 0 ? "update" : "none", secret));
    return Optional.of(new ApplicationDiff(c.app, c.env, c.revision, objects));
  }

  @Override
  public synchronized ActionResult sync(String application, String environment, SyncOptions options, String who) {
    Cell c = cell(application, environment);
    if (c.sync == SyncState.INVALID_SPEC) {
      return ActionResult.conflict("the spec of " + application + " does not load: fix " + c.diagnostics.get(0).file() + " first");
    }
    List<Operation.OperationStep> steps = List.of(
        new Operation.OperationStep(1, "Deployment", c.app, c.app + "-web", c.drifted > 0 || !head.equals(c.revision) ? "update" : "unchanged",
            options.dryRun() ? "Skipped" : "Succeeded", ""));
    if (options.dryRun()) {
      return new ActionResult(ActionResult.Outcome.DONE, "dry run: nothing was changed", head, null, steps);
    }
    String id = "op-" + operations.incrementAndGet();
    var now = clock.instant();
    c.lastOperation = new Operation(id, "sync", "Running", who, head, false, options.prune(), now, null, "", steps);
    publish(StatusEvent.Type.OPERATION, c, "sync " + id + " started by " + who);
    c.revision = head;
    c.sync = SyncState.SYNCED;
    c.drifted = 0;
    c.health = HealthStatus.HEALTHY;
    c.reason = "";
    c.lastSync = now;
    c.history.add(new HistoryEntry(c.history.size() + 1, head, now, who, c.images, "Succeeded", 0));
    c.lastOperation = new Operation(id, "sync", "Succeeded", who, head, false, options.prune(), now, now, "synced", steps);
    publish(StatusEvent.Type.STATUS, c, "synced to " + head + " by " + who);
    return ActionResult.accepted("sync " + id + " started", head, id);
  }

  @Override
  public synchronized ActionResult rollback(String application, String environment, int revision, String who) {
    Cell c = cell(application, environment);
    HistoryEntry target = c.history.stream().filter(h -> h.number() == revision).findFirst().orElse(null);
    if (target == null) {
      return ActionResult.notFound("no revision " + revision + " in the history of " + application + " in " + environment);
    }
    var now = clock.instant();
    String id = "op-" + operations.incrementAndGet();
    c.revision = target.revision();
    c.images = target.images();
    c.pinned = true;
    c.pinnedRevision = revision;
    c.sync = head.equals(target.revision()) ? SyncState.SYNCED : SyncState.OUT_OF_SYNC;
    c.lastSync = now;
    c.history.add(new HistoryEntry(c.history.size() + 1, target.revision(), now, who, target.images(), "Succeeded", revision));
    c.lastOperation = new Operation(id, "rollback", "Succeeded", who, target.revision(), false, false, now, now, "rolled back", List.of());
    publish(StatusEvent.Type.STATUS, c, "rolled back to revision " + revision + " and pinned by " + who);
    return ActionResult.accepted("rollback " + id + " to revision " + revision + " started; pinned", Integer.toString(revision), id);
  }

  @Override
  public synchronized ActionResult refresh(String application, String environment, String who) {
    Cell c = cell(application, environment);
    publish(StatusEvent.Type.STATUS, c, "refreshed by " + who);
    return ActionResult.done("refreshed", c.revision);
  }

  @Override
  public synchronized ActionResult pin(String application, String environment, String who) {
    Cell c = cell(application, environment);
    if (!c.pinned) {
      c.pinned = true;
      c.pinnedRevision = c.history.get(c.history.size() - 1).number();
      publish(StatusEvent.Type.STATUS, c, "pinned by " + who);
    }
    return ActionResult.done("pinned at revision " + c.pinnedRevision, c.revision);
  }

  @Override
  public synchronized ActionResult unpin(String application, String environment, String who) {
    Cell c = cell(application, environment);
    if (c.pinned) {
      c.pinned = false;
      c.pinnedRevision = 0;
      publish(StatusEvent.Type.STATUS, c, "unpinned by " + who);
    }
    return ActionResult.done("unpinned", c.revision);
  }

  @Override
  public synchronized ActionResult pause(String application, String environment, String who) {
    Cell c = cell(application, environment);
    if (!c.paused) {
      c.paused = true;
      publish(StatusEvent.Type.STATUS, c, "auto-sync paused by " + who);
    }
    return ActionResult.done("auto-sync paused", c.revision);
  }

  @Override
  public synchronized ActionResult resume(String application, String environment, String who) {
    Cell c = cell(application, environment);
    if (c.paused) {
      c.paused = false;
      publish(StatusEvent.Type.STATUS, c, "auto-sync resumed by " + who);
    }
    return ActionResult.done("auto-sync resumed", c.revision);
  }

  @Override
  public synchronized PushResult onPush(String branch, String commit, List<String> paths) {
    pushes.add(branch + " " + commit + " " + String.join(",", paths));
    if (!branch.equals("main")) {
      return new PushResult(false, "branch " + branch + " is not watched (main is)", List.of());
    }
    head = commit;
    TreeSet<String> affected = new TreeSet<>();
    for (String p : paths) {
      String[] parts = p.split("/");
      if (parts.length > 2 && parts[0].equals("apps") && APPLICATIONS.contains(parts[1])) {
        affected.add(parts[1]);
      } else {
        affected.addAll(APPLICATIONS);
      }
    }
    listeners.forEach(l -> l.accept(new StatusEvent(StatusEvent.Type.PUSH, null, null, clock.instant(), null, "push to main: " + commit)));
    for (String app : affected) {
      for (String env : ENVIRONMENTS) {
        Cell c = cell(app, env);
        if (c.sync == SyncState.SYNCED) {
          c.sync = SyncState.OUT_OF_SYNC;
          publish(StatusEvent.Type.STATUS, c, "commit " + commit + " changes " + app);
        }
      }
    }
    return new PushResult(true, "fetching " + commit, List.copyOf(affected));
  }

  @Override
  public AutoCloseable subscribe(Consumer<StatusEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public boolean simulated() {
    return false;
  }

  private Cell cell(String app, String env) {
    Cell c = cells.get(key(app, env));
    if (c == null) {
      throw new IllegalArgumentException("the API calls actions only for known applications: " + app + "/" + env);
    }
    return c;
  }

  private void publish(StatusEvent.Type type, Cell c, String message) {
    StatusEvent e = new StatusEvent(type, c.app, c.env, clock.instant(), status(c), message);
    listeners.forEach(l -> l.accept(e));
  }

  private static ApplicationStatus status(Cell c) {
    return new ApplicationStatus(c.app, c.env, c.sync, c.health, c.reason, c.revision, c.images, c.lastSync, c.drifted,
        new BigDecimal("42.50"), "USD", 1, c.pinned, c.pinnedRevision, c.paused);
  }
}
