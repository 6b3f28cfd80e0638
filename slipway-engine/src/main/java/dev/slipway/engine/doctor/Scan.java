package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.render.RenderedObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One run of the analyzers: the live objects, the spec, the time the state was read, and the findings so far. */
final class Scan {
  final LiveObjects live;
  final SpecFacts spec;
  final Instant now;
  private final List<Finding> findings = new ArrayList<>();

  Scan(LiveObjects live, SpecFacts spec, Instant now) {
    this.live = live;
    this.spec = spec;
    this.now = now;
  }

  List<Finding> findings() {
    return findings;
  }

  /** The application an object in {@code namespace} belongs to, or null outside every application's namespace. */
  String application(ObjectRef ref) {
    return spec.applicationInNamespace(ref.namespace()).map(ApplicationPlan::name).orElse(null);
  }

  /**
   * The component an object belongs to: its {@code slipway.dev/component} label, else its
   * {@code app.kubernetes.io/name} or its own name when that names a component of its application.
   */
  String component(JsonNode o) {
    String c = LiveObjects.label(o, Labels.COMPONENT);
    if (c != null) {
      return c;
    }
    ObjectRef ref = LiveObjects.ref(o);
    String app = application(ref);
    List<String> components = app == null ? List.of() : spec.components().getOrDefault(app, List.of());
    String name = LiveObjects.label(o, Labels.NAME);
    if (name != null && components.contains(name)) {
      return name;
    }
    return components.contains(ref.name()) ? ref.name() : null;
  }

  /** The component of a workload, from the workload when it is in the dump, else from its name. */
  String component(ObjectRef workload, JsonNode pod) {
    Optional<JsonNode> w = live.get(workload.kind(), workload.namespace(), workload.name());
    String c = w.map(this::component).orElse(null);
    return c != null ? c : component(pod);
  }

  /** What Slipway renders for an object, if it renders it. */
  Optional<RenderedObject> rendered(ObjectRef ref) {
    String app = application(ref);
    if (app == null) {
      return Optional.empty();
    }
    return spec.application(app).flatMap(a -> a.bundle().objects().stream()
        .filter(r -> r.kind().equals(ref.kind()) && r.name().equals(ref.name())).findFirst());
  }

  SpecRef locate(ObjectRef ref, String component, String... fields) {
    return spec.locate(application(ref), component, fields);
  }

  void add(Severity severity, ObjectRef object, String component, String analyzer, List<String> evidence, String explanation,
      String fix, SpecRef at) {
    String app = application(object);
    if (app == null) {
      return; // outside every application of the environment: not this command's to judge
    }
    findings.add(new Finding(severity, app, component, object, analyzer, evidence, explanation, fix, at));
  }

  /** How long ago {@code timestamp} (RFC 3339) was, or null when it is missing or unreadable. */
  Duration age(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return Duration.between(Instant.parse(timestamp), now);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code slipway rollback --env dev --app shop}: the command that undoes the last sync. */
  String rollbackCommand(ObjectRef ref) {
    return "slipway rollback --env " + spec.plan().name() + " --app " + application(ref);
  }

  static String shortAge(Duration d) {
    if (d == null) {
      return "?";
    }
    long s = Math.max(0, d.getSeconds());
    return s >= 86400 ? s / 86400 + "d" : s >= 3600 ? s / 3600 + "h" : s >= 60 ? s / 60 + "m" : s + "s";
  }
}
