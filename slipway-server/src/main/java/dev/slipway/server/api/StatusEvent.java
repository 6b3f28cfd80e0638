package dev.slipway.server.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;

/**
 * A change the dashboard should show without a reload. Carries the new matrix cell so a client can
 * update its row without another request; for the application page it re-fetches the detail.
 *
 * @param environment null for events not tied to one environment (a Git push)
 * @param status the cell after the change; null for {@link Type#PUSH}
 * @param message what happened, for people
 */
public record StatusEvent(Type type, String application, String environment, Instant time, ApplicationStatus status, String message) {

  public StatusEvent {
    Objects.requireNonNull(type);
    Objects.requireNonNull(time);
    message = message == null ? "" : message;
  }

  public enum Type {
    /** Sync state, health, revision, drift, pin or pause changed. */
    STATUS("status"),
    /** An operation started, progressed or finished. */
    OPERATION("operation"),
    /** A Git push was received and is being fetched. */
    PUSH("push");

    private final String label;

    Type(String label) {
      this.label = label;
    }

    @JsonValue
    public String label() {
      return label;
    }
  }
}
