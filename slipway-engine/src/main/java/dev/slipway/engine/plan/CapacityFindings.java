package dev.slipway.engine.plan;

import dev.slipway.engine.capacity.CapacityPlan;
import dev.slipway.engine.capacity.CostReport;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods the capacity plan could not place, as findings at the component's spec: requests larger
 * than any instance type the environment's node pools allow (after allocatable, DaemonSets and
 * max pods), or more than the pools' limits hold. Such pods would stay Pending forever, so where
 * the environment enforces policy they are errors (plan exits 1), elsewhere warnings.
 */
public final class CapacityFindings {
  public static final String CODE = "capacity.unschedulable";

  private CapacityFindings() {}

  /**
   * Where a finding about a component points, taken while the application is fully resolved (a
   * streamed plan lets it go): whether it autoscales, and where its fields were written.
   */
  public record Facts(boolean autoscaled, Position resources, Position replicas, Position autoscalingMax) {}

  /** The facts of every component of a planned application. */
  public static Map<String, Facts> facts(ApplicationPlan app) {
    Map<String, Facts> out = new java.util.TreeMap<>();
    for (var c : app.resolved().components()) {
      out.put(c.name(), new Facts(c.autoscaling() != null, position(app, c.name(), "resources"), position(app, c.name(), "replicas"),
          position(app, c.name(), "autoscaling.max")));
    }
    return out;
  }

  /** The findings of one environment; none without a cost report or without node pools. */
  public static List<Diagnostic> of(EnvironmentSummary e) {
    CostReport cost = e.cost();
    if (cost == null || e.environment().nodePools().isEmpty()) {
      return List.of();
    }
    // One finding per component and reason, saying at which replica counts it happens.
    Map<String, Entry> found = new LinkedHashMap<>();
    collect(cost.atMin().capacity(), "minimum", found);
    collect(cost.atMax().capacity(), "maximum", found);
    Diagnostic.Severity severity = e.enforced() ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
    List<Diagnostic> out = new ArrayList<>();
    for (Entry f : found.values()) {
      ApplicationSummary app = e.applications().stream().filter(a -> a.name().equals(f.u.group().application())).findFirst().orElse(null);
      if (app == null) {
        continue; // outside --app: planned for capacity, not reported
      }
      Facts facts = app.facts().get(f.u.group().component());
      boolean tooLarge = f.u.reason().startsWith("requests ");
      boolean autoscaled = facts != null && facts.autoscaled();
      String field = tooLarge ? "resources" : autoscaled ? "autoscaling.max" : "replicas";
      Position at = facts == null ? Position.NONE : tooLarge ? facts.resources() : autoscaled ? facts.autoscalingMax() : facts.replicas();
      String counts = String.join(" and ", f.scenarios.entrySet().stream()
          .map(s -> s.getValue() + " at " + s.getKey() + " replicas").toList());
      String msg = f.u.group().workload() + " (" + f.u.group().cpuMillis() + "m CPU, " + f.u.group().memoryMiB() + "Mi per pod): "
          + counts + " can never be scheduled in environment " + e.name() + ": " + f.u.reason()
          + (tooLarge ? "; lower resources or allow a larger instance type in nodePools[].instanceTypes"
              : "; raise nodePools[].limits or lower " + field);
      out.add(new Diagnostic(severity, CODE, at.file(), at.line(), at.column(),
          "spec.components." + f.u.group().component() + "." + field, msg));
    }
    return out;
  }

  private record Entry(CapacityPlan.Unschedulable u, Map<String, Integer> scenarios) {}

  private static void collect(CapacityPlan c, String scenario, Map<String, Entry> found) {
    for (CapacityPlan.Unschedulable u : c.unschedulable()) {
      // Pool-limit reasons carry usage figures that differ between scenarios: key on the kind of reason.
      String kind = u.reason().startsWith("requests ") ? "size" : "limits";
      String key = u.group().application() + "/" + u.group().component() + "/" + kind;
      found.computeIfAbsent(key, k -> new Entry(u, new LinkedHashMap<>())).scenarios().merge(scenario, u.count(), Integer::sum);
    }
  }

  /** Where {@code field} of the component was written (any layer), else the component itself. */
  /**
   * Where a field of a component was written (the deepest written key of the dotted path), else the
   * component's own entry, else the application's file: for findings about a component.
   */
  public static Position position(ApplicationPlan app, String component, String field) {
    SpecNode n = app.resolved().trees().get(component);
    Position best = null;
    for (String k : field.split("\\.")) {
      if (!(n instanceof MapNode m) || !m.has(k)) {
        break;
      }
      Position p = m.writtenKeyPosition(k);
      if (p != null) {
        best = p;
      }
      n = m.get(k);
    }
    if (best != null) {
      return best;
    }
    SpecNode written = app.resolved().app().components().get(component);
    return written != null && written.position().line() > 0 ? written.position() : Position.file(app.resolved().app().file());
  }
}
