package dev.slipway.model.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.SpecFixture;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application folder may hold score.yaml instead of, or beside, app.yaml. */
class ScoreApplicationTest {
  @TempDir
  Path dir;

  private void scoreApp(String folder, String score) throws IOException {
    Files.createDirectories(dir.resolve("apps").resolve(folder));
    Files.writeString(dir.resolve("apps").resolve(folder).resolve("score.yaml"), score);
  }

  private static final String SCORE = """
      apiVersion: score.dev/v1b1
      metadata: {name: guestbook}
      service:
        ports: {web: {port: 8080}}
      containers:
        app:
          image: ghcr.io/example/guestbook:1.2.0
          variables: {DB_PASSWORD: "${resources.db.password}"}
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
          readinessProbe: {httpGet: {path: /healthz, port: 8080}}
      resources:
        db: {type: postgres}
        route: {type: route, params: {host: guestbook, path: /}}
      """;

  private ResolvedApplication resolve(Workspace ws, String env, Diagnostics d) {
    return ComponentResolver.resolve(ws.applications().get(0), ws.platform().environment(env).orElseThrow(), d);
  }

  @Test
  void loadsAFolderWithOnlyAScoreFileAsAnApplication() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    scoreApp("guestbook", SCORE);
    Workspace ws = Workspace.load(dir);
    assertThat(ws.diagnostics().list()).isEmpty();
    assertThat(ws.applications()).singleElement().satisfies(a -> {
      assertThat(a.name()).isEqualTo("guestbook");
      assertThat(a.file()).isEqualTo("apps/guestbook/score.yaml");
    });
    Diagnostics d = new Diagnostics();
    ResolvedApplication r = resolve(ws, "dev", d);
    assertThat(d.list()).isEmpty();
    ComponentSpec app = r.components().stream().filter(c -> c.name().equals("app")).findFirst().orElseThrow();
    assertThat(app.ingress().host()).isEqualTo("guestbook");
    assertThat(app.secrets().get("DB_PASSWORD").key()).isEqualTo("guestbook/db-password");
    assertThat(app.dependsOn()).containsExactly("db");
  }

  @Test
  void layersAnAppYamlBesideTheScoreFileOverIt() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    scoreApp("guestbook", SCORE);
    Files.writeString(dir.resolve("apps/guestbook/app.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        spec:
          components:
            app:
              autoscaling: {min: 2, max: 5}
          environments:
            prod:
              components:
                db: {storage: {size: 50Gi}}
        """);
    Workspace ws = Workspace.load(dir);
    assertThat(ws.diagnostics().list()).isEmpty();
    Diagnostics d = new Diagnostics();
    ResolvedApplication prod = resolve(ws, "prod", d);
    assertThat(d.list()).isEmpty();
    assertThat(prod.components()).filteredOn(c -> c.name().equals("db")).singleElement()
        .satisfies(c -> assertThat(c.storage().size()).isEqualTo("50Gi"));
    assertThat(prod.components()).filteredOn(c -> c.name().equals("app")).singleElement()
        .satisfies(c -> {
          assertThat(c.autoscaling().max()).isEqualTo(5);
          assertThat(c.image()).as("Score's fields stay where app.yaml says nothing").isEqualTo("ghcr.io/example/guestbook:1.2.0");
        });
  }

  @Test
  void refusesAnAppYamlWhoseNameDiffersFromTheScoreWorkloads() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    scoreApp("guestbook", SCORE);
    Files.writeString(dir.resolve("apps/guestbook/app.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: guest-book}
        """);
    assertThat(Workspace.load(dir).diagnostics().list()).anySatisfy(x -> {
      assertThat(x.code()).isEqualTo("score.name-mismatch");
      assertThat(x.location()).startsWith("apps/guestbook/app.yaml:3:18");
    });
  }

  @Test
  void reportsProblemsSlipwayFindsLaterAtTheScoreFilesLines() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    scoreApp("shop", """
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: "NGINX:latest"
        """);
    assertThat(SpecFixture.diagnostics(dir)).extracting(Diagnostic::code, Diagnostic::location)
        .contains(org.assertj.core.groups.Tuple.tuple("spec.invalid-image", "apps/shop/score.yaml:5:5"));
  }

  @Test
  void reportsFilesBesideTheScoreFileThatItDoesNotName() throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    scoreApp("shop", """
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: nginx:1.27
            files: {/etc/nginx/nginx.conf: {source: conf/nginx.conf}}
        """);
    Files.createDirectories(dir.resolve("apps/shop/conf"));
    Files.writeString(dir.resolve("apps/shop/conf/nginx.conf"), "events {}\n");
    Files.writeString(dir.resolve("apps/shop/notes.md"), "todo\n");
    assertThat(Workspace.load(dir).diagnostics().list()).singleElement().satisfies(x -> {
      assertThat(x.code()).isEqualTo("spec.ignored-file");
      assertThat(x.file()).isEqualTo("apps/shop/notes.md");
    });
  }
}
