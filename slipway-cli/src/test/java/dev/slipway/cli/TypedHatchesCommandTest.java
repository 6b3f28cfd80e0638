package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed-hatches test platform: a platform type whose instance takes escape hatches plans
 * clean, explains them, and a hatch the type's objects cannot take fails the plan at its line.
 */
class TypedHatchesCommandTest {
  @TempDir
  Path tmp;

  private Path example() {
    return CliRun.resource("/typed-hatches", tmp);
  }

  @Test
  void theHatchesLandInTheTypesObjectsAndThePlanIsClean() throws Exception {
    Path dir = example();
    CliRun r = CliRun.run("plan", dir.toString(), "--layout", "files");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.OK);
    assertThat(r.out()).contains("0 errors, 0 warnings");
    SortedMap<String, String> prod = CliRun.tree(dir.resolve("out/prod/shop"));
    assertThat(prod.get("deployment-web.yaml")).contains("name: proxy", "restartPolicy: Always", "key: dedicated", "team: shop",
        "example.com/tier: gold", "seconds: 20");
    assertThat(prod.get("cronjob-web-cleanup.yaml")).contains("name: proxy", "team: shop");
    assertThat(prod.get("service-web.yaml")).contains("sessionAffinity: ClientIP");
    assertThat(prod.get("networkpolicy-allow-monitoring.yaml")).contains("slipway.dev/component: web", "slipway.dev/sync-wave: \"1\"");
    // The environment override is prod's alone.
    assertThat(CliRun.tree(dir.resolve("out/dev/shop")).get("deployment-web.yaml")).contains("name: proxy")
        .doesNotContain("example.com/tier");
  }

  @Test
  void explainShowsEachHatchWithItsLayer() throws Exception {
    CliRun r = CliRun.run("plan", example().toString(), "--explain", "--env", "prod", "--set", "shop.web.podLabels.tier=gold");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.OK);
    assertThat(r.out()).containsPattern("sidecars\\[0\\]\\.name +proxy +app \\(apps/shop/app.yaml:11:15\\)")
        .containsPattern("podAnnotations\\.example\\.com/tier +gold +environment override \\(apps/shop/app.yaml:33:46\\)")
        .containsPattern("podLabels\\.tier +gold +what-if --set")
        .containsPattern("port +8080 +type default \\(service\\)");
  }

  @Test
  void aSidecarThatWouldKeepTheTypesCronJobRunningFailsThePlanAndWritesNothing() throws Exception {
    Path dir = example();
    Path app = dir.resolve("apps/shop/app.yaml");
    Files.writeString(app, Files.readString(app).replace("        native: true\n", ""));
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("apps/shop/app.yaml:10:7: error [spec.invalid-value] spec.components.web.sidecars[0].native: sidecar"
        + " 'proxy' would keep the pods of CronJob/web-cleanup from ever completing", "nothing was written");
    assertThat(Files.exists(dir.resolve("out"))).isFalse();
  }

  @Test
  void aSchemaFieldNamedLikeAHatchIsAnErrorInTheTypeFile() throws Exception {
    Path dir = example();
    Path type = dir.resolve("componentTypes/service.yaml");
    Files.writeString(type, Files.readString(type).replace("      cpu: string", "      affinity: object\n      cpu: string"));
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("componentTypes/service.yaml:13:7: error [spec.invalid-name] spec.schema.spec.affinity: field 'affinity'"
        + " is Slipway's own: every component takes it as an escape hatch");
  }
}
