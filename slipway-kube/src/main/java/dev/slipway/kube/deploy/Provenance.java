package dev.slipway.kube.deploy;

import java.util.List;

/**
 * Where the platform files of a sync come from, recorded with each application's revision so that
 * a rollback can find the same files again.
 *
 * @param commit the platform repository's commit, or null when the files are not in Git
 * @param dirty whether the files had uncommitted changes (then the revision cannot be rolled back to)
 * @param sets the {@code --set} overrides the files were rendered with
 */
public record Provenance(String commit, boolean dirty, List<String> sets) {
  public Provenance {
    sets = sets == null ? List.of() : List.copyOf(sets);
  }

  /** Files read from outside Git: their revisions cannot be rolled back to. */
  public static Provenance outsideGit(List<String> sets) {
    return new Provenance(null, false, sets);
  }
}
