package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The escape-hatches example plans clean, writes its extra manifest, and a patch that cannot apply fails the plan with nothing written. */
class EscapeHatchesCommandTest {
  @TempDir
  Path tmp;

  private Path example() {
    return CliRun.resource("/escape-hatches", tmp);
  }

  @Test
  void theExamplePlansCleanAndWritesTheExtraManifestInItsOwnWave() throws Exception {
    Path dir = example();
    CliRun r = CliRun.run("plan", dir.toString(), "--layout", "files");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.OK);
    assertThat(r.out()).contains("0 errors, 0 warnings").doesNotContain("is not read");
    SortedMap<String, String> out = CliRun.tree(dir.resolve("out/prod/storefront"));
    String policy = out.get("networkpolicy-allow-monitoring.yaml");
    assertThat(policy).contains("namespace: storefront", "slipway.dev/component: web", "slipway.dev/sync-wave: \"1\"");
    assertThat(out.get("deployment-web.yaml")).contains("name: shipper", "key: dedicated", "team: storefront", "slipway.dev/sync-wave: \"0\"");
    assertThat(out.get("service-web.yaml")).contains("sessionAffinity: ClientIP");
  }

  @Test
  void aPatchWithoutATargetFailsThePlanAtItsLineAndWritesNothing() throws Exception {
    Path dir = example();
    Path app = dir.resolve("apps/storefront/app.yaml");
    Files.writeString(app, Files.readString(app).replace("{kind: Service, name: web}", "{kind: Service, name: webb}"));
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("apps/storefront/app.yaml:27:9: error [spec.patch-target] spec.components.web.patches[0].target:"
        + " no object of component 'web' is a Service named 'webb'", "nothing was written");
    assertThat(Files.exists(dir.resolve("out"))).isFalse();
  }
}
