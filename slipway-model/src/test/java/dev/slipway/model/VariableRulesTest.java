package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Environment variable names as Kubernetes takes them, and values YAML reads as null. */
class VariableRulesTest {
  @TempDir
  Path dir;

  private List<Diagnostic> diagnostics(String components) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app(components));
    return SpecFixture.diagnostics(dir);
  }

  @Test
  void aSecretWhoseValueIsACommentIsAnErrorNamingTheKey() {
    List<Diagnostic> ds = diagnostics("web:\n  type: web\n  image: a:1\n  secrets:\n    STRIPE_API_KEY: #api_key\n");
    assertThat(ds).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.code()).isEqualTo("spec.null-value");
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isEqualTo(10);
      assertThat(d.path()).isEqualTo("spec.components.web.secrets.STRIPE_API_KEY");
      assertThat(d.message()).contains("'STRIPE_API_KEY' has no value", "'#'");
    });
  }

  @Test
  void emptyEnvValuesConfigFilesAndPortsAreErrorsToo() {
    List<Diagnostic> ds = diagnostics("web:\n  type: web\n  image: a:1\n  env: {LOG_LEVEL: }\n  config: {files: {app.conf: ~}}\n"
        + "  ports: {grpc: null}\n");
    assertThat(ds).filteredOn(d -> d.code().equals("spec.null-value")).extracting(Diagnostic::path).containsExactlyInAnyOrder(
        "spec.components.web.env.LOG_LEVEL", "spec.components.web.config.files.app.conf", "spec.components.web.ports.grpc");
  }

  @Test
  void aNullInAnOverrideThatRemovesAValueIsFine() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app("web:\n  type: web\n  image: a:1\n  env: {DEBUG: '1'}\n")
        + "  environments:\n    prod: {components: {web: {env: {DEBUG: null}}}}\n");
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
  }

  @Test
  void aNullInAnOverrideThatRemovesNothingIsAnError() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app("web:\n  type: web\n  image: a:1\n")
        + "  environments:\n    prod:\n      components:\n        web:\n          env:\n            TOKEN: #secret\n");
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.null-value");
      assertThat(d.line()).isEqualTo(14);
      assertThat(d.path()).isEqualTo("spec.components.web.env.TOKEN");
    });
  }

  @Test
  void acceptsNamesKubernetesAcceptsWithDotsAndDashes() {
    List<Diagnostic> ds = diagnostics("web:\n  type: web\n  image: a:1\n  env: {spring.profiles.active: prod, MY-VAR: x, _X: y}\n");
    assertThat(ds).isEmpty();
  }

  @Test
  void refusesEqualsSignsAndCharactersNoConfigMapKeyTakes() {
    List<Diagnostic> ds = diagnostics("web:\n  type: web\n  image: a:1\n  env: {'A=B': x, 'A B': y}\n  secrets: {'': a/b}\n");
    assertThat(ds).filteredOn(d -> d.code().equals("spec.invalid-name")).allSatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.line()).isPositive();
    }).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).contains("'A=B'", "must not contain '='"))
        .anySatisfy(m -> assertThat(m).contains("'A B'", "ConfigMap key"))
        .anySatisfy(m -> assertThat(m).contains("must not be empty"));
  }

  @Test
  void warnsOfANameStartingWithADigit() {
    List<Diagnostic> ds = diagnostics("web:\n  type: web\n  image: a:1\n  env: {1ST_RUN: 'yes'}\n");
    assertThat(ds).singleElement().satisfies(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
      assertThat(d.code()).isEqualTo("spec.env-name-compat");
      assertThat(d.line()).isEqualTo(9);
      assertThat(d.message()).contains("kubectl");
    });
  }
}
