package dev.slipway.model.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.YamlLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Score workloads become Slipway applications as docs/score.md says. */
class ScoreConverterTest {
  static final Path EXAMPLES = Path.of("src/test/resources/score");

  @TempDir
  Path dir;

  private final Diagnostics d = new Diagnostics();

  static MapNode convert(String text, Path folder, Diagnostics d) {
    SpecNode root = YamlLoader.forSpecs().load(text, "apps/x/score.yaml", Layer.APP, d).get(0).root();
    return ScoreConverter.convert(root, "apps/x/score.yaml", ScoreFiles.in(folder), d);
  }

  private MapNode example(String name) throws IOException {
    Path folder = EXAMPLES.resolve(name);
    return convert(Files.readString(folder.resolve("score.yaml")), folder, d);
  }

  static SpecNode at(SpecNode n, String... path) {
    for (String p : path) {
      n = ((MapNode) n).get(p);
    }
    return n;
  }

  static String text(SpecNode n, String... path) {
    SpecNode v = at(n, path);
    return v instanceof Scalar s ? s.value() : v == null ? null : v.typeName();
  }

  @Test
  void turnsAWebWorkloadWithARouteAndPostgresIntoAWebComponentAndAPostgresComponent() throws IOException {
    MapNode app = example("web-postgres");
    assertThat(d.list()).isEmpty();
    SpecNode comps = at(app, "spec", "components");
    assertThat(((MapNode) comps).entries().keySet()).containsExactly("app", "db");
    assertThat(text(app, "metadata", "name")).isEqualTo("guestbook");
    assertThat(text(comps, "app", "type")).isEqualTo("web");
    assertThat(text(comps, "app", "port")).isEqualTo("8080");
    assertThat(text(comps, "app", "ingress", "path")).isEqualTo("/");
    assertThat(at(comps, "app", "ingress", "host")).as("the dns host is the environment's default host").isNull();
    assertThat(text(comps, "app", "env", "DB_HOST")).isEqualTo("db");
    assertThat(text(comps, "app", "env", "DB_PORT")).isEqualTo("5432");
    assertThat(text(comps, "app", "env", "APP_NAME")).isEqualTo("guestbook");
    assertThat(text(comps, "app", "env", "GREETING")).isEqualTo("costs $5, literally ${not.a.placeholder}");
    assertThat(at(comps, "app", "env", "DB_PASSWORD")).as("a password is never a literal").isNull();
    assertThat(text(comps, "app", "secrets", "DB_PASSWORD")).isEqualTo("guestbook/db-password");
    assertThat(text(comps, "app", "config", "mountPath")).isEqualTo("/etc/guestbook");
    assertThat(text(comps, "app", "config", "files", "settings.toml")).isEqualTo("team = \"web\"\ndatabase = \"db:5432\"\n");
    assertThat(text(comps, "app", "resources", "cpu")).isEqualTo("250m");
    assertThat(text(comps, "app", "resources", "limits", "memory")).isEqualTo("512Mi");
    assertThat(text(comps, "app", "probes", "liveness", "path")).isEqualTo("/healthz");
    assertThat(((ListNode) at(comps, "app", "dependsOn")).items()).extracting(n -> ((Scalar) n).value()).containsExactly("db");
    assertThat(text(comps, "db", "type")).isEqualTo("postgres");
    assertThat(text(comps, "db", "version")).isEqualTo("16");
    assertThat(text(comps, "db", "storage", "size")).isEqualTo("5Gi");
    assertThat(text(comps, "db", "secrets", "POSTGRES_PASSWORD")).isEqualTo("guestbook/db-password");
    assertThat(text(comps, "db", "env", "POSTGRES_USER")).isEqualTo("db");
  }

  @Test
  void valuesKeepThePositionOfTheScoreValueTheyCameFrom() throws IOException {
    MapNode app = example("web-postgres");
    assertThat(at(app, "spec", "components", "app", "image").position().toString()).isEqualTo("apps/x/score.yaml:13:12");
  }

  @Test
  void turnsAWorkloadWithoutPortsIntoAWorkerWithSecretsFromTheEnvironmentResource() throws IOException {
    MapNode app = example("worker");
    assertThat(d.list()).isEmpty();
    SpecNode w = at(app, "spec", "components", "worker");
    assertThat(text(w, "type")).isEqualTo("worker");
    assertThat(text(w, "secrets", "SMTP_PASSWORD")).isEqualTo("mailer/smtp#SMTP_PASSWORD");
    assertThat(text(w, "env", "SMTP_HOST")).isEqualTo("smtp.example.com");
    assertThat(((ListNode) at(w, "args")).items()).extracting(n -> ((Scalar) n).value()).containsExactly("--queue", "mailer-outbox");
    assertThat(((ListNode) at(w, "probes", "liveness", "exec")).items()).hasSize(2);
    assertThat(at(w, "probes", "readiness")).as("a worker has no default probe to remove").isNull();
  }

  @Test
  void refusesAResourceTypeThePlatformDoesNotProvideNamingItAndWhatWouldProvideIt() throws IOException {
    assertThat(example("unsupported")).isNull();
    assertThat(d.list()).anySatisfy(x -> {
      assertThat(x.code()).isEqualTo("score.unsupported-resource");
      assertThat(x.location()).startsWith("apps/x/score.yaml:12:11");
      assertThat(x.message()).contains("resource 'broker' of type 'amqp' is not provided by this platform",
          "a platform type named 'amqp' under componentTypes/ would provide it");
    });
  }

