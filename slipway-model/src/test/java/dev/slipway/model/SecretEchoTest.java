package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Diagnostics must not carry secrets into terminals, CI logs and JSON reports. */
class SecretEchoTest {
  @TempDir
  Path dir;

  private static final String SECRET = "hunter2";

  @Test
  void doesNotEchoADotenvFileSavedAsAppYaml() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, "DB_PASSWORD=" + SECRET + "\nAPI_TOKEN=" + SECRET + "-token\n");
    List<Diagnostic> ds = SpecFixture.diagnostics(dir);
    assertThat(ds).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.wrong-type");
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isEqualTo(1);
      assertThat(d.message()).contains("expected a map, got string (value not shown)");
    });
    assertThat(ds).allSatisfy(d -> assertThat(d.message()).doesNotContain(SECRET).doesNotContain("DB_PASSWORD"));
  }

  @Test
  void doesNotEchoAShortRootScalar() {
    SpecFixture.write(dir, SECRET + "\n");
    assertThat(SpecFixture.diagnostics(dir)).isNotEmpty()
        .allSatisfy(d -> assertThat(d.message()).doesNotContain(SECRET));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "  env: " + SECRET + "\n",
      "  secrets: " + SECRET + "\n",
      "  config: " + SECRET + "\n",
      "  config: {files: " + SECRET + "}\n",
      "  replicas: DB_PASSWORD=" + SECRET + "\n",
      "  replicas: 'export TOKEN=" + SECRET + "'\n",
      "  resources: {cpu: 'PASSWORD=" + SECRET + "'}\n",
      "  schedule: 'KEY=" + SECRET + "'\n",
      "  replicas: '" + SECRET + "-but-a-very-long-value-that-might-be-a-key-or-a-token'\n"})
  void doesNotEchoSecretLookingValues(String field) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app("web:\n  type: web\n  image: a:1\n" + field));
    List<Diagnostic> ds = SpecFixture.diagnostics(dir);
    assertThat(ds).filteredOn(Diagnostic::isError).isNotEmpty();
    assertThat(ds).allSatisfy(d -> assertThat(d.message()).doesNotContain(SECRET));
  }

  @Test
  void stillEchoesShortOrdinaryValues() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app("web:\n  type: web\n  image: a:1\n  replicas: three\n"));
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d ->
        assertThat(d.message()).isEqualTo("expected an integer, got string 'three'"));
  }
}
