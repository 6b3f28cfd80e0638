package dev.slipway.engine.plan;

import dev.slipway.engine.capacity.CostReport;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.spec.EnvironmentSpec;
import java.util.List;

/**
 * One environment of a streamed plan: its environment-wide objects in full (a handful), each
 * application as a summary, and cost when asked for.
 */
public record EnvironmentSummary(
    EnvironmentSpec environment, List<RenderedObject> clusterObjects, List<Diagnostic> clusterValidation,
    List<ApplicationSummary> applications, CostReport cost) {

  public String name() {
    return environment.name();
  }

  public boolean enforced() {
    return environment.policy().enforcement() == EnvironmentSpec.Enforcement.ENFORCE;
  }

  public int objectCount() {
    return clusterObjects.size() + applications.stream().mapToInt(a -> a.objects().size()).sum();
  }
}
