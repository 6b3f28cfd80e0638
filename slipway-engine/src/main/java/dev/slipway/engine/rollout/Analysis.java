package dev.slipway.engine.rollout;

import dev.slipway.engine.rollout.Conditions.ConditionException;
import dev.slipway.model.spec.AnalysisTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Analysis runs as Argo Rollouts runs them, as pure functions of the template, the measurements
 * taken so far and the times the caller read: render the query, judge each result
 * ({@link #measure}), judge the run ({@link #verdict}) and say when the next measurement is due
 * ({@link #nextAt}). The caller makes the queries and keeps the measurements.
 *
 * <p>Following Argo Rollouts: a measurement whose query could not be made is an ERROR, which is
 * retried and does not count towards {@code count}; ERRORs only end the run when more than
 * {@code consecutiveErrorLimit} come in a row. A retry after an ERROR comes after the template's
 * interval or {@link #ERROR_RETRY}, whichever is shorter, so a 5-minute analysis does not wait 5
 * minutes to learn that Prometheus is back. A run stops at the first limit exceeded; later
 * measurements, if any, do not change its verdict.
 */
public final class Analysis {
  private Analysis() {}

  /** The longest wait before retrying a query that could not be made (Argo Rollouts' error retry interval). */
  public static final Duration ERROR_RETRY = Duration.ofSeconds(10);

  private static final Pattern VARIABLE = Pattern.compile("\\{\\{(.*?)}}");

  /**
   * The query with {@code {{namespace}}} etc. replaced (spaces inside the braces are allowed);
   * unknown variables were rejected at load time (see {@link #problems}).
   *
   * @throws IllegalArgumentException when the query uses a variable that {@code vars} lacks
   */
  public static String render(AnalysisTemplate t, Map<String, String> vars) {
    Matcher m = VARIABLE.matcher(t.query());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).strip();
      String value = vars.get(name);
      if (value == null) {
        throw new IllegalArgumentException("analysis template " + t.name() + ": no value for {{" + name + "}}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Judges one query result taken at {@code at}: ERROR when the query could not be made or a
   * condition could not be evaluated; INCONCLUSIVE on no data (no samples, or NaN: no traffic
   * proves nothing); otherwise the failure condition first, then the success condition, as Argo
   * Rollouts orders them. With both conditions given, a result that meets neither is INCONCLUSIVE.
   */
  public static Measurement measure(AnalysisTemplate t, QueryResult r, Instant at) {
    if (!r.isOk()) {
      return new Measurement(at, MeasurementPhase.ERROR, "", r.error());
    }
    List<Double> values = r.values();
    String value = format(values);
    if (values.isEmpty()) {
      return new Measurement(at, MeasurementPhase.INCONCLUSIVE, value, "no data: the query returned no samples");
    }
    if (values.stream().anyMatch(v -> v.isNaN())) {
      return new Measurement(at, MeasurementPhase.INCONCLUSIVE, value, "no data: the query returned NaN");
    }
    String success = given(t.successCondition());
    String failure = given(t.failureCondition());
    if (success == null && failure == null) {
      return new Measurement(at, MeasurementPhase.ERROR, value, "successCondition, failureCondition: neither is given, so nothing judges the result");
    }
    try {
      if (failure != null && holds("failureCondition", failure, values)) {
        return new Measurement(at, MeasurementPhase.FAILED, value, "failureCondition met: " + failure);
      }
      if (success == null) {
        return new Measurement(at, MeasurementPhase.SUCCESSFUL, value, "failureCondition not met: " + failure);
      }
      if (holds("successCondition", success, values)) {
        return new Measurement(at, MeasurementPhase.SUCCESSFUL, value, "successCondition met: " + success);
      }
      return failure == null
          ? new Measurement(at, MeasurementPhase.FAILED, value, "successCondition not met: " + success)
          : new Measurement(at, MeasurementPhase.INCONCLUSIVE, value, "neither successCondition nor failureCondition met");
    } catch (ConditionException e) {
      return new Measurement(at, MeasurementPhase.ERROR, value, e.getMessage());
    }
  }

  private static boolean holds(String field, String condition, List<Double> values) {
    try {
      return Conditions.evaluate(condition, values);
    } catch (ConditionException e) {
      throw new ConditionException(field + ": " + e.getMessage());
    }
  }

  /**
   * Judges the run so far (measurements in order). It ends at the first measurement after which
   * more than failureLimit measurements failed (FAILED), more than inconclusiveLimit were
   * inconclusive (INCONCLUSIVE), or the last consecutiveErrorLimit + 1 were ERRORs (ERROR); or, with
   * no limit exceeded, once {@code count} measurements were taken, ERRORs not counted (SUCCESSFUL).
   */
  public static Verdict verdict(AnalysisTemplate t, List<Measurement> ms) {
    Tally tally = new Tally();
    for (Measurement m : ms) {
      tally.add(m);
      Verdict end = ended(t, tally, m);
      if (end != null) {
        return end;
      }
    }
    return new Verdict(RunPhase.RUNNING, running(t, tally));
  }

  /**
   * When the next measurement is due, for a run started at {@code started}: the first at once, each
   * next one interval after the previous one, a retry after an ERROR sooner (see {@link #ERROR_RETRY});
   * null when no more are due (the verdict is final).
   */
  public static Instant nextAt(AnalysisTemplate t, Instant started, List<Measurement> ms) {
    if (ms.isEmpty()) {
      return started;
    }
    if (verdict(t, ms).phase().terminal()) {
      return null;
    }
    Measurement last = ms.get(ms.size() - 1);
    Duration interval = t.interval();
    if (last.phase() == MeasurementPhase.ERROR) {
      return last.at().plus(interval == null || interval.compareTo(ERROR_RETRY) > 0 ? ERROR_RETRY : interval);
    }
    if (interval == null) {
      throw new IllegalArgumentException("analysis template " + t.name() + " takes " + t.count() + " measurements but has no interval");
    }
    return last.at().plus(interval);
  }

  /**
   * Load-time problems of a template, each a short sentence naming the field: conditions that do
   * not parse or type-check as CEL over {@code result} (list&lt;double&gt;) to a bool, unknown
   * {@code {{variables}}} in the query, neither condition given, count &lt; 1, an interval missing
   * (needed when count &gt; 1) or not positive, negative limits. Empty when fine.
   */
  public static List<String> problems(AnalysisTemplate t) {
    List<String> problems = new ArrayList<>();
    if (t.query() == null || t.query().isBlank()) {
      problems.add("query: is empty; give the PromQL query to measure");
    } else {
      problems.addAll(queryProblems(t.query()));
    }
    String success = given(t.successCondition());
    String failure = given(t.failureCondition());
    if (success == null && failure == null) {
      problems.add("successCondition, failureCondition: neither is given; give at least one, e.g. successCondition: result[0] >= 0.99");
    }
    if (success != null && Conditions.problem(success) != null) {
      problems.add("successCondition: " + Conditions.problem(success));
    }
    if (failure != null && Conditions.problem(failure) != null) {
      problems.add("failureCondition: " + Conditions.problem(failure));
    }
    if (t.count() < 1) {
      problems.add("count: is " + t.count() + "; an analysis takes at least 1 measurement");
    }
    if (t.interval() == null) {
      if (t.count() > 1) {
        problems.add("interval: is missing; it is needed to take " + t.count() + " measurements");
      }
    } else if (t.interval().isNegative() || t.interval().isZero()) {
      problems.add("interval: is " + t.interval() + "; it must be positive");
    }
    limit(problems, "failureLimit", t.failureLimit());
    limit(problems, "inconclusiveLimit", t.inconclusiveLimit());
    limit(problems, "consecutiveErrorLimit", t.consecutiveErrorLimit());
    return List.copyOf(problems);
  }

  private static List<String> queryProblems(String query) {
    List<String> problems = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>();
    Matcher m = VARIABLE.matcher(query);
    int end = 0;
    while (m.find()) {
      String name = m.group(1).strip();
      if (!AnalysisTemplate.VARIABLES.contains(name)) {
        unknown.add(name);
      }
      end = m.end();
    }
    for (String name : unknown) {
      problems.add("query: unknown variable {{" + name + "}}; the known ones are " + String.join(", ", AnalysisTemplate.VARIABLES));
    }
    int open = query.indexOf("{{", end);
    if (open >= 0) {
      problems.add("query: {{ at character " + (open + 1) + " is not closed by }}");
    }
    return problems;
  }

  private static void limit(List<String> problems, String field, int value) {
    if (value < 0) {
      problems.add(field + ": is " + value + "; it must be 0 or more");
    }
  }

  private static String given(String condition) {
    return condition == null || condition.isBlank() ? null : condition.strip();
  }

  /** Sample values as Prometheus writes them, shortest form: {@code [0.995, 1, +Inf]}. */
  static String format(List<Double> values) {
    return values.stream().map(Analysis::format).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** The counts Argo Rollouts keeps per metric: taken (ERRORs not counted), failed, inconclusive, errors in a row. */
  private static final class Tally {
    int taken;
    int failed;
    int inconclusive;
    int consecutiveErrors;
    String lastError;

    void add(Measurement m) {
      if (m.phase() == MeasurementPhase.ERROR) {
        consecutiveErrors++;
        lastError = m.message();
        return;
      }
      consecutiveErrors = 0;
      taken++;
      if (m.phase() == MeasurementPhase.FAILED) {
        failed++;
      } else if (m.phase() == MeasurementPhase.INCONCLUSIVE) {
        inconclusive++;
      }
    }
  }

  private static Verdict ended(AnalysisTemplate t, Tally n, Measurement last) {
    if (n.failed > t.failureLimit()) {
      return new Verdict(RunPhase.FAILED, n.failed + " of " + n.taken + " measurements failed (limit " + t.failureLimit() + "): last value "
          + last.value() + " (" + last.message() + ")");
    }
    if (n.inconclusive > t.inconclusiveLimit()) {
      return new Verdict(RunPhase.INCONCLUSIVE, n.inconclusive + " of " + n.taken + " measurements were inconclusive (limit "
          + t.inconclusiveLimit() + "): last value " + last.value() + " (" + last.message() + ")");
    }
    if (n.consecutiveErrors > t.consecutiveErrorLimit()) {
      return new Verdict(RunPhase.ERROR, n.consecutiveErrors + " measurements in a row were errors (limit " + t.consecutiveErrorLimit()
          + "): " + last.message());
    }
    if (n.taken >= t.count()) {
      return new Verdict(RunPhase.SUCCESSFUL, n.taken + " of " + t.count() + " measurements taken, " + n.failed + " failed (limit "
          + t.failureLimit() + "), " + n.inconclusive + " inconclusive (limit " + t.inconclusiveLimit() + "): last value " + last.value());
    }
    return null;
  }

  private static String running(AnalysisTemplate t, Tally n) {
    String taken = n.taken + " of " + t.count() + " measurements taken";
    if (n.consecutiveErrors > 0) {
      return taken + "; " + (n.consecutiveErrors == 1 ? "the last was an error" : "the last " + n.consecutiveErrors + " were errors")
          + " (limit " + t.consecutiveErrorLimit() + " in a row): " + n.lastError;
    }
    return taken;
  }
}
