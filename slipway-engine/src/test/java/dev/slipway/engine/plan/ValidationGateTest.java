package dev.slipway.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An invalid rendered object blocks where the environment enforces, is a warning elsewhere, and a written waiver accepts it. */
class ValidationGateTest {
  static Plan withInvalidDeployment(String env) {
    Plan plan = new Planner().plan(Workspace.load(Path.of("..", "examples", "acme")), new Planner.Scope(Set.of(env), Set.of("hello-world")));
    EnvironmentPlan e = plan.environments().get(0);
    ApplicationPlan a = e.applications().get(0);
    var deployment = a.bundle().objects().stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow();
    List<Diagnostic> invalid = new ArrayList<>(a.validation());
    invalid.add(new Diagnostic(Diagnostic.Severity.ERROR, "validate.schema", OutputLayout.appFile(env, a.name(), deployment), 1, 1,
        "spec.replicas", "expected an integer"));
    ApplicationPlan broken = new ApplicationPlan(a.resolved(), a.bundle(), invalid, a.policy());
    return new Plan(plan.specDiagnostics(), List.of(new EnvironmentPlan(e.environment(), e.clusterObjects(), e.clusterValidation(),
        List.of(broken), e.cost())));
  }

  @Test
  void anInvalidObjectBlocksAnEnforcingEnvironment() {
    Plan prod = withInvalidDeployment("prod");
    assertThat(prod.hasValidationErrors()).isTrue();
    assertThat(prod.blocked()).isTrue();
  }

  @Test
  void anInvalidObjectIsAWarningWhereTheEnvironmentWarns() {
    Plan dev = withInvalidDeployment("dev");
    assertThat(dev.hasValidationErrors()).isFalse();
    assertThat(dev.allDiagnostics()).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("validate.schema");
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
    });
  }
}
