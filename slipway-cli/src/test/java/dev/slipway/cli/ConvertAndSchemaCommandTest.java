package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway convert score} and {@code slipway schema}. */
class ConvertAndSchemaCommandTest {
  @TempDir
  Path dir;

  private static Path copy(Path src, Path target) {
    try (Stream<Path> w = Files.walk(src)) {
      for (Path p : w.filter(Files::isRegularFile).filter(p -> !src.relativize(p).startsWith("out")).toList()) {
        Path t = target.resolve(src.relativize(p).toString());
        Files.createDirectories(t.getParent());
        Files.copy(p, t);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theConvertedAppYamlPlansExactlyAsTheScoreFileDoes() throws IOException {
    Path platform = copy(Path.of("..", "examples", "score"), dir.resolve("p"));
    CliRun fromScore = CliRun.run("plan", platform.toString());
    assertThat(fromScore.exitCode()).as(fromScore.err()).isZero();
    var rendered = CliRun.tree(platform.resolve("out"));
    assertThat(rendered).containsKey("dev/guestbook/manifest.yaml");

    Path score = platform.resolve("apps/guestbook/score.yaml");
    Path app = platform.resolve("apps/guestbook/app.yaml");
    CliRun convert = CliRun.run("convert", "score", score.toString(), "-o", app.toString());
    assertThat(convert.exitCode()).as(convert.err()).isZero();
    assertThat(Files.readString(app)).startsWith("# Converted by `slipway convert score` from " + score);
    Files.delete(score);
    CliRun fromAppYaml = CliRun.run("plan", platform.toString());
    assertThat(fromAppYaml.exitCode()).as(fromAppYaml.err()).isZero();
    assertThat(CliRun.tree(platform.resolve("out"))).isEqualTo(rendered);
  }

  @Test
  void convertsDeterministicallyToStandardOutput() {
    String file = Path.of("..", "examples", "score", "apps", "guestbook", "score.yaml").toString();
    CliRun a = CliRun.run("convert", "score", file);
    CliRun b = CliRun.run("convert", "score", file);
    assertThat(a.exitCode()).isZero();
    assertThat(a.out()).isEqualTo(b.out()).contains("DB_PASSWORD: guestbook/db-password").contains("type: postgres");
  }

  @Test
  void refusesAnUnsupportedResourceWithItsLineAndWritesNothing() throws IOException {
    Path score = dir.resolve("score.yaml");
    Files.writeString(score, """
        apiVersion: score.dev/v1b1
        metadata: {name: orders}
        containers:
          orders: {image: "nginx:1.27"}
        resources:
          broker: {type: amqp}
        """);
    Path out = dir.resolve("app.yaml");
    CliRun r = CliRun.run("convert", "score", score.toString(), "-o", out.toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains(score + ":6:18").contains("resource 'broker' of type 'amqp' is not provided by this platform")
        .doesNotContain("Exception");
    assertThat(out).doesNotExist();
    assertThat(CliRun.run("convert", "score", dir.resolve("missing.yaml").toString()).exitCode()).isEqualTo(Main.BAD_INPUT);
  }

  @Test
  void writesTheSchemasWithThePlatformsEnvironments() throws IOException {
    Path platform = copy(Path.of("..", "examples", "score"), dir.resolve("p"));
    CliRun r = CliRun.run("schema", platform.toString(), "-o", dir.resolve("schemas").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode app = Output.JSON.readTree(dir.resolve("schemas/app.schema.json").toFile());
    assertThat(app.at("/properties/spec/properties/environments/propertyNames/enum").toString()).isEqualTo("[\"dev\",\"prod\"]");
    assertThat(Output.JSON.readTree(dir.resolve("schemas/slipway.schema.json").toFile()).at("/$schema").asText()).contains("draft-07");
    assertThat(dir.resolve("schemas/score.schema.json")).exists();
    assertThat(CliRun.run("schema", dir.resolve("nowhere").toString()).exitCode()).isEqualTo(Main.BAD_INPUT);
  }

  @Test
  void writesThePlatformsOwnTypesIntoTheAppSchema() throws IOException {
    CliRun r = CliRun.run("schema", Path.of("..", "examples", "kro-platform").toString(), "-o", dir.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode app = Output.JSON.readTree(dir.resolve("app.schema.json").toFile());
    assertThat(app.at("/definitions/component/properties/type/anyOf").findValuesAsText("const"))
        .contains("web", "postgres", "api-service", "batch-job", "web-application");
    JsonNode batch = null;
    for (JsonNode rule : app.at("/definitions/component/allOf")) {
      if (rule.at("/if/properties/type/const").asText().equals("batch-job")) {
        batch = rule.get("then");
      }
    }
    assertThat(batch).isNotNull();
    assertThat(batch.at("/required").toString()).isEqualTo("[\"type\",\"image\"]");
    assertThat(app.at("/definitions/component/properties/retries").toString()).as("a field no other type has").contains("\"minimum\":0", "\"maximum\":10", "\"default\":3");
    assertThat(batch.at("/properties/resources/additionalProperties").asBoolean(true)).isFalse();
    assertThat(batch.at("/properties/schedule").toString()).as("the built-in job's schedule means something else")
        .contains("Cron schedule (5 fields)");
    JsonNode platform = Output.JSON.readTree(dir.resolve("slipway.schema.json").toFile());
    assertThat(platform.at("/definitions/componentLayer/properties/cdn").isMissingNode()).isFalse();
  }

  @Test
  void convertsAResourceOfAPlatformTypeOnlyWithThePlatformGiven() throws IOException {
    Path score = dir.resolve("score.yaml");
    Files.writeString(score, """
        apiVersion: score.dev/v1b1
        metadata: {name: checkout}
        containers:
          web:
            image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:1.4.0
            variables: {PAYMENTS: "http://${resources.payments.host}:${resources.payments.port}"}
        resources:
          payments:
            type: api-service
            params: {image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/payments:3.2.0, database: {storage: 10Gi}}
        """);
    String kro = Path.of("..", "examples", "kro-platform").toString();
    CliRun with = CliRun.run("convert", "score", score.toString(), "--platform", kro);
    assertThat(with.exitCode()).as(with.err()).isZero();
    assertThat(with.out()).contains("    payments:\n      type: api-service\n", "storage: 10Gi", "PAYMENTS: http://payments:80");
    CliRun without = CliRun.run("convert", "score", score.toString());
    assertThat(without.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(without.err()).contains(score + ":9:11").contains("slipway convert score maps to them with --platform DIR");
    assertThat(without.out()).isEmpty();
    CliRun nowhere = CliRun.run("convert", "score", score.toString(), "--platform", dir.resolve("nowhere").toString());
    assertThat(nowhere.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(nowhere.err()).contains("has no readable slipway.yaml").doesNotContain("Exception");
  }
}
