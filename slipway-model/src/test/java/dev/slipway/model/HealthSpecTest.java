package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.HealthSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spec.health}: a script directory and inline scripts per kind, checked with file and line. */
class HealthSpecTest {
  @TempDir
  Path dir;

  private static String platform(String health) {
    return SpecFixture.PLATFORM + "  health:\n" + health.indent(4);
  }

  @Test
  void readsTheScriptDirectoryAndInlineScriptsInArgoCdKeyForms() {
    SpecFixture.write(dir, platform("""
        scripts: health
        inline:
          keda.sh_ScaledObject: |
            return {status = "Healthy"}
          cert-manager.io/Certificate: return {status = "Healthy"}
          ConfigMap: return {status = "Healthy"}
          "*.crossplane.io_*": return {status = "Healthy"}
        """));
    Workspace ws = Workspace.load(dir);
    assertThat(ws.diagnostics().list()).isEmpty();
    HealthSpec h = ws.platform().health();
    assertThat(h.scripts()).isEqualTo("health");
    assertThat(h.scriptsAt().line()).isEqualTo(20);
    assertThat(h.inline()).extracting(s -> s.group() + "|" + s.kind()).containsExactly(
        "keda.sh|ScaledObject", "cert-manager.io|Certificate", "|ConfigMap", "*.crossplane.io|*");
    assertThat(h.inline().get(0).source()).isEqualTo("return {status = \"Healthy\"}\n");
  }

  @Test
  void aPlatformWithoutHealthHasNone() {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    assertThat(Workspace.load(dir).platform().health()).isEqualTo(HealthSpec.NONE);
  }

  @Test
  void refusesADirectoryOutsideThePlatformAKeyThatNamesNoKindAndEmptyOrDuplicateScripts() {
    SpecFixture.write(dir, platform("""
        scripts: ../elsewhere
        inline:
          keda.sh_: return {}
          keda.sh/ScaledObject: return {}
          keda.sh_ScaledObject: return {}
          batch/CronJob: ""
          Widget: [not, a, script]
        sripts: typo
        """));
    List<Diagnostic> d = Workspace.load(dir).diagnostics().list();
    assertThat(d).allSatisfy(x -> assertThat(x.file()).isEqualTo("slipway.yaml"));
    assertThat(d).anySatisfy(x -> {
      assertThat(x.line()).isEqualTo(20);
      assertThat(x.message()).contains("'../elsewhere'", "leaves the platform directory");
    });
    assertThat(d).anySatisfy(x -> {
      assertThat(x.line()).isEqualTo(22);
      assertThat(x.message()).contains("'keda.sh_' does not name a kind");
    });
    assertThat(d).anySatisfy(x -> {
      assertThat(x.line()).isEqualTo(24);
      assertThat(x.message()).contains("names the same kind as 'keda.sh/ScaledObject'");
    });
    assertThat(d).anySatisfy(x -> {
      assertThat(x.line()).isEqualTo(25);
      assertThat(x.message()).contains("is empty");
    });
    assertThat(d).anySatisfy(x -> {
      assertThat(x.line()).isEqualTo(26);
      assertThat(x.message()).contains("the Lua text of a health script");
    });
    assertThat(d).anySatisfy(x -> {
      assertThat(x.line()).isEqualTo(27);
      assertThat(x.message()).contains("unknown field 'sripts'", "did you mean 'scripts'");
    });
  }
}
