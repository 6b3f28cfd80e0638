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

  /** The findings of one environment; none without a cost report or without node pools. */
  public static List<Diagnostic> of(EnvironmentPlan e) {
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
      ApplicationPlan app = e.applications().stream().filter(a -> a.name().equals(f.u.group().application())).findFirst().orElse(null);
      if (app == null) {
        continue; // outside --app: planned for capacity, not reported
      }
      boolean tooLarge = f.u.reason().startsWith("requests ");
      String field = tooLarge ? "resources" : autoscaled(app, f.u.group().component()) ? "autoscaling.max" : "replicas";
      Position at = position(app, f.u.group().component(), field);
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

  private static boolean autoscaled(ApplicationPlan app, String component) {
    return app.resolved().components().stream().anyMatch(c -> c.name().equals(component) && c.autoscaling() != null);
  }

  /** Where {@code field} of the component was written (any layer), else the component itself. */
  private static Position position(ApplicationPlan app, String component, String field) {
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
