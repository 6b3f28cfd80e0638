package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir
  Path tmp;

  @Test
  void validatesRenderedManifests() {
    Path dir = CliRun.example(tmp);
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    for (String env : new String[] {"dev", "staging", "prod"}) {
      CliRun r = CliRun.run("validate", "--strict", dir.resolve("out").resolve(env).toString());
      assertThat(r.exitCode()).as(r.out()).isZero();
      assertThat(r.out()).containsPattern("Summary: \\d+ resources found in \\d+ files - Valid: \\d+, Invalid: 0, Errors: 0");
    }
  }

  @Test
  void reportsInvalidFieldsWithTheirLine() throws Exception {
    Path f = tmp.resolve("bad.yaml");
    Files.writeString(f, """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          ports:
          - port: eighty
        ---
        apiVersion: apps/v1
        kind: Deployment
        """);
    CliRun r = CliRun.run("validate", f.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("bad.yaml:1 - Service web failed validation:")
        .contains("line 6: spec.ports[0].port: expected an integer, got string \"eighty\"")
        .contains("Invalid: 1, Errors: 0");
  }

  @Test
  void usesKubeconformLayoutSchemasForCustomResources() throws Exception {
    Path schemas = Files.createDirectories(tmp.resolve("schemas"));
    Files.writeString(schemas.resolve("widget-example-v1.json"),
        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"integer\"}}}}}");
    Path f = tmp.resolve("w.yaml");
    Files.writeString(f, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n");
    CliRun missing = CliRun.run("validate", f.toString());
    CliRun withSchema = CliRun.run("validate", "--schema-location", schemas.toString(), f.toString());
    assertThat(missing.out()).contains("could not find schema for Widget");
    assertThat(withSchema.exitCode()).isEqualTo(1);
    assertThat(withSchema.out()).contains("spec.size");
  }
}
