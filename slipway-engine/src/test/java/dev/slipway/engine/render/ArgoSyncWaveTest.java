package dev.slipway.engine.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.load.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Argo CD, following the rendered sync-wave annotations with its own rules, applies objects in Slipway's order. */
class ArgoSyncWaveTest {
  static Plan plan(String name) {
    Path dir = name.equals("acme") ? Path.of("..", "examples", "acme") : Path.of("src", "test", "resources", "golden", "types");
    Plan plan = new Planner().plan(Workspace.load(dir), Planner.Scope.ALL);
    assertThat(plan.specDiagnostics()).isEmpty();
    return plan;
  }

  /** gitops-engine's {@code syncTasks.Less} for objects of the sync phase: wave, kind order, name. */
  static final Comparator<RenderedObject> ARGO_CD_ORDER = Comparator
      .<RenderedObject>comparingInt(o -> Integer.parseInt(
          o.body().path("metadata").path("annotations").path(ArgoSyncWave.ANNOTATION).asText("0")))
      .thenComparingInt(o -> ArgoSyncWave.argoRank(o.kind()))
      .thenComparing(RenderedObject::name);

  @ParameterizedTest
  @ValueSource(strings = {"acme", "types"})
  void argoCdAppliesTheEnvironmentWideObjectsThenEachApplicationInSlipwaysOrder(String platform) {
    for (EnvironmentPlan e : plan(platform).environments()) {
      for (ApplicationPlan a : e.applications()) {
        // What Slipway's sync does: the environment-wide bundle first, then the application.
        List<RenderedObject> slipway = new ArrayList<>(e.clusterObjects());
        slipway.addAll(a.bundle().objects());
        List<RenderedObject> argo = new ArrayList<>(slipway);
        argo.sort(ARGO_CD_ORDER);
        assertThat(argo.stream().map(RenderedObject::ref).toList()).as(e.name() + "/" + a.name())
            .containsExactlyElementsOf(slipway.stream().map(RenderedObject::ref).toList());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme", "types"})
  void environmentWideObjectsAreInNegativeWavesBeforeEveryApplicationWave(String platform) {
    assertThat(plan(platform).environments()).anySatisfy(e -> assertThat(e.clusterObjects()).isNotEmpty());
    for (EnvironmentPlan e : plan(platform).environments()) {
      assertThat(e.clusterObjects()).allSatisfy(o -> assertThat(argoWave(o)).isNegative());
      e.applications().forEach(a -> assertThat(a.bundle().objects()).allSatisfy(o -> assertThat(argoWave(o)).isNotNegative()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme", "types"})
  void theAnnotationIsOnTopLevelMetadataOnlyNeverOnPodTemplates(String platform) {
    for (EnvironmentPlan e : plan(platform).environments()) {
      List<RenderedObject> all = new ArrayList<>(e.clusterObjects());
      e.applications().forEach(a -> all.addAll(a.bundle().objects()));
      for (RenderedObject o : all) {
        assertThat(o.body().path("metadata").path("annotations").has(ArgoSyncWave.ANNOTATION)).as(o.ref()).isTrue();
        List<String> paths = new ArrayList<>();
        find(o.body(), "", paths);
        assertThat(paths).as(o.ref()).containsExactly("/metadata/annotations");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme", "types"})
  void laterSlipwayWavesStayInLaterArgoCdWaves(String platform) {
    for (EnvironmentPlan e : plan(platform).environments()) {
      for (ApplicationPlan a : e.applications()) {
        for (RenderedObject x : a.bundle().objects()) {
          for (RenderedObject y : a.bundle().objects()) {
            if (x.wave() < y.wave()) {
              assertThat(argoWave(x)).as(x.ref() + " before " + y.ref()).isLessThan(argoWave(y));
            }
          }
        }
      }
    }
  }

  @org.junit.jupiter.api.Test
  void kindsArgoCdWouldReorderGetTheirOwnSlots() {
    // Argo CD puts Deployment before StatefulSet and unknown kinds (ExternalSecret) last: Slipway does not.
    assertThat(ArgoSyncWave.of(0, "StatefulSet")).isLessThan(ArgoSyncWave.of(0, "Deployment"));
    assertThat(ArgoSyncWave.of(0, "ExternalSecret")).isLessThan(ArgoSyncWave.of(0, "ConfigMap"));
    assertThat(ArgoSyncWave.of(0, "SecretStore")).isLessThan(ArgoSyncWave.of(0, "ExternalSecret"));
    assertThat(ArgoSyncWave.of(0, "ScaledObject")).isLessThan(ArgoSyncWave.of(0, "Ingress"));
    // Kinds both order alike share a wave, so Argo CD waits no more than it must.
    assertThat(ArgoSyncWave.of(0, "Namespace")).isEqualTo(ArgoSyncWave.of(0, "ServiceAccount"));
    assertThat(ArgoSyncWave.of(0, "Deployment")).isEqualTo(ArgoSyncWave.of(0, "HorizontalPodAutoscaler"));
    assertThat(ArgoSyncWave.of(1, "Namespace")).isGreaterThan(ArgoSyncWave.of(0, "CronJob"));
    assertThat(ArgoSyncWave.ofEnvironmentWide("NodePool")).isLessThan(ArgoSyncWave.of(0, "Namespace"));
  }

  private static int argoWave(RenderedObject o) {
    return Integer.parseInt(o.body().path("metadata").path("annotations").path(ArgoSyncWave.ANNOTATION).asText());
  }

  /** JSON pointers of every object holding the annotation. */
  private static void find(JsonNode n, String path, List<String> out) {
    if (n.isObject()) {
      if (n.has(ArgoSyncWave.ANNOTATION)) {
        out.add(path);
      }
      n.fields().forEachRemaining(f -> find(f.getValue(), path + "/" + f.getKey(), out));
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        find(n.get(i), path + "/" + i, out);
      }
    }
  }
}
