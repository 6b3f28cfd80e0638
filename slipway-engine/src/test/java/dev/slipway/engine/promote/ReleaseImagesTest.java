package dev.slipway.engine.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ReleaseSpec;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.SpecNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A promoted environment renders its release's images; the others keep app.yaml's. */
class ReleaseImagesTest {
  static final String PINNED = "docker.io/nginxinc/nginx-unprivileged:1.27-alpine@sha256:" + "c".repeat(64);

  private static ApplicationPlan plan(Workspace ws, String env) {
    return new Planner().plan(ws, new Planner.Scope(Set.of(env), Set.of("hello-world"))).environments().get(0).applications().get(0);
  }

  private static String deploymentImage(ApplicationPlan p) {
    RenderedObject d = p.bundle().objects().stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow();
    return d.body().path("spec").path("template").path("spec").path("containers").get(0).path("image").asText();
  }

  @Test
  void thePromotedEnvironmentRendersTheReleasesImageAndExplainsWhereItCameFrom() {
    Workspace acme = PromotionGatesTest.ACME;
    ReleaseSpec release = Candidates.take("hello-world", "dev", Map.of("web", "docker.io/nginxinc/nginx-unprivileged:1.27-alpine"),
        Map.of("web", "sha256:" + "c".repeat(64)), "c0ffee", "h", "t", "me").promotedTo("staging", "t", "me", null);
    Workspace ws = new Workspace(acme.root(), acme.platform(), acme.applications(), acme.diagnostics(),
        new TreeMap<>(Map.of("staging", new TreeMap<>(Map.of("hello-world", release)))));
    ApplicationPlan staging = plan(ws, "staging");
    assertThat(deploymentImage(staging)).isEqualTo(PINNED);
    SpecNode image = ((SpecNode.MapNode) staging.resolved().trees().get("web")).get("image");
    assertThat(image.origin().layer()).isEqualTo(Origin.Layer.RELEASE);
    assertThat(image.origin().describe()).isEqualTo("release (" + release.id() + " in releases/staging/hello-world.yaml)");
    assertThat(deploymentImage(plan(ws, "dev"))).isEqualTo("docker.io/nginxinc/nginx-unprivileged:1.27-alpine");
    assertThat(deploymentImage(plan(ws, "prod"))).isEqualTo("docker.io/nginxinc/nginx-unprivileged:1.27-alpine");
  }
}
