package dev.slipway.engine.promote;

import java.util.List;

/**
 * What was read about the upstream environment of a promotion: its sync history for the
 * application (oldest first) and its status now. Read by the Kubernetes adapter; judged here.
 *
 * @param unreadable why the history or status could not be read (the cluster, the ConfigMap), or
 *     null: an unreadable source fails the gates that need it (fail closed)
 * @param sync {@code Synced} or {@code OutOfSync}
 * @param health the application's worst health now ({@code Healthy}, {@code Degraded}...)
 */
public record SourceObservation(List<Revision> revisions, String unreadable, String sync, String health) {
  public SourceObservation {
    revisions = revisions == null ? List.of() : List.copyOf(revisions);
  }

  /** Nothing could be read, for this reason. */
  public static SourceObservation unreadable(String why) {
    return new SourceObservation(List.of(), why, null, null);
  }

  /**
   * One recorded sync of the source.
   *
   * @param time when its sync ended (ISO-8601, UTC): its completion when recorded, else when it was recorded
   * @param hash the hash of the objects it deployed
   * @param result {@code Succeeded}, {@code Running}, or why it failed
   * @param rollbackOf the revision it rolled back to, or 0
   */
  public record Revision(int number, String time, String who, String commit, String hash, String result, int rollbackOf) {
    public boolean succeeded() {
      return "Succeeded".equals(result);
    }
  }
}
