package dev.slipway.model.spec;

import java.util.List;

/**
 * The approvals given to one candidate release for one application in one environment, kept in Git
 * next to its release file ({@code releases/<env>/<app>.approvals.yaml}). They are bound to the
 * candidate's id: an approval of an older candidate never counts for a newer one.
 *
 * @param release the id of the release the approvals are for
 */
public record ApprovalsSpec(String application, String environment, String release, List<Approval> approvals) {
  public ApprovalsSpec {
    approvals = approvals == null ? List.of() : List.copyOf(approvals);
  }

  /** One person's approval: who (their identity as {@code slipway approve} found it), when (UTC) and why. */
  public record Approval(String by, String at, String reason) {}
}
