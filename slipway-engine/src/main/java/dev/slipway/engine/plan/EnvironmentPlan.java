package dev.slipway.engine.plan;

import dev.slipway.engine.capacity.CostReport;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.spec.EnvironmentSpec;
import java.util.List;

/** Everything planned for one environment: cluster-wide objects, each application, and cost when asked for. */
public record EnvironmentPlan(
    EnvironmentSpec environment, List<RenderedObject> clusterObjects, List<Diagnostic> clusterValidation,
    List<ApplicationPlan> applications, CostReport cost) {

  public String name() {
    return environment.name();
  }

  public boolean enforced() {
    return environment.policy().enforcement() == EnvironmentSpec.Enforcement.ENFORCE;
  }

  public int objectCount() {
    return clusterObjects.size() + applications.stream().mapToInt(a -> a.bundle().objects().size()).sum();
  }

  public EnvironmentSummary summary() {
    return new EnvironmentSummary(environment, clusterObjects, clusterValidation,
        applications.stream().map(ApplicationSummary::of).toList(), cost);
  }
}
