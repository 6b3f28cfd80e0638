package dev.slipway.engine.rollout;

import java.util.List;
import java.util.Objects;

/**
 * What a metrics query returned, as the analysis judges it: the sample values, or why the query
 * could not be made. A query that ran and matched nothing is a result (no values), not an error.
 *
 * @param values the query's sample values in order (a scalar gives one); empty when it failed
 * @param error why the query could not be made, in words; null when it was made
 */
public record QueryResult(List<Double> values, String error) {
  public QueryResult {
    values = List.copyOf(values);
  }

  /** The query was made and returned these values (none when nothing matched). */
  public static QueryResult ok(List<Double> values) {
    return new QueryResult(values, null);
  }

  /** The query could not be made: the backend was unreachable, refused it, or answered nonsense. */
  public static QueryResult failed(String error) {
    return new QueryResult(List.of(), Objects.requireNonNull(error, "error"));
  }

  public boolean isOk() {
    return error == null;
  }
}
