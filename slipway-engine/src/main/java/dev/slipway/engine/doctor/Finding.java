package dev.slipway.engine.doctor;

import dev.slipway.model.Position;
import java.util.Comparator;
import java.util.List;

/**
 * One thing {@code slipway doctor} found wrong with a live object: what it saw (evidence), what it
 * means (explanation) and what to change (fix). Where the cause is written in the spec, {@code
 * spec} names the file, line and field to change, which K8sGPT, knowing nothing of the source,
 * cannot.
 *
 * @param application the application the object belongs to; null for an environment-wide object
 * @param component the component the object belongs to, or null
 * @param analyzer which analyzer found it (its name in docs/doctor.md, e.g. {@code OOMKilled})
 * @param evidence the status fields, events and last terminations the finding rests on, one per line
 * @param spec where to change the spec, or null when the cause is not in the spec
 */
public record Finding(
    Severity severity, String application, String component, ObjectRef object, String analyzer, List<String> evidence,
    String explanation, String fix, SpecRef spec) {

  public Finding {
    evidence = List.copyOf(evidence);
  }

  /** Errors keep the application from working; warnings are risks or slowness. */
  public enum Severity {
    ERROR,
    WARNING;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A live object: kind, namespace (null when cluster-scoped) and name. */
  public record ObjectRef(String kind, String namespace, String name) {
    @Override
    public String toString() {
      return kind + "/" + (namespace == null ? "" : namespace + "/") + name;
    }
  }

  /**
   * A place in the spec: where a field was written, and the field's path from the component (or
   * the platform) down, e.g. {@code components.api.resources.memory}.
   */
  public record SpecRef(Position position, String field) {
    /** {@code apps/shop/app.yaml:14 (components.api.resources.memory)}: file and line, as an editor jumps to it. */
    @Override
    public String toString() {
      String where = position.line() > 0 ? position.file() + ":" + position.line() : position.file();
      return where + " (" + field + ")";
    }
  }

  /** Application, then errors before warnings, then analyzer, object and explanation: the same output for the same input. */
  public static final Comparator<Finding> ORDER = Comparator
      .comparing((Finding f) -> f.application() == null ? "" : f.application())
      .thenComparing(Finding::severity)
      .thenComparing(Finding::analyzer)
      .thenComparing(f -> f.object().kind())
      .thenComparing(f -> f.object().namespace() == null ? "" : f.object().namespace())
      .thenComparing(f -> f.object().name())
      .thenComparing(Finding::explanation);
}
