package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.promote.Candidates;
import dev.slipway.engine.promote.Gate;
import dev.slipway.engine.promote.PromotionGates;
import dev.slipway.engine.promote.PromotionRoute;
import dev.slipway.engine.promote.SourceObservation;
import dev.slipway.engine.promote.TargetCheck;
import dev.slipway.git.PlatformRepository;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.ReleaseReader;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.ReleaseFiles;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApprovalsSpec;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ReleaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@code promote}, {@code approve} and {@code releases} share: taking the candidate release
 * from the source environment (its rendering, its pods' digests, its history), and judging the
 * promotion's gates. The reading is here, at the edge; the judging is {@link PromotionGates}'.
 */
final class Promotions {
  private Promotions() {}

  /**
   * Who promotes or approves: {@code $SLIPWAY_USER} (the convention sync history already uses),
   * else the platform repository's Git {@code user.email} (or {@code user.name}), else {@code $USER}.
   */
  static String identity(Path dir) {
    String env = System.getenv("SLIPWAY_USER");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      Optional<PlatformRepository> repo = PlatformRepository.find(dir);
      if (repo.isPresent()) {
        try (PlatformRepository r = repo.get()) {
          String id = r.identity();
          if (id != null) {
            return id;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Falls back to the login name below.
    }
    String user = System.getenv("USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
  }

  /**
   * One promotion judged.
   *
   * @param current the release the target runs now (its release file), or null
   * @param notes component → why its digest is unknown, and other things the reader should know
   * @param sourceUnreadable why the source's cluster could not be read, or null
   */
  record Evaluation(PromotionRoute route, ReleaseSpec candidate, ReleaseSpec current, PromotionGates.Report report,
      SortedMap<String, String> notes, String sourceUnreadable) {
    /**
     * Whether the target's release file already holds the candidate and nothing holds the cluster
     * elsewhere: a pinned target (a rollback) is not up to date even when Git says so, and its pin
     * gate is reported instead.
     */
    boolean upToDate() {
      boolean pinClear = report.gates().stream().filter(g -> g.name().equals("pin")).allMatch(g -> g.passed() && !g.forced());
      return current != null && current.id().equals(candidate.id()) && pinClear;
    }
  }

  /** The workspace with {@code release} as the release of its application in its environment. */
  static Workspace withRelease(Workspace ws, ReleaseSpec release) {
    SortedMap<String, SortedMap<String, ReleaseSpec>> releases = new TreeMap<>();
    ws.releases().forEach((env, apps) -> releases.put(env, new TreeMap<>(apps)));
    releases.computeIfAbsent(release.environment(), k -> new TreeMap<>()).put(release.application(), release);
    return new Workspace(ws.root(), ws.platform(), ws.applications(), ws.diagnostics(), releases);
  }

  /** Plans one application in one environment, keeping its objects. */
  static ApplicationPlan planOne(Workspace ws, String env, String app) {
    Plan plan = new Planner().plan(ws, new Planner.Scope(Set.of(env), Set.of(app)));
    return plan.hasSpecErrors() ? null : plan.environments().get(0).applications().get(0);
  }

  /**
   * Takes the candidate from the route's source and judges the gates.
   *
   * @param promoter who promotes (null when only listing)
   */
  static Evaluation evaluate(Workspace ws, PromotionRoute route, String app, ClusterCommands.Target target, String promoter,
      boolean force, Clock clock) {
    String source = route.source().name();
    String to = route.target().name();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    ApplicationPlan sp = planOne(ws, source, app);
    SortedMap<String, String> rendered = new TreeMap<>();
    for (ComponentSpec c : sp.resolved().components()) {
      if (c.image() != null) {
        rendered.put(c.name(), c.image());
      }
    }
    String hash = HistoryStore.hash(sp.bundle());
    SortedMap<String, String> notes = new TreeMap<>();
    SortedMap<String, String> digests = new TreeMap<>();
    SourceObservation observed;
    String commit = null;
    String context = route.source().cluster().context();
    try (KubernetesClient kc = target.connect(context)) {
      ClusterClient client = target.client(kc);
      ReleaseReader reader = new ReleaseReader(client, new SyncExecutor(client, clock).withHealth(
          dev.slipway.engine.health.HealthRules.load(ws.root(), ws.platform().health(), new Diagnostics())));
      digests.putAll(reader.digests(source, sp.bundle(), rendered, notes));
      observed = reader.observe(source, sp.bundle());
      HistoryStore.Revision last = observed.unreadable() == null ? reader.lastSucceeded(source, sp.bundle()) : null;
      commit = last == null ? null : last.commit();
    } catch (IOException | RuntimeException e) {
      String why = target.problem(source, context, e);
      observed = SourceObservation.unreadable(why);
      rendered.keySet().forEach(c -> notes.put(c, "digest unknown: " + why));
    }
    if (commit == null) {
      commit = head(ws.root());
      notes.put("commit", "the platform's HEAD: no successful sync of " + app + " in " + source + " names one");
    }
    String who = promoter != null ? promoter : identity(ws.root());
    ReleaseSpec candidate = Candidates.take(app, source, rendered, digests, commit, hash, now.toString(), who);
    ReleaseSpec current = ws.release(to, app);
    TargetCheck check = TargetCheck.of(new Planner().plan(withRelease(ws, candidate.promotedTo(to, null, null, null)),
        new Planner.Scope(Set.of(to), Set.of(app))));
    PromotionGates.Pin pin = null;
    String pinProblem = null;
    ApplicationPlan tp = planOne(ws, to, app);
    String targetContext = route.target().cluster().context();
    try (KubernetesClient kc = target.connect(targetContext)) {
      ClusterClient client = target.client(kc);
      pin = new ReleaseReader(client, new SyncExecutor(client, clock)).pin(to, tp.bundle());
    } catch (IOException | RuntimeException e) {
      pinProblem = target.problem(to, targetContext, e);
    }
    Diagnostics d = new Diagnostics();
    ApprovalsSpec approvals = ReleaseFiles.readApprovals(ws.root(), to, app, d);
    d.list().forEach(x -> notes.put("approvals", x.format() + " (no approval counts)"));
    PromotionGates.Report report = PromotionGates.evaluate(new PromotionGates.Input(route, candidate, check, observed, approvals,
        promoter, pin, pinProblem, force, now));
    return new Evaluation(route, candidate, current, report, notes, observed.unreadable());
  }

  static String head(Path dir) {
    try {
      Optional<PlatformRepository> repo = PlatformRepository.find(dir);
      if (repo.isEmpty()) {
        return null;
      }
      try (PlatformRepository r = repo.get()) {
        return r.head();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String shortId(String commit) {
    return commit == null ? "-" : commit.substring(0, Math.min(12, commit.length()));
  }

  /** The release and its images, for people. */
  static void printRelease(PrintWriter out, String title, ReleaseSpec r, SortedMap<String, String> notes, String indent) {
    out.println(indent + title + " " + r.id() + "  from " + r.from() + "  commit " + shortId(r.commit()) + "  configuration "
        + r.configHash() + (r.promoted() != null ? "  promoted " + r.promoted() + " by " + r.promotedBy() : ""));
    r.images().forEach((c, i) -> out.println(indent + "  " + c + "  " + i.image()
        + (i.digestKnown() ? "" : "  (" + (notes != null && notes.containsKey(c) ? notes.get(c) : "digest unknown") + ")")));
  }

  static void printGates(PrintWriter out, PromotionGates.Report report, String indent) {
    int width = report.gates().stream().mapToInt(g -> g.name().length()).max().orElse(4);
    for (Gate g : report.gates()) {
      out.println(indent + String.format("%-6s %-" + width + "s  %s", g.label(), g.name(), g.reason()));
    }
  }

  static ObjectNode json(ReleaseSpec r) {
    ObjectNode o = Output.JSON.createObjectNode().put("id", r.id()).put("application", r.application()).put("environment", r.environment())
        .put("from", r.from()).put("commit", r.commit()).put("configHash", r.configHash()).put("created", r.created())
        .put("createdBy", r.createdBy());
    if (r.promoted() != null) {
      o.put("promoted", r.promoted()).put("promotedBy", r.promotedBy()).put("reason", r.reason());
    }
    ObjectNode images = o.putObject("images");
    r.images().forEach((c, i) -> images.putObject(c).put("image", i.image()).put("digest", i.digest()));
    return o;
  }

  static ObjectNode json(PromotionGates.Report report) {
    ObjectNode o = Output.JSON.createObjectNode().put("passed", report.passed());
    var gates = o.putArray("gates");
    report.gates().forEach(g -> gates.addObject().put("gate", g.name()).put("state", g.label()).put("reason", g.reason()));
    return o;
  }
}