  @Test
  void reportsWhatTheScoreSchemaRefusesAtItsLineAndColumn() {
    MapNode app = convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            imagee: nginx:1.27
            resources:
              requests: {cpu: lots}
        """, dir, d);
    assertThat(app).isNull();
    assertThat(d.list()).extracting(Diagnostic::code).containsOnly("score.invalid");
    assertThat(d.list().stream().map(x -> x.location() + " " + x.message()).collect(Collectors.joining("\n")))
        .contains("apps/x/score.yaml:4:3", "required property 'image'")
        .contains("apps/x/score.yaml:5:5", "imagee")
        .contains("apps/x/score.yaml:7:18", "pattern");
  }

  @Test
  void refusesAPasswordInsideALongerText() {
    MapNode app = convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: nginx:1.27
            variables:
              DATABASE_URL: postgres://u:${resources.db.password}@db/shop
        resources:
          db: {type: postgres}
        """, dir, d);
    assertThat(app).isNull();
    assertThat(d.list()).singleElement().satisfies(x -> {
      assertThat(x.code()).isEqualTo("score.invalid-placeholder");
      assertThat(x.location()).isEqualTo("apps/x/score.yaml:7:21");
      assertThat(x.message()).contains("can only be a whole value").doesNotContain("postgres://u:");
    });
  }

  @Test
  void reportsAPlaceholderNamingAnUndeclaredResourceWithASuggestion() {
    convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: nginx:1.27
            variables: {DB: "${resources.bd.host}", PORT: "${resources.db.prot}"}
        resources:
          db: {type: postgres}
        """, dir, d);
    assertThat(d.list()).extracting(Diagnostic::message)
        .anySatisfy(m -> assertThat(m).contains("no resource 'bd'", "did you mean 'db'"))
        .anySatisfy(m -> assertThat(m).contains("has no output 'prot'", "did you mean 'port'"));
  }

  @Test
  void refusesVolumesSayingTheyAreNotSupported() {
    convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: nginx:1.27
            volumes:
              /data: {source: "${resources.scratch}"}
        resources:
          scratch: {type: volume}
        """, dir, d);
    assertThat(d.list()).extracting(x -> x.code() + " " + x.location())
        .contains("score.unsupported apps/x/score.yaml:6:5", "score.unsupported-resource apps/x/score.yaml:9:19");
  }

  @Test
  void readsAFileSourceNextToTheScoreFileAndRefusesOneOutsideIt() throws IOException {
    Files.writeString(dir.resolve("nginx.conf"), "server_name ${metadata.name};\n");
    MapNode app = convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: nginx:1.27
            files:
              /etc/nginx/nginx.conf: {source: nginx.conf}
              /etc/nginx/other.conf: {source: ../../slipway.yaml}
        """, dir, d);
    assertThat(app).isNull();
    assertThat(d.list()).singleElement().satisfies(x -> assertThat(x.message()).contains("inside the folder of the Score file"));
    Diagnostics ok = new Diagnostics();
    MapNode good = convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: nginx:1.27
            files:
              /etc/nginx/nginx.conf: {source: nginx.conf}
        """, dir, ok);
    assertThat(ok.list()).isEmpty();
    assertThat(text(good, "spec", "components", "web", "config", "files", "nginx.conf")).isEqualTo("server_name shop;\n");
  }

  @Test
  void aWorkloadWithPortsAndNoRouteIsAnApiWithoutSlipwaysDefaultProbes() {
    MapNode app = convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        service:
          ports:
            http: {port: 80, targetPort: 9000}
            grpc: {port: 9090}
        containers:
          api: {image: "nginx:1.27"}
        """, dir, d);
    SpecNode api = at(app, "spec", "components", "api");
    assertThat(text(api, "type")).isEqualTo("api");
    assertThat(text(api, "port")).isEqualTo("9000");
    assertThat(text(api, "ports", "grpc")).isEqualTo("9090");
    assertThat(at(api, "probes", "liveness")).isInstanceOf(SpecNode.Null.class);
    assertThat(d.list()).singleElement().satisfies(x -> {
      assertThat(x.code()).isEqualTo("score.port-differs");
      assertThat(x.severity()).isEqualTo(Diagnostic.Severity.WARNING);
    });
  }

  @Test
  void mapsRedisToTheBuiltInRedisTypeWithItsPasswordFromTheStore() {
    MapNode app = convert("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web:
            image: nginx:1.27
            variables:
              REDIS: "${resources.cache.host}:${resources.cache.port}"
              REDIS_AUTH: "${resources.cache.password}"
        resources:
          cache: {type: redis}
        """, dir, d);
    assertThat(d.list()).isEmpty();
    assertThat(text(app, "spec", "components", "cache", "type")).isEqualTo("redis");
    assertThat(text(app, "spec", "components", "cache", "secrets", "REDIS_PASSWORD")).isEqualTo("shop/cache-password");
    assertThat(text(app, "spec", "components", "web", "env", "REDIS")).isEqualTo("cache:6379");
    // The password reaches the client as a reference into the store, never as a value.
    assertThat(text(app, "spec", "components", "web", "secrets", "REDIS_AUTH")).isEqualTo("shop/cache-password");
  }

  @Test
  void theBundledScoreSchemaAcceptsEveryValidExample() throws IOException {
    for (String name : List.of("web-postgres", "worker", "unsupported")) {
      Diagnostics x = new Diagnostics();
      SpecNode root = YamlLoader.forSpecs().load(Files.readString(EXAMPLES.resolve(name).resolve("score.yaml")), name, Layer.APP, x)
          .get(0).root();
      assertThat(ScoreSchema.validate(root, x)).as(name).isTrue();
      assertThat(x.list()).as(name).isEmpty();
    }
  }
}
