package dev.slipway.model.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.SpecFixture;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.load.WhatIf;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Score resources whose type is one of the platform's own component types (docs/score.md). */
class ScorePlatformTypesTest {
  /** Renders a Service named after the component (through the Deployment's name) on port 6380. */
  static final String CACHE = """
      apiVersion: slipway.dev/v1alpha1
      kind: ComponentType
      metadata: {name: kv-cache}
      spec:
        schema:
          spec:
            size: string | default="small" enum="small,large"
            maxMemoryMb: integer | default=64 minimum=16
            owner: string | required=true
            labels: map[string]string
        resources:
        - id: deployment
          template: {apiVersion: apps/v1, kind: Deployment, metadata: {name: "${component.name}"}}
        - id: service
          template:
            apiVersion: v1
            kind: Service
            metadata: {name: "${deployment.metadata.name}"}
            spec: {ports: [{port: 6380}]}
      """;
  /** Renders no Service: nothing to reach, no outputs. */
  static final String QUEUE = """
      apiVersion: slipway.dev/v1alpha1
      kind: ComponentType
      metadata: {name: queue}
      spec:
        resources:
        - id: config
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "${component.name}"}}
      """;

  @TempDir
  Path dir;

  private void platform(String score) throws IOException {
    SpecFixture.write(dir, SpecFixture.PLATFORM);
    Files.createDirectories(dir.resolve("componentTypes"));
    Files.writeString(dir.resolve("componentTypes/kv-cache.yaml"), CACHE);
    Files.writeString(dir.resolve("componentTypes/queue.yaml"), QUEUE);
    Files.createDirectories(dir.resolve("apps/shop"));
    Files.writeString(dir.resolve("apps/shop/score.yaml"), score);
  }

  private static String score(String variables, String cacheParams) {
    return """
        apiVersion: score.dev/v1b1
        metadata: {name: shop, team: payments}
        containers:
          web:
            image: nginx:1.27
            variables:
        %s
        resources:
          cache:
            type: kv-cache
            params:
        %s""".formatted(variables.indent(6).stripTrailing(), cacheParams.indent(6));
  }

  /** Loads the platform and resolves every application in every environment with the platform's types. */
  private List<ResolvedApplication> resolve(Diagnostics d) {
    Workspace ws = Workspace.load(dir);
    d.addAll(ws.diagnostics().list());
    List<ResolvedApplication> out = new java.util.ArrayList<>();
    for (EnvironmentSpec env : ws.platform().environments()) {
      for (ApplicationSpec app : ws.applications()) {
        out.add(ComponentResolver.resolve(app, env, WhatIf.NONE, ws.platform().types(), d));
      }
    }
    return out;
  }

  @Test
  void aResourceOfAPlatformTypeBecomesAComponentOfThatTypeWithItsParamsAsFields() throws IOException {
    platform(score("HOST: ${resources.cache.host}\nPORT: \"${resources.cache.port}\"",
        "owner: ${metadata.team}\nsize: large\nlabels: {tier: gold}"));
    Diagnostics d = new Diagnostics();
    List<ResolvedApplication> resolved = resolve(d);
    assertThat(d.list()).isEmpty();
    for (ResolvedApplication r : resolved) {
      assertThat(r.typed()).singleElement().satisfies(t -> {
        assertThat(t.name()).isEqualTo("cache");
        assertThat(t.type()).isEqualTo("kv-cache");
        assertThat(t.values()).containsEntry("owner", "payments").containsEntry("size", "large").containsEntry("maxMemoryMb", 64L)
            .containsEntry("labels", Map.of("tier", "gold"));
      });
      assertThat(r.components()).singleElement().satisfies(c -> {
        assertThat(c.env()).containsEntry("HOST", "cache").containsEntry("PORT", "6380");
        assertThat(c.dependsOn()).containsExactly("cache");
      });
    }
  }

  @Test
  void checksTheParamsAgainstTheTypesSchemaAtTheScoreFilesLines() throws IOException {
    platform(score("A: b", "owner: payments\nsize: huge\nmaxMemoryMb: 8"));
    Diagnostics d = new Diagnostics();
    resolve(d);
    assertThat(d.list()).extracting(Diagnostic::code, Diagnostic::location).contains(
        org.assertj.core.groups.Tuple.tuple("spec.invalid-value", "apps/shop/score.yaml:13:13"),
        org.assertj.core.groups.Tuple.tuple("spec.invalid-value", "apps/shop/score.yaml:14:20"));
    assertThat(d.list()).filteredOn(x -> x.location().equals("apps/shop/score.yaml:13:13")).first()
        .satisfies(x -> assertThat(x.message()).contains("'huge' is not allowed", "allowed: small, large"));
  }

