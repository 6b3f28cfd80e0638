package dev.slipway.server.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * What an action did. Refusals are results, not exceptions: the HTTP layer maps the outcome to a
 * status code and the audit log records it.
 *
 * @param revision the commit (or history revision) the action concerns, null when none
 * @param operationId the operation it started, null when none
 * @param changes for a dry-run sync, what a real one would do (one step per object)
 */
public record ActionResult(Outcome outcome, String message, String revision, String operationId, List<Operation.OperationStep> changes) {

  public ActionResult {
    Objects.requireNonNull(outcome);
    message = message == null ? "" : message;
    changes = changes == null ? List.of() : List.copyOf(changes);
  }

  public static ActionResult done(String message, String revision) {
    return new ActionResult(Outcome.DONE, message, revision, null, List.of());
  }

  public static ActionResult accepted(String message, String revision, String operationId) {
    return new ActionResult(Outcome.ACCEPTED, message, revision, operationId, List.of());
  }

  public static ActionResult notFound(String message) {
    return new ActionResult(Outcome.NOT_FOUND, message, null, null, List.of());
  }

  public static ActionResult conflict(String message) {
    return new ActionResult(Outcome.CONFLICT, message, null, null, List.of());
  }

  public enum Outcome {
    /** Finished now (pin, pause, a dry run). HTTP 200. */
    DONE("done", 200),
    /** Queued or started; follow it on the event stream. HTTP 202. */
    ACCEPTED("accepted", 202),
    /** The thing the action names (a history revision) does not exist. HTTP 404. */
    NOT_FOUND("not-found", 404),
    /** Not possible in the current state (sync of an InvalidSpec application, an operation already running). HTTP 409. */
    CONFLICT("conflict", 409);

    private final String label;
    private final int httpStatus;

    Outcome(String label, int httpStatus) {
      this.label = label;
      this.httpStatus = httpStatus;
    }

    @JsonValue
    public String label() {
      return label;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }
}
