package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bad-input corpus: one case per kind of mistake, each reported with file, line, column and field. */
class BadInputTest {
  @TempDir
  Path dir;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("malformed YAML", SpecFixture.app("web: {type: web, image: a:1\n"),
            "yaml.syntax", "apps/app0/app.yaml", 0, "", "malformed YAML"),
        Arguments.of("wrong type", SpecFixture.app("web:\n  type: web\n  image: a:1\n  replicas: three\n"),
            "spec.wrong-type", "apps/app0/app.yaml", 9, "spec.components.web.replicas", "expected an integer, got string 'three'"),
        Arguments.of("unknown field with suggestion", SpecFixture.app("web:\n  type: web\n  image: a:1\n  imagee: b\n"),
            "spec.unknown-field", "apps/app0/app.yaml", 9, "spec.components.web.imagee", "did you mean 'image'?"),
        Arguments.of("unknown component type", SpecFixture.app("db:\n  type: postgress\n"),
            "spec.unknown-type", "apps/app0/app.yaml", 7, "spec.components.db.type", "did you mean 'postgres'?"),
        Arguments.of("dangling dependsOn", SpecFixture.app("web:\n  type: web\n  image: a:1\n  dependsOn: [api]\n"),
            "spec.unknown-dependency", "apps/app0/app.yaml", 9, "spec.components.web.dependsOn", "unknown component 'api'"),
        Arguments.of("cyclic dependsOn", SpecFixture.app(
                "a:\n  type: web\n  image: a:1\n  dependsOn: [b]\nb:\n  type: web\n  image: b:1\n  dependsOn: [c]\nc:\n  type: api\n  image: c:1\n  dependsOn: [a]\n"),
            "spec.dependency-cycle", "apps/app0/app.yaml", 0, "", "a -> b -> c -> a"),
        Arguments.of("duplicate component name", SpecFixture.app("web: {type: web, image: a:1}\nweb: {type: web, image: b:1}\n"),
            "yaml.duplicate-key", "apps/app0/app.yaml", 7, "", "duplicate key 'web'"),
        Arguments.of("unknown environment in overrides", SpecFixture.app("web: {type: web, image: a:1}\n")
                + "  environments:\n    prd: {components: {web: {replicas: 2}}}\n",
            "spec.unknown-environment", "apps/app0/app.yaml", 8, "spec.environments.prd", "did you mean 'prod'?"),
        Arguments.of("invalid quantity", SpecFixture.app("web:\n  type: web\n  image: a:1\n  resources: {cpu: lots}\n"),
            "spec.invalid-quantity", "apps/app0/app.yaml", 9, "spec.components.web.resources.cpu", "'lots' is not a Kubernetes quantity"),
        Arguments.of("port out of range", SpecFixture.app("web:\n  type: web\n  image: a:1\n  port: 70000\n"),
            "spec.out-of-range", "apps/app0/app.yaml", 9, "spec.components.web.port", "between 1 and 65535"),
        Arguments.of("named port out of range", SpecFixture.app("web:\n  type: web\n  image: a:1\n  ports: {grpc: 70000}\n"),
            "spec.out-of-range", "apps/app0/app.yaml", 9, "spec.components.web.ports.grpc", "between 1 and 65535"),
        Arguments.of("override of unknown component", SpecFixture.app("web: {type: web, image: a:1}\n")
                + "  environments:\n    prod: {components: {wbe: {replicas: 2}}}\n",
            "spec.unknown-component", "apps/app0/app.yaml", 8, "", "did you mean 'web'?"),
        Arguments.of("field that does not apply to the type", SpecFixture.app("db:\n  type: postgres\n  ingress: {path: /}\n"),
            "spec.not-applicable", "apps/app0/app.yaml", 8, "spec.components.db.ingress", "does not apply to a postgres component"),
        Arguments.of("job without schedule", SpecFixture.app("nightly:\n  type: job\n  image: a:1\n"),
            "spec.required", "apps/app0/app.yaml", 0, "spec.components.nightly.schedule", "needs a schedule"),
        Arguments.of("limit below request", SpecFixture.app("web:\n  type: web\n  image: a:1\n  resources: {cpu: 500m, limits: {cpu: 100m}}\n"),
            "spec.impossible-resources", "apps/app0/app.yaml", 9, "spec.components.web.resources.limits.cpu", "below the request"),
        Arguments.of("bad cron", SpecFixture.app("nightly:\n  type: job\n  image: a:1\n  schedule: every night\n"),
            "spec.invalid-cron", "apps/app0/app.yaml", 9, "spec.components.nightly.schedule", "5-field cron"),
        Arguments.of("strategy on a worker", SpecFixture.app("w:\n  type: worker\n  image: a:1\n  strategy: blueGreen\n"),
            "spec.not-applicable", "apps/app0/app.yaml", 9, "spec.components.w.strategy", "does not apply to a worker component"),
        Arguments.of("unknown strategy", SpecFixture.app("web:\n  type: web\n  image: a:1\n  strategy: bluegreen\n"),
            "spec.invalid-value", "apps/app0/app.yaml", 9, "spec.components.web.strategy", "did you mean 'blueGreen'?"),
        Arguments.of("analysis naming an unknown template", SpecFixture.app(
                "web:\n  type: web\n  image: a:1\n  strategy: {type: blueGreen, analysis: [sucess-rate]}\n"),
            "spec.unknown-analysis", "apps/app0/app.yaml", 9, "spec.components.web.strategy.analysis[0]", "no analysis template 'sucess-rate'"),
        Arguments.of("canary weights that go down", SpecFixture.app("web:\n  type: web\n  image: a:1\n  port: 8080\n  ingress: {path: /}\n"
                + "  strategy:\n    type: canary\n    steps:\n    - setWeight: 50\n    - setWeight: 20\n"),
            "spec.invalid-weight", "apps/app0/app.yaml", 15, "spec.components.web.strategy.steps[1].setWeight", "weight 20 after 50"),
        Arguments.of("canary weight above 100", SpecFixture.app("web:\n  type: web\n  image: a:1\n  port: 8080\n  ingress: {path: /}\n"
                + "  strategy: {type: canary, steps: [{setWeight: 120}]}\n"),
            "spec.out-of-range", "apps/app0/app.yaml", 11, "spec.components.web.strategy.steps[0].setWeight", "between 0 and 100"),
        Arguments.of("canary step of two kinds", SpecFixture.app("web:\n  type: web\n  image: a:1\n  port: 8080\n  ingress: {path: /}\n"
                + "  strategy: {type: canary, steps: [{setWeight: 20, pause: {}}]}\n"),
            "spec.invalid-value", "apps/app0/app.yaml", 11, "spec.components.web.strategy.steps[0]", "exactly one of setWeight, pause or analysis"),
        Arguments.of("canary without an ingress", SpecFixture.app("api:\n  type: api\n  image: a:1\n  port: 8080\n  strategy: canary\n"),
            "spec.strategy-needs-ingress", "apps/app0/app.yaml", 10, "spec.components.api.strategy", "needs an 'ingress'"),
        Arguments.of("strategy with autoscaling", SpecFixture.app("web:\n  type: web\n  image: a:1\n  autoscaling: {min: 2, max: 4, cpu: 70}\n"
                + "  strategy: blueGreen\n"),
            "spec.unsupported", "apps/app0/app.yaml", 10, "spec.components.web.strategy", "not supported yet"),
        Arguments.of("steps on blue/green", SpecFixture.app("web:\n  type: web\n  image: a:1\n  strategy: {type: blueGreen, steps: []}\n"),
            "spec.not-applicable", "apps/app0/app.yaml", 9, "spec.components.web.strategy.steps", "belong to a canary"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsEachMistakeWithFileLineAndField(String name, String app, String code, String file, int line, String path, String message) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, app);
    List<Diagnostic> ds = SpecFixture.diagnostics(dir);
    assertThat(ds).as(name).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo(code);
      assertThat(d.file()).isEqualTo(file);
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      if (line > 0) {
        assertThat(d.line()).isEqualTo(line);
        assertThat(d.column()).isPositive();
      }
      if (!path.isEmpty()) {
        assertThat(d.path()).isEqualTo(path);
      }
      assertThat(d.message()).contains(message);
    });
  }

  @Test
  void reportsEveryProblemAtOnce() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app(
        "web:\n  type: web\n  image: a:1\n  port: 0\n  replicaz: 1\n  resources: {memory: much}\ndb:\n  type: postgress\n"));
    assertThat(SpecFixture.diagnostics(dir)).extracting(Diagnostic::code)
        .contains("spec.out-of-range", "spec.unknown-field", "spec.invalid-quantity", "spec.unknown-type");
  }

  @Test
  void reportsDuplicateApplicationNames() throws Exception {
    String app = SpecFixture.app("web: {type: web, image: a:1}\n");
    SpecFixture.write(dir, SpecFixture.PLATFORM, app, app);
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.duplicate-name");
      assertThat(d.file()).isEqualTo("apps/app1/app.yaml");
      assertThat(d.message()).contains("also defined in apps/app0/app.yaml");
    });
  }

  @Test
  void reportsDuplicateEnvironments() {
    SpecFixture.write(dir, SpecFixture.PLATFORM.replace("- name: prod", "- name: dev"));
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.duplicate-name");
      assertThat(d.message()).contains("environment 'dev' is defined twice");
    });
  }

  @Test
  void refusesBillionLaughs() {
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [*").append(p);
      for (int i = 0; i < 8; i++) {
        bomb.append(",*").append(p);
      }
      bomb.append("]\n");
    }
    SpecFixture.write(dir, SpecFixture.PLATFORM, bomb.toString());
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d -> {
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.code()).isIn("yaml.limit", "yaml.too-many-nodes");
    });
  }

  @Test
  void refusesHugeFiles() throws Exception {
    SpecFixture.write(dir, SpecFixture.PLATFORM, "x: " + "y".repeat(5 << 20) + "\n");
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("yaml.too-large");
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
    });
  }

  @Test
  void reportsMissingPlatformFile() {
    assertThat(SpecFixture.diagnostics(dir)).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("no slipway.yaml"));
  }

  @Test
  void acceptsAValidApplicationWithoutDiagnostics() throws Exception {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app(
        "web: {type: web, image: shop/web:1.0, ingress: {path: /}, dependsOn: [api]}\n"
            + "api: {type: api, image: shop/api:1.0, secrets: {DB_URL: shop/db}, dependsOn: [db]}\n"
            + "db: {type: postgres, storage: {size: 5Gi}}\n"
            + "nightly: {type: job, image: shop/job:1.0, schedule: '0 3 * * *'}\n"
            + "worker: {type: worker, image: shop/worker:1.0}\n"));
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
    assertThat(Files.exists(dir.resolve("out"))).isFalse();
  }
}