  @Test
  void reportsAMissingRequiredParamAtTheResource() throws IOException {
    platform(score("A: b", "size: small"));
    Diagnostics d = new Diagnostics();
    resolve(d);
    assertThat(d.list()).extracting(Diagnostic::code, Diagnostic::path, Diagnostic::location)
        .contains(org.assertj.core.groups.Tuple.tuple("spec.required", "spec.components.cache.owner", "apps/shop/score.yaml:9:3"));
  }

  @Test
  void refusesAParamTheTypeDoesNotHaveWhenConverting() throws IOException {
    platform(score("A: b", "owner: payments\nsizes: large"));
    List<Diagnostic> diags = Workspace.load(dir).diagnostics().list();
    assertThat(diags).singleElement().satisfies(x -> {
      assertThat(x.code()).isEqualTo("score.unknown-param");
      assertThat(x.location()).isEqualTo("apps/shop/score.yaml:13:7");
      assertThat(x.message()).contains("platform type 'kv-cache' (componentTypes/kv-cache.yaml) has no field 'sizes' (did you mean 'size'?)",
          "parameters (the type's fields): size, maxMemoryMb, owner, labels");
    });
  }

  @Test
  void offersOnlyTheOutputsTheTypesTemplatesDecideOffline() throws IOException {
    platform(score("URL: ${resources.cache.url}\nQ: ${resources.jobs.host}", "owner: payments") + "  jobs: {type: queue}\n");
    List<Diagnostic> diags = Workspace.load(dir).diagnostics().list();
    assertThat(diags).extracting(Diagnostic::code).containsOnly("score.invalid-placeholder");
    assertThat(diags).extracting(Diagnostic::message)
        .anySatisfy(m -> assertThat(m).contains("resource 'cache' (kv-cache) has no output 'url'; outputs: host, port (a platform type"
            + " offers 'host' when it always renders a Service named after the component"))
        .anySatisfy(m -> assertThat(m).contains("resource 'jobs' (queue) has no output 'host'; it has no outputs"));
  }

  @Test
  void namesThePlatformsTypesWhenAResourceTypeIsUnknownAndSaysWhenThePlatformWasNotConsulted() throws IOException {
    String text = """
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web: {image: nginx:1.27}
        resources:
          cache: {type: kv-cach}
        """;
    platform(text);
    assertThat(Workspace.load(dir).diagnostics().list()).singleElement().satisfies(x -> {
      assertThat(x.location()).isEqualTo("apps/shop/score.yaml:6:17");
      assertThat(x.message()).contains("(did you mean 'kv-cache'?)", "; the platform's types: kv-cache, queue");
    });
    Diagnostics d = new Diagnostics();
    assertThat(ScoreConverterTest.convert(text.replace("kv-cach}", "kv-cache}"), dir, d)).isNull();
    assertThat(d.list()).singleElement().satisfies(x -> assertThat(x.message())
        .contains("the platform's own types were not consulted (slipway convert score maps to them with --platform DIR)"));
  }

  @Test
  void keepsSlipwaysOwnMeaningOfRouteDnsAndEnvironment() throws IOException {
    platform("""
        apiVersion: score.dev/v1b1
        metadata: {name: shop}
        containers:
          web: {image: nginx:1.27, variables: {TOKEN: "${resources.env.token}"}}
        resources:
          env: {type: environment}
        """);
    Files.writeString(dir.resolve("componentTypes/environment.yaml"), QUEUE.replace("name: queue", "name: environment"));
    Workspace ws = Workspace.load(dir);
    assertThat(ws.diagnostics().list()).isEmpty();
    assertThat(ws.applications().get(0).components()).containsOnlyKeys("web");
  }

  @Test
  void aSecretCannotBeAPlatformTypesParam() throws IOException {
    platform(score("A: b", "owner: ${resources.db.password}") + "  db: {type: postgres}\n");
    assertThat(Workspace.load(dir).diagnostics().list()).singleElement().satisfies(x -> {
      assertThat(x.code()).isEqualTo("score.invalid-placeholder");
      assertThat(x.location()).isEqualTo("apps/shop/score.yaml:12:14");
      assertThat(x.message()).contains("only ${metadata.*} may be used here", "a platform type's parameters may use ${metadata.*} only");
    });
  }

}
