package dev.slipway.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.OutputLayout.Layout;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.load.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The two layouts of the output tree hold the same objects in the same order, each with a meaningful kustomization. */
class OutputLayoutTest {
  static final Plan PLAN = new Planner().plan(Workspace.load(Path.of("..", "examples", "acme")), Planner.Scope.ALL);

  @Test
  void hydratedLayoutHasOneManifestAndReadmePerDirectoryListedByTheEnvironmentsKustomization() {
    SortedMap<String, String> files = OutputLayout.files(PLAN, Layout.HYDRATED);
    for (EnvironmentPlan e : PLAN.environments()) {
      List<String> dirs = new ArrayList<>(List.of("_cluster"));
      e.applications().forEach(a -> dirs.add(a.name()));
      for (String d : dirs) {
        assertThat(files.subMap(e.name() + "/" + d + "/", e.name() + "/" + d + "0").keySet()).containsExactly(
            e.name() + "/" + d + "/README.md", e.name() + "/" + d + "/manifest.yaml");
      }
      assertThat(resources(files.get(e.name() + "/kustomization.yaml")))
          .containsExactlyElementsOf(dirs.stream().map(d -> d + "/manifest.yaml").toList());
    }
    assertThat(files).as("3 environments x 4 directories x 2 files, and 3 environment kustomizations").hasSize(3 * 4 * 2 + 3);
  }

  @Test
  void aManifestHoldsTheApplicationsObjectsInSyncOrderAndItsReadmeListsThem() {
    SortedMap<String, String> files = OutputLayout.files(PLAN, Layout.HYDRATED);
    SortedMap<String, String> perObject = OutputLayout.files(PLAN, Layout.FILES);
    for (EnvironmentPlan e : PLAN.environments()) {
      for (ApplicationPlan a : e.applications()) {
        String dir = e.name() + "/" + a.name() + "/";
        List<Object> docs = new ArrayList<>();
        new Yaml(new LoaderOptions()).loadAll(files.get(dir + "manifest.yaml")).forEach(docs::add);
        List<Object> expected = new ArrayList<>();
        for (RenderedObject o : a.bundle().objects()) {
          expected.add(new Yaml(new LoaderOptions()).load(perObject.get(dir + o.fileName())));
        }
        assertThat(docs).isEqualTo(expected).hasSize(a.bundle().objects().size());
        String readme = files.get(dir + "README.md");
        for (RenderedObject o : a.bundle().objects()) {
          String ref = (o.namespace() == null ? "" : o.namespace() + "/") + o.name();
          assertThat(readme).contains("| " + o.kind() + " | " + ref + " | " + o.wave() + " | ");
        }
      }
    }
  }

  @Test
  void fileLayoutKustomizationsListEveryObjectFileInSyncOrder() {
    SortedMap<String, String> files = OutputLayout.files(PLAN, Layout.FILES);
    ApplicationPlan a = PLAN.environments().get(2).applications().get(2);
    assertThat(resources(files.get("prod/proyecto06/kustomization.yaml")))
        .containsExactlyElementsOf(a.bundle().objects().stream().map(RenderedObject::fileName).toList());
  }

  @SuppressWarnings("unchecked")
  private static List<String> resources(String kustomization) {
    Map<String, Object> k = new Yaml(new LoaderOptions()).load(kustomization);
    assertThat(k).containsEntry("kind", "Kustomization");
    return (List<String>) k.get("resources");
  }
}
