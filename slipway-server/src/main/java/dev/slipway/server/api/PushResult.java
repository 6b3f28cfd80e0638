package dev.slipway.server.api;

import java.util.List;

/**
 * What the controller makes of a Git push.
 *
 * @param accepted false when the branch is not the one watched
 * @param applications the applications whose inputs the changed paths touch (all of them when
 *     platform-wide files changed)
 */
public record PushResult(boolean accepted, String message, List<String> applications) {
  public PushResult {
    message = message == null ? "" : message;
    applications = applications == null ? List.of() : List.copyOf(applications);
  }
}
