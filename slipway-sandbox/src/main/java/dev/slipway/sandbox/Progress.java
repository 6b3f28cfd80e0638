package dev.slipway.sandbox;

import java.time.Instant;

/**
 * What a simulated controller remembers of one object between looks: the generation it is rolling
 * out and since when, and what the generation before it left running. Real controllers keep this
 * in ReplicaSets and ControllerRevisions; the mock has neither, so the sandbox keeps it in memory.
 *
 * @param generation the object's {@code metadata.generation} being rolled out
 * @param since when the sandbox first saw that generation
 * @param previousAvailable replicas of the previous generation still available (0 for a new object)
 * @param previousRevision the revision (template hash) the previous generation ran, or null
 */
record Progress(long generation, Instant since, int previousAvailable, String previousRevision) {

  /** A new object, first seen {@code now}. */
  static Progress created(long generation, Instant now) {
    return new Progress(generation, now, 0, null);
  }
}
