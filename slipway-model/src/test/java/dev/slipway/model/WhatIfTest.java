package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.load.WhatIf;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --set} what-ifs: a setting that cannot change anything says so and names the field that would. */
class WhatIfTest {
  @TempDir
  Path dir;

  private static final String COMPONENTS = """
      web:
        type: web
        image: a:1
        port: 8080
        autoscaling: {min: 2, max: 10}
      worker:
        type: worker
        image: b:1
      report:
        type: job
        image: c:1
        schedule: "0 3 * * *"
      """;

  private record Result(ResolvedApplication app, List<Diagnostic> diagnostics) {}

  private Result resolve(String env, String... sets) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app(COMPONENTS));
    Workspace ws = Workspace.load(dir);
    Diagnostics d = new Diagnostics();
    WhatIf whatIf = WhatIf.parse(List.of(sets), d);
    EnvironmentSpec e = ws.platform().environments().stream().filter(x -> x.name().equals(env)).findFirst().orElseThrow();
    ResolvedApplication r = ComponentResolver.resolve(ws.applications().get(0), e, whatIf, d);
    return new Result(r, d.list());
  }

  @Test
  void replicasOfAnAutoscaledComponentHasNoEffectAndPointsAtMinAndMax() {
    List<Diagnostic> ds = resolve("prod", "shop.web.replicas=5").diagnostics();
    assertThat(ds).singleElement().satisfies(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
      assertThat(d.code()).isEqualTo("whatif.no-effect");
      assertThat(d.file()).isEqualTo("--set");
      assertThat(d.message()).contains("--set shop.web.replicas=5 has no effect", "shop.web.autoscaling.min",
          "shop.web.autoscaling.max");
    });
  }

  @Test
  void replicasOfAComponentWithoutAutoscalingTakesEffectQuietly() {
    Result r = resolve("prod", "shop.worker.replicas=5");
    assertThat(r.diagnostics()).isEmpty();
    assertThat(r.app().components()).filteredOn(c -> c.name().equals("worker")).singleElement()
        .satisfies(c -> assertThat(c.replicas()).isEqualTo(5));
  }

  @Test
  void aValueEqualToTheResolvedOneSaysItIsAlreadySet() {
    List<Diagnostic> ds = resolve("prod", "shop.worker.replicas=3").diagnostics();
    assertThat(ds).singleElement().satisfies(d -> assertThat(d.message())
        .contains("has no effect: replicas is already 3", "platform (slipway.yaml:"));
  }

  @Test
  void aFieldThatDoesNotApplyToTheTypeNamesTheSettingAndTheTypesItAppliesTo() {
    List<Diagnostic> ds = resolve("prod", "shop.report.replicas=2").diagnostics();
    assertThat(ds).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.code()).isEqualTo("spec.not-applicable");
      assertThat(d.file()).isEqualTo("--set");
      assertThat(d.message()).startsWith("--set shop.report.replicas=2: 'replicas' does not apply to a job component")
          .contains("only to web, api, worker, postgres", "schedule decides");
    });
  }

  @Test
  void theResolvedValueRemembersWhatItOverrides() {
    Result r = resolve("prod", "shop.worker.replicas=7");
    MapNode tree = (MapNode) r.app().trees().get("worker");
    assertThat(tree.get("replicas").origin().describe())
        .startsWith("what-if --set (--set shop.worker.replicas=7; overrides 3 from platform (slipway.yaml:");
  }
}
