package dev.slipway.kube.deploy;

import dev.slipway.kube.SyncExecutor;
import java.util.List;
import java.util.Optional;

/**
 * What one sync of an environment did, as data: the CLI prints {@link #output()} and
 * {@link #errors()}; the server keeps the rest as the application's last operation.
 *
 * @param applications one report per bundle, in the order the bundles were given (the
 *     environment-wide bundle, {@link SyncExecutor#CLUSTER}, first when there is one)
 * @param writes objects created, updated and deleted in all
 * @param failure why the sync failed, or null when it succeeded
 * @param notSynced applications not started because another one failed first
 * @param pruneList what the prune phase deleted (or, dry-running, would delete), as
 *     {@code application: ref (reason)}, in order; empty when nothing was pruned
 * @param output what the sync printed for people, as {@code slipway sync} prints it
 * @param errors its warnings and errors, as {@code slipway sync} prints them on stderr
 */
public record SyncReport(String environment, boolean dryRun, List<ApplicationReport> applications, int writes, Failure failure,
    List<String> notSynced, List<String> pruneList, String output, String errors) {
  public SyncReport {
    applications = List.copyOf(applications);
    notSynced = List.copyOf(notSynced);
    pruneList = List.copyOf(pruneList);
  }

  /** No failure: every application synced, or is {@link Result#PROGRESSING} (see {@link #progressing}). */
  public boolean succeeded() {
    return failure == null;
  }

  /** Whether some application's part is still rolling out: the sync is to be continued, not over. */
  public boolean progressing() {
    return applications.stream().anyMatch(a -> a.result() == Result.PROGRESSING);
  }

  public Optional<ApplicationReport> application(String name) {
    return applications.stream().filter(a -> a.application().equals(name)).findFirst();
  }

  /** How one application's part of a sync ended. */
  public enum Result {
    SUCCEEDED, FAILED,
    /** Not started: another application of the same sync had failed. */
    SKIPPED,
    /**
     * Applied up to a wave that is not healthy yet, by a deployer that does not wait
     * ({@code Deployer.fromCache}): to be continued by a later sync; not a failure.
     */
    PROGRESSING
  }

  /**
   * Why a sync or an application's part of it failed. {@link #ANOTHER_APPLICATION} is the failure
   * of an application that did nothing wrong itself but whose prune was held back.
   */
  public enum Cause {
    WRITE, UNHEALTHY, DEADLINE, READ, INTERRUPTED, PRUNE, LOCK_LOST, ANOTHER_APPLICATION, INTERNAL,
    /** Not a failure: what a {@link Result#PROGRESSING} application waits for (its report's failure names it). */
    PROGRESSING;

    static Cause of(SyncExecutor.Failure f) {
      if (f == null) {
        return WRITE;
      }
      return switch (f) {
        case WRITE -> WRITE;
        case UNHEALTHY -> UNHEALTHY;
        case DEADLINE -> DEADLINE;
        case READ -> READ;
        case INTERRUPTED -> INTERRUPTED;
        case PROGRESSING -> PROGRESSING;
      };
    }
  }

  /** A failure with its cause and the message a person reads. */
  public record Failure(Cause cause, String message) {}

  /**
   * One application's part of a sync.
   *
   * @param revision the history revision recorded for it, or null (dry run, an unchanged repeat of
   *     the last revision, the environment-wide bundle, or history that could not be written)
   * @param runId the unique id of this run, also in the recorded revision
   * @param hash the hash of what was rendered for it (the revision's hash)
   * @param steps every object of the application in sync order, with its wave and what was done
   * @param prunes what Slipway owns that is no longer rendered, and what became of each
   * @param failure why it failed, or null
   * @param output the lines printed for this application
   */
  public record ApplicationReport(String application, String environment, Integer revision, String runId, String hash, Result result,
      List<Step> steps, List<Prune> prunes, int writes, Failure failure, String output) {
    public ApplicationReport {
      steps = List.copyOf(steps);
      prunes = List.copyOf(prunes);
    }
  }

  /**
   * What was done to one object: {@code create}, {@code update}, {@code unchanged}, {@code failed},
   * or {@code would create}/{@code would update} when dry-running.
   *
   * @param wave its sync wave
   * @param detail the failure, or the diff when dry-running
   */
  public record Step(Integer wave, String ref, String action, String detail) {}

  /**
   * One object no longer rendered.
   *
   * @param delete whether the prune would delete it (otherwise {@code reason} says why it is kept)
   * @param outcome {@code pruned}, {@code would prune}, {@code gone}, {@code failed}, {@code kept},
   *     {@code not pruned}, or {@code held} when the prune did not run (an apply failed, or the
   *     lock was lost)
   */
  public record Prune(String ref, boolean delete, String reason, String outcome) {}
}
