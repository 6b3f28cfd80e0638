package dev.slipway.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.OutputLayout.Layout;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.EnvironmentSpec;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A streamed plan hands each application on once, in order, keeps only summaries, and matches the full plan. */
class PlannerStreamingTest {
  static final Path EXAMPLE = Path.of("..", "examples", "acme");

  /** Records what reaches the sink. */
  static final class Recording implements PlanSink<String> {
    final List<String> handed = new ArrayList<>();
    final List<String> environments = new ArrayList<>();
    final List<WeakReference<ApplicationBundle>> bundles = new ArrayList<>();
    final AtomicInteger preparedNotHanded = new AtomicInteger();
    int maxPreparedNotHanded;

    @Override
    public String prepare(EnvironmentSpec env, ApplicationPlan app) {
      preparedNotHanded.incrementAndGet();
      return env.name() + "/" + app.name();
    }

    @Override
    public void application(EnvironmentSpec env, ApplicationPlan app, String prepared) {
      maxPreparedNotHanded = Math.max(maxPreparedNotHanded, preparedNotHanded.getAndDecrement());
      assertThat(prepared).isEqualTo(env.name() + "/" + app.name());
      handed.add(prepared);
      bundles.add(new WeakReference<>(app.bundle()));
    }

    @Override
    public void environment(EnvironmentSummary env) {
      environments.add(env.name() + ":" + env.applications().size());
    }
  }

  @Test
  void handsEachApplicationOnceInNameOrderEnvironmentByEnvironment() {
    Recording sink = new Recording();
    PlanSummary s = new Planner(true).plan(Workspace.load(EXAMPLE), Planner.Scope.ALL, sink);
    assertThat(s.hasSpecErrors()).isFalse();
    assertThat(sink.handed).containsExactly("dev/flask-otel-app", "dev/hello-world", "dev/proyecto06",
        "staging/flask-otel-app", "staging/hello-world", "staging/proyecto06",
        "prod/flask-otel-app", "prod/hello-world", "prod/proyecto06");
    assertThat(sink.environments).containsExactly("dev:3", "staging:3", "prod:3");
  }

  @Test
  void theStreamedSummaryIsTheFullPlansSummary() {
    Workspace ws = Workspace.load(EXAMPLE);
    Plan full = new Planner(true).plan(ws, Planner.Scope.ALL);
    PlanSummary streamed = new Planner(true).plan(ws, Planner.Scope.ALL, PlanSink.none());
    PlanSummary expected = full.summary();
    assertThat(streamed.objectCount()).isEqualTo(expected.objectCount()).isEqualTo(160);
    assertThat(streamed.allDiagnostics()).isEqualTo(expected.allDiagnostics());
    for (int i = 0; i < expected.environments().size(); i++) {
      EnvironmentSummary a = streamed.environments().get(i);
      EnvironmentSummary b = expected.environments().get(i);
      assertThat(a.applications()).isEqualTo(b.applications());
      assertThat(a.cost().atMin().total()).isEqualTo(b.cost().atMin().total()).isPositive();
      assertThat(a.cost().atMax().perApplication()).isEqualTo(b.cost().atMax().perApplication());
      assertThat(a.cost().atMin().lines()).isEqualTo(b.cost().atMin().lines());
    }
  }

  @Test
  void holdsNoMoreApplicationsThanItsWindow() {
    Recording sink = new Recording();
    new Planner(false, Layout.HYDRATED, 2).plan(Workspace.load(EXAMPLE), Planner.Scope.ALL, sink);
    assertThat(sink.handed).hasSize(9);
    assertThat(sink.maxPreparedNotHanded).isBetween(1, 2);
  }

  @Test
  void keepsNoRenderedObjectOnceAnApplicationIsHandedOn() throws Exception {
    Recording sink = new Recording();
    PlanSummary s = new Planner(true).plan(Workspace.load(EXAMPLE), Planner.Scope.ALL, sink);
    assertThat(s.objectCount()).isEqualTo(160);
    for (int i = 0; i < 20 && sink.bundles.stream().anyMatch(r -> r.get() != null); i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(sink.bundles).hasSize(9).allSatisfy(r -> assertThat(r.get()).isNull());
  }

  @Test
  void narrowedToOneApplicationStillCostsTheWholeEnvironment() {
    Recording sink = new Recording();
    PlanSummary s = new Planner(true).plan(Workspace.load(EXAMPLE), new Planner.Scope(Set.of("prod"), Set.of("proyecto06")), sink);
    PlanSummary all = new Planner(true).plan(Workspace.load(EXAMPLE), new Planner.Scope(Set.of("prod"), Set.of()), PlanSink.none());
    assertThat(sink.handed).containsExactly("prod/proyecto06");
    assertThat(s.environments().get(0).clusterObjects()).isEmpty();
    assertThat(s.environments().get(0).cost().atMin().total()).isEqualTo(all.environments().get(0).cost().atMin().total());
  }
}
