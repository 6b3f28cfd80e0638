package dev.slipway.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one component's rollout stands: what {@link RolloutMachine} reads and returns, and what is
 * stored in the cluster (a ConfigMap beside the application's history) so that a restarted server
 * or another CLI resumes it.
 *
 * @param strategy {@code blueGreen} or {@code canary}
 * @param stable the revision the component's Service sends traffic to (all of it, or the rest of a canary's)
 * @param stableDeployment that revision's Deployment as Slipway applied it (kept because the spec no
 *     longer renders it once a new revision is written)
 * @param canary the revision being rolled out; null when none is
 * @param release the component's objects as rendered for the {@code canary} revision (for the
 *     stable revision when no rollout runs): Deployment, Services, Ingresses
 * @param previous after a switch, the revision that was live before, kept scaled until
 *     {@code scaleDownAt} so that {@code undo} switches back at once; null otherwise
 * @param step index of the canary step being carried out (blue/green: 0 before the switch)
 * @param weight percent of the ingress's traffic sent to the canary revision now
 * @param scale percent of the component's replicas the canary revision runs (a canary scales up before it takes traffic)
 * @param since when the current step or wait began
 * @param deadline when the current wait gives up and the rollout aborts; null when nothing waits
 * @param waitingFor what the rollout waits for, in words; null when it waits for nothing
 * @param analysis the analysis run in progress (or the last one), or null
 * @param message why the rollout is where it is (an abort's reason, for instance)
 * @param events what happened, oldest first, at most {@link #EVENTS} kept
 */
public record RolloutState(
    String component,
    String strategy,
    Phase phase,
    String stable,
    ObjectNode stableDeployment,
    String canary,
    List<ObjectNode> release,
    String previous,
    ObjectNode previousDeployment,
    Instant scaleDownAt,
    int step,
    int weight,
    int scale,
    Instant since,
    Instant deadline,
    String waitingFor,
    AnalysisRun analysis,
    String message,
    List<Event> events) {

  public static final int EVENTS = 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  public RolloutState {
    release = release == null ? List.of() : List.copyOf(release);
    events = events == null ? List.of() : List.copyOf(events);
  }

  /**
   * <ul>
   *   <li>{@code STABLE}: no rollout runs; all traffic goes to {@code stable}.
   *   <li>{@code PROGRESSING}: a rollout runs by itself (waiting for pods, a timed pause or an analysis).
   *   <li>{@code PAUSED}: a rollout waits for a person: {@code slipway rollout promote} or {@code abort}.
   *   <li>{@code ABORTED}: all traffic went back to {@code stable} and the canary revision was
   *       scaled down; it stays so until a new revision is written or {@code slipway rollout retry}.
   * </ul>
   */
  public enum Phase {
    STABLE,
    PROGRESSING,
    PAUSED,
    ABORTED
  }

  /** One thing that happened to the rollout. */
  public record Event(Instant at, String text) {}

  /**
   * An analysis run: the templates measured against the canary revision since {@code started},
   * and their measurements so far (by template, in order).
   */
  public record AnalysisRun(List<String> templates, Instant started, Map<String, List<Measurement>> measurements, String verdict) {
    public AnalysisRun {
      templates = List.copyOf(templates);
      Map<String, List<Measurement>> copy = new LinkedHashMap<>();
      measurements.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      measurements = java.util.Collections.unmodifiableMap(copy);
    }

    public static AnalysisRun start(List<String> templates, Instant now) {
      Map<String, List<Measurement>> m = new LinkedHashMap<>();
      templates.forEach(t -> m.put(t, List.of()));
      return new AnalysisRun(templates, now, m, null);
    }
  }

  /** A component that has just been deployed for the first time, or whose rollout state was lost: steady on {@code revision}. */
  public static RolloutState steady(String component, String strategy, String revision, List<ObjectNode> release, Instant now) {
    return new RolloutState(component, strategy, Phase.STABLE, revision, null, null, release, null, null, null, 0, 0, 0, now, null, null,
        null, null, List.of());
  }

  /** Whether a rollout is under way (progressing or waiting for a person). */
  public boolean rollingOut() {
    return phase == Phase.PROGRESSING || phase == Phase.PAUSED;
  }

  /** The revision the component's rendered objects are for: the canary's during a rollout or abort, else the stable one. */
  public String releaseRevision() {
    return canary != null ? canary : stable;
  }

  Builder to() {
    return new Builder(this);
  }

  /** A changed copy: the machine's way of writing a new state. */
  static final class Builder {
    String component;
    String strategy;
    Phase phase;
    String stable;
    ObjectNode stableDeployment;
    String canary;
    List<ObjectNode> release;
    String previous;
    ObjectNode previousDeployment;
    Instant scaleDownAt;
    int step;
    int weight;
    int scale;
    Instant since;
    Instant deadline;
    String waitingFor;
    AnalysisRun analysis;
    String message;
    List<Event> events;

    Builder(RolloutState s) {
      component = s.component;
      strategy = s.strategy;
      phase = s.phase;
      stable = s.stable;
      stableDeployment = s.stableDeployment;
      canary = s.canary;
      release = s.release;
      previous = s.previous;
      previousDeployment = s.previousDeployment;
      scaleDownAt = s.scaleDownAt;
      step = s.step;
      weight = s.weight;
      scale = s.scale;
      since = s.since;
      deadline = s.deadline;
      waitingFor = s.waitingFor;
      analysis = s.analysis;
      message = s.message;
      events = new ArrayList<>(s.events);
    }

    Builder event(Instant at, String text) {
      events.add(new Event(at, text));
      while (events.size() > EVENTS) {
        events.remove(0);
      }
      return this;
    }

    Builder waiting(String what, Instant until) {
      waitingFor = what;
      deadline = until;
      return this;
    }

    RolloutState build() {
      return new RolloutState(component, strategy, phase, stable, stableDeployment, canary, release, previous, previousDeployment,
          scaleDownAt, step, weight, scale, since, deadline, waitingFor, analysis, message, events);
    }
  }

  // ---- JSON, as stored in the cluster ----

  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("component", component).put("strategy", strategy).put("phase", phase.name()).put("stable", stable);
    putObject(o, "stableDeployment", stableDeployment);
    o.put("canary", canary);
    ArrayNode rel = o.putArray("release");
    release.forEach(rel::add);
    o.put("previous", previous);
    putObject(o, "previousDeployment", previousDeployment);
    o.put("scaleDownAt", text(scaleDownAt)).put("step", step).put("weight", weight).put("scale", scale).put("since", text(since))
        .put("deadline", text(deadline)).put("waitingFor", waitingFor).put("message", message);
    if (analysis != null) {
      ObjectNode a = o.putObject("analysis");
      ArrayNode t = a.putArray("templates");
      analysis.templates().forEach(t::add);
      a.put("started", text(analysis.started())).put("verdict", analysis.verdict());
      ObjectNode ms = a.putObject("measurements");
      analysis.measurements().forEach((name, list) -> {
        ArrayNode arr = ms.putArray(name);
        for (Measurement m : list) {
          arr.addObject().put("at", text(m.at())).put("phase", m.phase().name()).put("value", m.value()).put("message", m.message());
        }
      });
    }
    ArrayNode ev = o.putArray("events");
    events.forEach(e -> ev.addObject().put("at", text(e.at())).put("text", e.text()));
    return o;
  }

  /** Reads what {@link #toJson} wrote; throws {@link IllegalArgumentException} naming the field when it cannot. */
  public static RolloutState fromJson(JsonNode o) {
    try {
      List<ObjectNode> release = new ArrayList<>();
      o.path("release").forEach(n -> release.add((ObjectNode) n));
      AnalysisRun analysis = null;
      JsonNode a = o.path("analysis");
      if (a.isObject()) {
        List<String> templates = new ArrayList<>();
        a.path("templates").forEach(n -> templates.add(n.asText()));
        Map<String, List<Measurement>> ms = new LinkedHashMap<>();
        a.path("measurements").fields().forEachRemaining(e -> {
          List<Measurement> list = new ArrayList<>();
          e.getValue().forEach(m -> list.add(new Measurement(instant(m.path("at")), MeasurementPhase.valueOf(m.path("phase").asText()),
              str(m.path("value")), str(m.path("message")))));
          ms.put(e.getKey(), list);
        });
        analysis = new AnalysisRun(templates, instant(a.path("started")), ms, str(a.path("verdict")));
      }
      List<Event> events = new ArrayList<>();
      o.path("events").forEach(e -> events.add(new Event(instant(e.path("at")), e.path("text").asText())));
      return new RolloutState(o.path("component").asText(), o.path("strategy").asText(), Phase.valueOf(o.path("phase").asText()),
          str(o.path("stable")), object(o.path("stableDeployment")), str(o.path("canary")), release, str(o.path("previous")),
          object(o.path("previousDeployment")), instant(o.path("scaleDownAt")), o.path("step").asInt(), o.path("weight").asInt(), o.path("scale").asInt(),
          instant(o.path("since")), instant(o.path("deadline")), str(o.path("waitingFor")), analysis, str(o.path("message")), events);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable rollout state: " + e.getMessage(), e);
    }
  }

  private static void putObject(ObjectNode o, String key, ObjectNode value) {
    if (value != null) {
      o.set(key, value);
    }
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Instant instant(JsonNode n) {
    return n.isTextual() ? Instant.parse(n.asText()) : null;
  }

  private static String str(JsonNode n) {
    return n.isTextual() ? n.asText() : null;
  }

  private static ObjectNode object(JsonNode n) {
    return n.isObject() ? (ObjectNode) n : null;
  }
}
