package dev.slipway.server.api;

import java.time.Instant;
import java.util.List;

/**
 * One recorded sync of an application in an environment, the unit a rollback returns to.
 *
 * @param number the history revision number, what {@code rollback} takes
 * @param revision the platform commit it deployed
 * @param result {@code Succeeded}, {@code Failed} or {@code Running}
 * @param rollbackOf the revision this sync rolled back to, 0 for an ordinary sync
 */
public record HistoryEntry(int number, String revision, Instant time, String who, List<String> images, String result, int rollbackOf) {
  public HistoryEntry {
    images = images == null ? List.of() : List.copyOf(images);
  }
}
