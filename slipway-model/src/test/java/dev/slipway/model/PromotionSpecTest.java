package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.load.ReleaseFiles;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApprovalsSpec;
import dev.slipway.model.spec.EnvironmentSpec.PromotionSpec;
import dev.slipway.model.spec.ReleaseSpec;
import dev.slipway.model.spec.ReleaseSpec.ReleaseImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code promotion:} in slipway.yaml, and the release and approvals files under releases/. */
class PromotionSpecTest {
  @TempDir
  Path dir;

  private static String platform(String prodPromotion) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: Platform
        metadata: {name: test}
        spec:
          environments:
          - name: dev
          - name: prod
            promotion: %s
        """.formatted(prodPromotion);
  }

  private static final String APP = "apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata: {name: shop}\nspec:\n"
      + "  components:\n    web: {type: web, image: 'repo/web:1'}\n";

  private Workspace load(String promotion) {
    try {
      Files.writeString(dir.resolve("slipway.yaml"), platform(promotion));
      Files.createDirectories(dir.resolve("apps/shop"));
      Files.writeString(dir.resolve("apps/shop/app.yaml"), APP);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Workspace.load(dir);
  }

  private static List<String> errors(Workspace ws) {
    return ws.diagnostics().list().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList();
  }

  @Test
  void bindsApprovalsFourEyesAutoAndWhereFromIsWritten() {
    Workspace ws = load("{from: dev, requires: [approval], approvals: 2, fourEyes: true, auto: true, soak: 1h30m}");
    assertThat(errors(ws)).isEmpty();
    PromotionSpec p = ws.platform().environments().get(1).promotion();
    assertThat(p).extracting(PromotionSpec::approvals, PromotionSpec::fourEyes, PromotionSpec::auto, PromotionSpec::soak)
        .containsExactly(2, true, true, "1h30m");
    assertThat(p.position().line()).isEqualTo(8);
    assertThat(load("{from: dev, requires: [approval]}").platform().environments().get(1).promotion().approvals()).isEqualTo(1);
  }

  @Test
  void approvalSettingsWithoutTheApprovalGateAreErrors() {
    assertThat(errors(load("{from: dev, approvals: 2, fourEyes: true}")))
        .anyMatch(e -> e.startsWith("slipway.yaml:8:") && e.contains("approvals needs the approval gate"))
        .anyMatch(e -> e.contains("fourEyes needs the approval gate"));
  }

  @Test
  void unknownGatesAndBadCountsAreErrorsWithSuggestions() {
    assertThat(errors(load("{from: dev, requires: [aproval]}"))).singleElement().asString()
        .startsWith("slipway.yaml:8:").contains("'aproval' is not a promotion gate").contains("did you mean 'approval'?");
    assertThat(errors(load("{from: dev, requires: [approval], approvals: 0}"))).singleElement().asString().contains("out of range");
    assertThat(errors(load("{from: dve}"))).singleElement().asString().startsWith("slipway.yaml:8:").contains("did you mean 'dev'?");
  }

  @Test
  void aReleaseFileReplacesTheImagesOfItsEnvironmentAndRoundTrips() throws Exception {
    load("{from: dev}");
    ReleaseSpec r = new ReleaseSpec("r-0123456789ab", "shop", "prod", "dev", "c0ffee", "abcd", "2026-11-30T00:00:00Z", "a@x",
        "2026-11-30T01:00:00Z", "b@x", "ship \"it\"", new TreeMap<>(java.util.Map.of("web", ReleaseImage.of("repo/web:1", "sha256:" + "1".repeat(64)))),
        null);
    Files.createDirectories(dir.resolve("releases/prod"));
    Files.writeString(dir.resolve(ReleaseFiles.releasePath("prod", "shop")), ReleaseFiles.emit(r));
    Workspace ws = Workspace.load(dir);
    assertThat(errors(ws)).isEmpty();
    ReleaseSpec read = ws.release("prod", "shop");
    assertThat(read.images().get("web").image()).isEqualTo("repo/web:1@sha256:" + "1".repeat(64));
    assertThat(read.reason()).isEqualTo("ship \"it\"");
    assertThat(ReleaseFiles.emit(read)).isEqualTo(ReleaseFiles.emit(r));
    assertThat(ws.release("dev", "shop")).isNull();
  }

  @Test
  void aBrokenOrMisplacedReleaseFileIsAnErrorWithFileAndLine() throws Exception {
    load("{from: dev}");
    Files.createDirectories(dir.resolve("releases/prod"));
    Files.writeString(dir.resolve("releases/prod/shop.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Release
        metadata: {name: r-1}
        spec:
          application: shop
          environment: prod
          from: dev
          images:
            web: {image: 'not a reference'}
            api: {image: 'repo/api:1'}
        """);
    Files.createDirectories(dir.resolve("releases/qa"));
    Files.writeString(dir.resolve("releases/README.md"), "what this folder is");
    Workspace ws = Workspace.load(dir);
    assertThat(errors(ws))
        .anyMatch(e -> e.startsWith("releases/prod/shop.yaml:9:") && e.contains("not a valid image reference"))
        .anyMatch(e -> e.startsWith("releases/qa") && e.contains("is not an environment of the platform"));
    assertThat(ws.diagnostics().list()).as("a component removed since the promotion is a warning, not a broken platform")
        .anyMatch(w -> !w.isError() && w.message().contains("application 'shop' has no component 'api'"))
        .anyMatch(w -> !w.isError() && w.message().startsWith("releases/README.md is not read"));
  }

  @Test
  void approvalsFilesRoundTrip() {
    load("{from: dev, requires: [approval]}");
    ApprovalsSpec a = new ApprovalsSpec("shop", "prod", "r-1", List.of(new ApprovalsSpec.Approval("a@x", "2026-11-30T00:00:00Z", "ok"),
        new ApprovalsSpec.Approval("b@x", "2026-11-30T00:01:00Z", null)));
    try {
      Files.createDirectories(dir.resolve("releases/prod"));
      Files.writeString(dir.resolve(ReleaseFiles.approvalsPath("prod", "shop")), ReleaseFiles.emit(a));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Diagnostics d = new Diagnostics();
    assertThat(ReleaseFiles.readApprovals(dir, "prod", "shop", d)).isEqualTo(a);
    assertThat(d.list()).isEmpty();
    assertThat(errors(Workspace.load(dir))).as("an approvals file is not a release").isEmpty();
  }
}
