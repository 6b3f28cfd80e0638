package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** No application disappears silently: whatever under apps/ cannot be read as one is reported. */
class ApplicationFolderTest {
  @TempDir
  Path dir;

  private static final String APP = SpecFixture.app("web: {type: web, image: a:1}\n");

  static Stream<Arguments> unreadable() {
    return Stream.of(
        Arguments.of("only a document marker", "---\n", "apps/app0/app.yaml", "holds no application"),
        Arguments.of("only null", "~\n", "apps/app0/app.yaml", "holds no application"),
        Arguments.of("only comments", "# todo: write the app\n# later\n", "apps/app0/app.yaml", "holds no application"),
        Arguments.of("empty", "", "apps/app0/app.yaml", "holds no application"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void reportsAnAppYamlWithoutAnApplication(String name, String content, String file, String message) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, content);
    assertThat(SpecFixture.diagnostics(dir)).as(name).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.unreadable-application");
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.file()).isEqualTo(file);
      assertThat(d.message()).contains(message);
    });
  }

  @Test
  void reportsAnAppYmlThatShouldBeAppYaml() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    Files.createDirectories(dir.resolve("apps/shop"));
    Files.writeString(dir.resolve("apps/shop/app.yml"), APP);
    assertThat(error(dir)).satisfies(d -> {
      assertThat(d.file()).isEqualTo("apps/shop/app.yml");
      assertThat(d.message()).contains("rename it to app.yaml");
    });
  }

  @Test
  void reportsAnAppYamlThatIsAFolder() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    Files.createDirectories(dir.resolve("apps/shop/app.yaml"));
    assertThat(error(dir)).satisfies(d -> {
      assertThat(d.file()).isEqualTo("apps/shop/app.yaml");
      assertThat(d.message()).contains("is not a file");
    });
  }

  @Test
  void reportsAFolderWithoutAppYaml() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM, APP);
    Files.createDirectories(dir.resolve("apps/billing"));
    Files.writeString(dir.resolve("apps/billing/README.md"), "soon");
    assertThat(error(dir)).satisfies(d -> {
      assertThat(d.file()).isEqualTo("apps/billing");
      assertThat(d.message()).contains("apps/billing has no app.yaml");
    });
  }

  @Test
  void reportsAppsThatIsAFile() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    Files.writeString(dir.resolve("apps"), APP);
    assertThat(error(dir)).satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.apps-not-a-directory");
      assertThat(d.file()).isEqualTo("apps");
    });
  }

  @Test
  void reportsAnApplicationFileDirectlyUnderApps() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    Files.createDirectories(dir.resolve("apps"));
    Files.writeString(dir.resolve("apps/shop.yaml"), APP);
    assertThat(error(dir)).satisfies(d -> {
      assertThat(d.file()).isEqualTo("apps/shop.yaml");
      assertThat(d.message()).contains("move it to apps/shop/app.yaml");
    });
  }

  @Test
  void refusesAnApplicationWithoutComponents() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app("{}\n"));
    assertThat(error(dir)).satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.required");
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isEqualTo(6);
      assertThat(d.path()).isEqualTo("spec.components");
      assertThat(d.message()).contains("an application needs at least one component");
    });
  }

  @Test
  void warnsAboutFilesItDoesNotReadBesideAppYaml() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM, APP);
    Files.writeString(dir.resolve("apps/app0/app.yml"), APP.replace("a:1", "b:2"));
    Files.writeString(dir.resolve("apps/app0/values.yaml"), "x: 1\n");
    Files.writeString(dir.resolve("apps/app0/.hidden"), "ignored");
    Files.createDirectories(dir.resolve("apps/.git"));
    List<Diagnostic> ds = SpecFixture.diagnostics(dir);
    assertThat(ds).allSatisfy(d -> assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING));
    assertThat(ds).extracting(Diagnostic::file).containsExactly("apps/app0/app.yml", "apps/app0/values.yaml");
    assertThat(ds.get(0).message()).contains("reads apps/app0/app.yaml only");
    assertThat(Workspace.load(dir).applications()).hasSize(1);
  }

  private static Diagnostic error(Path dir) {
    List<Diagnostic> errors = SpecFixture.diagnostics(dir).stream().filter(Diagnostic::isError).toList();
    assertThat(errors).hasSize(1);
    return errors.get(0);
  }
}
