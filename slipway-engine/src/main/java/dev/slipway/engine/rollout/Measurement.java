package dev.slipway.engine.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * One judged query result of an analysis run.
 *
 * @param at when the query was made (the caller's clock)
 * @param phase how it was judged
 * @param value the sample values, compactly ({@code [0.995]}, {@code []} for no data); empty when the query failed
 * @param message why, in words: the condition that decided, "no data", or the error
 */
public record Measurement(Instant at, MeasurementPhase phase, String value, String message) {
  public Measurement {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(phase, "phase");
  }
}
