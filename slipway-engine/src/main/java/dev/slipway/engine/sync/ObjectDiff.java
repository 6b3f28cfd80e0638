package dev.slipway.engine.sync;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one object compares with the cluster.
 *
 * @param merged what a sync would send (the three-way merge); null for {@link SyncState#EXTRA}
 * @param diff a unified diff of the managed fields, live first; Secret values masked
 */
public record ObjectDiff(String ref, SyncState state, JsonNode desired, JsonNode live, JsonNode merged, String diff) {

  /** Argo CD's sync vocabulary, plus the two ends of ownership. */
  public enum SyncState {
    /** Live matches what Slipway renders. */
    SYNCED,
    /** Live differs in fields Slipway manages. */
    OUT_OF_SYNC,
    /** Rendered but not in the cluster. */
    MISSING,
    /** Owned by Slipway in the cluster but no longer rendered: a prune candidate. */
    EXTRA;

    /** As printed: Synced, OutOfSync, Missing, Extra. */
    public String label() {
      return switch (this) {
        case SYNCED -> "Synced";
        case OUT_OF_SYNC -> "OutOfSync";
        case MISSING -> "Missing";
        case EXTRA -> "Extra";
      };
    }
  }
}
