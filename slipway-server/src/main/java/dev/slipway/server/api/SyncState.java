package dev.slipway.server.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether an application's live objects match what its spec renders, in Argo CD's vocabulary,
 * plus {@code InvalidSpec} for a commit whose spec does not load (then nothing of that application
 * is applied and its diagnostics say why).
 */
public enum SyncState {
  SYNCED("Synced"),
  OUT_OF_SYNC("OutOfSync"),
  UNKNOWN("Unknown"),
  INVALID_SPEC("InvalidSpec");

  private final String label;

  SyncState(String label) {
    this.label = label;
  }

  @JsonValue
  public String label() {
    return label;
  }

  /** The state with this label, or null: filters parse user input with it. */
  @JsonCreator
  public static SyncState fromLabel(String label) {
    for (SyncState s : values()) {
      if (s.label.equalsIgnoreCase(label)) {
        return s;
      }
    }
    return null;
  }
}
