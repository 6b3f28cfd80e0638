package dev.slipway.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Analysis templates in slipway.yaml are checked when planning: CEL that does not compile and unknown query variables, at file:line. */
class AnalysisTemplateSpecTest {
  @TempDir
  Path dir;

  static final String PLATFORM = """
      apiVersion: slipway.dev/v1alpha1
      kind: Platform
      metadata: {name: test}
      spec:
        region: us-east-1
        analysis:
          templates:
            success-rate:
              query: sum(rate(x{service="{{service}}"}[1m]))
              successCondition: %s
              interval: 30s
              count: 3
            latency:
              query: histogram_quantile(0.95, rate(y{svc="{{servce}}"}[1m]))
              successCondition: result[0] < 0.5
              interval: 30s
              count: 3
        environments:
        - name: dev
          domain: dev.example.com
      """;

  Plan plan(String condition) throws Exception {
    Files.writeString(dir.resolve("slipway.yaml"), PLATFORM.formatted(condition));
    Files.createDirectories(dir.resolve("apps"));
    return new Planner().plan(Workspace.load(dir), new Planner.Scope(Set.of(), Set.of()));
  }

  @Test
  void aConditionThatIsNotValidCelAndAnUnknownVariableAreSpecErrorsAtTheTemplate() throws Exception {
    Plan p = plan("result[0] >=");
    List<Diagnostic> errors = p.specDiagnostics().stream().filter(Diagnostic::isError).toList();
    assertThat(errors).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.invalid-analysis");
      assertThat(d.file()).isEqualTo("slipway.yaml");
      assertThat(d.line()).isEqualTo(8);
      assertThat(d.message()).contains("success-rate").contains("successCondition");
    });
    assertThat(errors).anySatisfy(d -> {
      assertThat(d.line()).isEqualTo(13);
      assertThat(d.message()).contains("latency").contains("servce");
    });
  }

  @Test
  void aValidConditionPlansClean() throws Exception {
    Plan p = plan("result[0] >= 0.99");
    assertThat(p.specDiagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::message))
        .noneMatch(m -> m.contains("success-rate"));
  }
}
