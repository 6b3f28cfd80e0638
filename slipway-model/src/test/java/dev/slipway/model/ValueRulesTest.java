package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Quantities, cron schedules and image references are refused at spec time where Kubernetes would refuse them. */
class ValueRulesTest {
  @TempDir
  Path dir;

  private static String web(String fields) {
    return SpecFixture.app("web:\n  type: web\n  image: a:1\n" + fields);
  }

  private static String job(String schedule) {
    return SpecFixture.app("nightly:\n  type: job\n  image: a:1\n  schedule: '" + schedule + "'\n");
  }

  private static String image(String image) {
    return SpecFixture.app("web:\n  type: web\n  image: '" + image + "'\n");
  }

  static Stream<Arguments> bad() {
    String cron = "spec.components.nightly.schedule";
    String img = "spec.components.web.image";
    return Stream.of(
        Arguments.of("negative memory", web("  resources: {memory: -1Gi}\n"), 9, "spec.out-of-range",
            "spec.components.web.resources.memory", "must be greater than 0"),
        Arguments.of("negative cpu", web("  resources: {cpu: '-1'}\n"), 9, "spec.out-of-range",
            "spec.components.web.resources.cpu", "must be greater than 0"),
        Arguments.of("trailing space", web("  resources: {memory: '1Gi '}\n"), 9, "spec.invalid-quantity",
            "spec.components.web.resources.memory", "is not a Kubernetes quantity"),
        Arguments.of("leading space", web("  resources: {cpu: ' 1'}\n"), 9, "spec.invalid-quantity",
            "spec.components.web.resources.cpu", "is not a Kubernetes quantity"),
        Arguments.of("zero memory request", web("  resources: {memory: '0'}\n"), 9, "spec.out-of-range",
            "spec.components.web.resources.memory", "greater than 0"),
        Arguments.of("zero storage size", SpecFixture.app("db:\n  type: postgres\n  storage: {size: 0Gi}\n"), 8, "spec.out-of-range",
            "spec.components.db.storage.size", "greater than 0"),
        Arguments.of("cpu 1e999", web("  resources: {cpu: 1e999}\n"), 9, "spec.invalid-quantity",
            "spec.components.web.resources.cpu", "is not a Kubernetes quantity"),
        Arguments.of("cpu beyond any machine", web("  resources: {cpu: 1e9}\n"), 9, "spec.out-of-range",
            "spec.components.web.resources.cpu", "at most 1024 cores"),
        Arguments.of("memory limit of 100 exbibytes", web("  resources: {limits: {memory: 100Ei}}\n"), 9, "spec.invalid-quantity",
            "spec.components.web.resources.limits.memory", "is not a Kubernetes quantity"),
        Arguments.of("storage of 1 exabyte", SpecFixture.app("db:\n  type: postgres\n  storage: {size: 1E}\n"), 8, "spec.out-of-range",
            "spec.components.db.storage.size", "at most 64Ti"),
        Arguments.of("minute 61, hour 25", job("61 25 * * *"), 9, "spec.invalid-cron", cron, "minute '61'"),
        Arguments.of("hour 25", job("0 25 * * *"), 9, "spec.invalid-cron", cron, "hour '25'"),
        Arguments.of("day of week 8", job("0 3 * * 8"), 9, "spec.invalid-cron", cron, "day of week '8'"),
        Arguments.of("day of week 7", job("0 3 * * 7"), 9, "spec.invalid-cron", cron, "day of week '7'"),
        Arguments.of("step 0", job("*/0 * * * *"), 9, "spec.invalid-cron", cron, "step"),
        Arguments.of("month 13", job("0 3 1 13 *"), 9, "spec.invalid-cron", cron, "month '13'"),
        Arguments.of("day of month 0", job("0 3 0 * *"), 9, "spec.invalid-cron", cron, "day of month '0'"),
        Arguments.of("backwards range", job("5-2 * * * *"), 9, "spec.invalid-cron", cron, "runs backwards"),
        Arguments.of("six fields", job("0 0 3 * * *"), 9, "spec.invalid-cron", cron, "it has 6 fields"),
        Arguments.of("unknown name", job("0 3 * * FUN"), 9, "spec.invalid-cron", cron, "'FUN' is not a day of week"),
        Arguments.of("unknown macro", job("@sometimes"), 9, "spec.invalid-cron", cron, "unknown macro"),
        Arguments.of("Quartz 'L'", job("0 3 L * *"), 9, "spec.invalid-cron", cron, "'L' is not a day of month"),
        Arguments.of("KEDA cron trigger", web("  autoscaling:\n    max: 3\n    triggers:\n    - {type: cron, start: '0 8 * * 9', end: '0 18 * * 5', replicas: 2}\n"),
            12, "spec.invalid-cron", "spec.components.web.autoscaling.triggers[0].start", "day of week '9'"),
        Arguments.of("upper-case repository", image("UPPER/case:tag"), 8, "spec.invalid-image", img, "must be lowercase"),
        Arguments.of("empty tag", image("nginx:"), 8, "spec.invalid-image", img, "the tag after ':' is empty"),
        Arguments.of("short digest", image("nginx@sha256:short"), 8, "spec.invalid-image", img, "is not a digest"),
        Arguments.of("digest of 63 hex digits", image("nginx@sha256:" + "a".repeat(63)), 8, "spec.invalid-image", img, "64 hex digits"),
        Arguments.of("space", image("nginx :1"), 8, "spec.invalid-image", img, "spaces"),
        Arguments.of("tag alone", image(":tag"), 8, "spec.invalid-image", img, "no repository name"),
        Arguments.of("double slash", image("docker.io//nginx"), 8, "spec.invalid-image", img, "empty path component"),
        Arguments.of("bad registry port", image("registry.example.com:99999999/app:1"), 8, "spec.invalid-image", img, "registry host"),
        Arguments.of("tag too long", image("nginx:" + "t".repeat(129)), 8, "spec.invalid-image", img, "is not a tag"),
        Arguments.of("binary where a string is expected", SpecFixture.app("web:\n  type: web\n  image: !!binary bmdpbng6MQ==\n"), 8,
            "yaml.unsupported-tag", "", "!!binary"),
        Arguments.of("custom tag", SpecFixture.app("web:\n  type: web\n  image: !img nginx:1\n"), 8, "yaml.unsupported-tag", "", "!img"),
        Arguments.of("set where a map is expected", SpecFixture.app("web:\n  type: web\n  image: a:1\n  env: !!set {A, B}\n"), 9,
            "yaml.unsupported-tag", "", "!!set"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void refusesWhatKubernetesWouldRefuse(String name, String app, int line, String code, String path, String message) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, app);
    assertThat(SpecFixture.diagnostics(dir)).as(name).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo(code);
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isEqualTo(line);
      assertThat(d.column()).isPositive();
      if (!path.isEmpty()) {
        assertThat(d.path()).isEqualTo(path);
      }
      assertThat(d.message()).contains(message);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"*/15 * * * *", "0 3 * * *", "0 9-17/2 * * MON-FRI", "0,30 8 1,15 JAN,jul *", "0 0 ? * sun",
      "5/10 * * * *", "59 23 31 12 6", "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually", "@midnight"})
  void acceptsSchedulesKubernetesAccepts(String schedule) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, job(schedule));
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx", "nginx:1.27-alpine", "library/nginx:latest", "docker.io/nginxinc/nginx-unprivileged:1.27",
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.0", "localhost:5000/a_b/c__d/e-f--g:v1.2.3",
      "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "registry.example.com:443/app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "[::1]:5000/app:1", "Registry.Example.com/app:1"})
  void acceptsImageReferencesKubernetesAccepts(String ref) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, image(ref));
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"250m", "1", "1.5", "0.5", "+2", "1e2", "1000000n", "64"})
  void acceptsCpuQuantitiesKubernetesAccepts(String cpu) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, web("  resources: {cpu: '" + cpu + "'}\n"));
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"512Mi", "2Gi", "1G", "128974848", "129e6", "1.5Gi", "64Ti"})
  void acceptsMemoryQuantitiesKubernetesAccepts(String memory) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, web("  resources: {memory: '" + memory + "'}\n"));
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
  }
}
