package dev.slipway.kube.deploy;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Redeploys one application in one environment as it was at an earlier revision: the revision's
 * commit is read back from the platform repository, rendered again with its {@code --set}
 * overrides, checked against enforced policy as it stands today and synced, recording a revision
 * marked as a rollback (which {@link Deployer#rolledBack} then reports, so nothing automated
 * undoes it). What {@code slipway rollback} and the server's rollback action share.
 */
public final class Rollback {
  /**
   * Writes the platform files of one commit into an empty folder. The platform repository behind
   * a port: Slipway's Git adapter in the CLI and the server, a plain copy in tests.
   */
  @FunctionalInterface
  public interface CommitFiles {
    /**
     * @return false when there is no repository to read commits from
     */
    boolean export(String commit, Path into) throws IOException;
  }

  /** How a rollback ended. */
  public enum Status {
    ROLLED_BACK,
    /** The sync ran and failed; its report says why. */
    FAILED,
    /** No such revision, or no earlier successful one to choose. */
    NO_SUCH_REVISION,
    /** The revision was synced from uncommitted files or from outside Git. */
    NOT_REPRODUCIBLE,
    /** The platform directory is not in a Git repository. */
    NO_REPOSITORY,
    /** The revision's files no longer load or plan. */
    NOT_PLANNABLE,
    /** The revision's objects violate enforced policy as it stands today. */
    BLOCKED
  }

  /**
   * The end of a rollback.
   *
   * @param revision the revision rolled back to, or null when none was chosen
   * @param message why it was refused, for a person (null when it ran)
   * @param sync the sync's report, or null when it did not run
   */
  public record Result(Status status, Revision revision, String message, SyncReport sync) {
    public boolean refused() {
      return sync == null;
    }
  }

  private final Deployer deployer;
  private final CommitFiles files;

  public Rollback(Deployer deployer, CommitFiles files) {
    this.deployer = deployer;
    this.files = files;
  }

  /**
   * The revision {@code to}, or without it the newest successful revision that deployed something
   * else than the latest one.
   */
  public static Optional<Revision> choose(List<Revision> revisions, Integer to) {
    if (to != null) {
      return revisions.stream().filter(r -> r.number() == to).findFirst();
    }
    if (revisions.isEmpty()) {
      return Optional.empty();
    }
    String latest = revisions.get(revisions.size() - 1).hash();
    return revisions.stream().filter(r -> r.result().equals("Succeeded") && !r.hash().equals(latest))
        .max(Comparator.comparingInt(Revision::number));
  }

  /**
   * Rolls {@code current} (the application as the platform's current files render it, which says
   * where its history is) back to revision {@code to} (null: see {@link #choose}). Prints as
   * {@code slipway rollback} does to the deployer's writers and to {@code out}/{@code err}.
   *
   * @param options dry run, prune and timeout of the sync (volume claims are never pruned)
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the history or the cluster cannot be read
   * @throws dev.slipway.kube.EnvironmentLock.Held when another run holds the environment's lock
   * @throws IOException when the revision's files cannot be exported
   */
  public Result run(String environment, ApplicationBundle current, Integer to, SyncExecutor.Options options,
      java.io.PrintWriter out, java.io.PrintWriter err) throws IOException {
    List<Revision> revisions = deployer.history().list(environment, current);
    Optional<Revision> chosen = choose(revisions, to);
    String app = current.application();
    if (chosen.isEmpty()) {
      return new Result(Status.NO_SUCH_REVISION, null, (to != null ? "no revision " + to + " in the history of "
          : "no earlier successful revision of ") + app + " in " + environment + " (see slipway history)", null);
    }
    Revision r = chosen.get();
    if (!r.reproducible()) {
      return new Result(Status.NOT_REPRODUCIBLE, r, "revision " + r.number() + " was synced from "
          + (r.commit() == null ? "files outside Git" : "uncommitted changes") + "; its files cannot be found again, so it cannot be rolled back to",
          null);
    }
    Path checkout = Files.createTempDirectory("slipway-rollback-");
    try {
      if (!files.export(r.commit(), checkout)) {
        return new Result(Status.NO_REPOSITORY, r, "the platform is not in a Git repository; cannot read revision " + r.number() + "'s files",
            null);
      }
      out.println("Rolling back " + app + " in " + environment + " to revision " + r.number() + " (commit "
          + shortCommit(r) + ", synced " + r.time() + " by " + r.who() + ")");
      out.flush();
      Plan old = new Planner().plan(Workspace.load(checkout), new Planner.Scope(Set.of(environment), Set.of(app), r.sets()));
      boolean plans = true;
      if (old.hasSpecErrors()) {
        old.specDiagnostics().stream().map(Diagnostic::format).forEach(err::println);
        plans = false;
      } else if (old.environments().size() != 1) {
        err.println("error: name one environment with --env");
        plans = false;
      }
      if (!plans || old.environments().get(0).applications().isEmpty()) {
        err.flush();
        return new Result(Status.NOT_PLANNABLE, r, "revision " + r.number() + "'s files no longer plan for " + app + " in " + environment,
            null);
      }
      if (old.blocked() && !options.dryRun()) {
        return new Result(Status.BLOCKED, r, "revision " + r.number() + " violates enforced policies as they stand today; nothing was applied",
            null);
      }
      EnvironmentPlan oldEnv = old.environments().get(0);
      ApplicationBundle oldBundle = oldEnv.applications().get(0).bundle();
      if (!HistoryStore.hash(oldBundle).equals(r.hash())) {
        out.println("  note: revision " + r.number() + "'s files render differently today (Slipway or its built-in policies changed)");
        out.flush();
      }
      SyncReport report = deployer.sync(oldEnv, List.of(oldBundle), options, new Provenance(r.commit(), false, r.sets()), r.number());
      return new Result(report.succeeded() ? Status.ROLLED_BACK : Status.FAILED, r, null, report);
    } finally {
      delete(checkout);
    }
  }

  /** The first 12 characters of a revision's commit, marked when it had uncommitted changes; "-" outside Git. */
  public static String shortCommit(Revision r) {
    if (r.commit() == null) {
      return "-";
    }
    return r.commit().substring(0, Math.min(12, r.commit().length())) + (r.dirty() ? "+dirty" : "");
  }

  private static void delete(Path dir) {
    try (Stream<Path> w = Files.walk(dir)) {
      w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }
}
