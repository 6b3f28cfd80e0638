package dev.slipway.model.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.SpecFixture;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.load.WhatIf;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.EnvironmentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A platform's own component types in the app.yaml schema: derived from their SimpleSchema by
 * one conversion, accepting what the loader accepts and refusing what it refuses.
 */
class PlatformTypeSchemaTest {
  static final String TYPE = """
      apiVersion: slipway.dev/v1alpha1
      kind: ComponentType
      metadata: {name: shop-web, description: A test type}
      spec:
        schema:
          spec:
            image: string | required=true description="The image"
            port: integer | default=8080 minimum=1024 maximum=65535
            tier: string | default="web" enum="web,api"
            version: string | default="16" enum="15,16"
            ratio: float | default=0.5
            tags: "[]string"
            labels: map[string]string
            extra: object
            ingress:
              enabled: boolean | default=true
              path: string | default="/"
            owner:
              team: string | required=true
        resources:
        - id: config
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "${component.name}"}}
      """;

  @TempDir
  Path dir;

  private Workspace platform(String platformYaml, String... apps) throws IOException {
    SpecFixture.write(dir, platformYaml, apps);
    Files.createDirectories(dir.resolve("componentTypes"));
    Files.writeString(dir.resolve("componentTypes/shop-web.yaml"), TYPE);
    Workspace ws = Workspace.load(dir);
    assertThat(ws.platform()).isNotNull();
    assertThat(ws.platform().types()).containsKey("shop-web");
    return ws;
  }

  /** The errors the loader reports for every application in every environment, with the platform's types. */
  private static List<Diagnostic> loaderErrors(Workspace ws) {
    Diagnostics d = new Diagnostics();
    d.addAll(ws.diagnostics().list());
    for (EnvironmentSpec env : ws.platform().environments()) {
      for (ApplicationSpec app : ws.applications()) {
        ComponentResolver.resolve(app, env, WhatIf.NONE, ws.platform().types(), d);
      }
    }
    return d.list().stream().filter(Diagnostic::isError).toList();
  }

  private static JsonSchema appSchema(Workspace ws) {
    return SpecSchemasTest.compile(SpecSchemas.application(ComponentTypeSchema.of(ws.platform()), List.of()));
  }

  @Test
  void convertsEachSimpleSchemaTypeAndMarker() throws IOException {
    ComponentTypeSchema t = ComponentTypeSchema.of(platform(SpecFixture.PLATFORM).platform()).stream()
        .filter(s -> s.id().equals("shop-web")).findFirst().orElseThrow();
    JsonNode p = t.ownProperties();
    assertThat(t.required()).containsExactly("type", "image", "owner");
    assertThat(t.commonFields()).as("besides type, Slipway's keys in a platform-type instance are the escape hatches")
        .containsExactlyInAnyOrderElementsOf(dev.slipway.model.load.EscapeHatchBinder.FIELDS);
    assertThat(t.description()).isEqualTo("A test type (componentTypes/shop-web.yaml)");
    assertThat(p.get("image").toString()).isEqualTo("{\"description\":\"The image\",\"type\":[\"string\",\"number\",\"boolean\"]}");
    assertThat(p.get("port").toString()).isEqualTo("{\"type\":\"integer\",\"minimum\":1024,\"maximum\":65535,\"default\":8080}");
    assertThat(p.get("tier").get("enum").toString()).isEqualTo("[\"web\",\"api\"]");
    assertThat(p.get("version").get("enum").toString()).as("YAML reads an unquoted 16 as a number; the loader takes it as '16'")
        .isEqualTo("[\"15\",15,\"16\",16]");
    assertThat(p.get("ratio").toString()).isEqualTo("{\"type\":\"number\",\"default\":0.5}");
    assertThat(p.get("tags").toString()).isEqualTo("{\"type\":\"array\",\"items\":{\"type\":[\"string\",\"number\",\"boolean\"]}}");
    assertThat(p.get("labels").toString()).isEqualTo("{\"type\":\"object\",\"additionalProperties\":{\"type\":[\"string\",\"number\",\"boolean\"]}}");
    assertThat(p.get("extra").toString()).isEqualTo("{\"type\":\"object\"}");
    assertThat(p.at("/ingress/additionalProperties").asBoolean(true)).isFalse();
    assertThat(p.at("/ingress/properties/enabled").toString()).isEqualTo("{\"type\":\"boolean\",\"default\":true}");
    assertThat(p.at("/owner/required").toString()).isEqualTo("[\"team\"]");
  }

  @Test
  void acceptsAValidInstanceAsTheLoaderDoes() throws IOException {
    String app = SpecFixture.app("""
        web:
          type: shop-web
          image: "nginx:1.27"
          port: 8443
          version: 15
          tags: [a, b]
          labels: {team: shop}
          extra: {anything: [1, 2]}
          ingress: {enabled: false}
          owner: {team: shop}
        """) + "  environments:\n    prod:\n      components:\n        web: {port: null, tier: api}\n";
    Workspace ws = platform(SpecFixture.PLATFORM, app);
    assertThat(loaderErrors(ws)).isEmpty();
    assertThat(SpecSchemasTest.validate(appSchema(ws), app)).isEmpty();
  }

  @Test
  void refusesWrongValuesInTheSchemaAndInTheLoader() throws IOException {
    record Case(String component, String schemaSays, String loaderCode) {}
    List<Case> cases = List.of(
        new Case("tier: db", "$.spec.components.web.tier", "spec.invalid-value"),
        new Case("version: 17", "$.spec.components.web.version", "spec.invalid-value"),
        new Case("port: 80", "$.spec.components.web.port", "spec.invalid-value"),
        new Case("port: \"8080\"", "$.spec.components.web.port", "spec.wrong-type"),
        new Case("tags: a", "$.spec.components.web.tags", "spec.wrong-type"),
        new Case("ingress: {enabled: yes-please}", "$.spec.components.web.ingress.enabled", "spec.wrong-type"),
        new Case("ingress: {host: shop.example.com}", "host", "spec.unknown-field"),
        new Case("replicas: 2", "replicas", "spec.unknown-field"),
        new Case("owner: {}", "team", "spec.required"));
    for (Case c : cases) {
      String component = "web:\n  type: shop-web\n  image: \"nginx:1.27\"\n" + (c.component().startsWith("owner") ? "" : "  owner: {team: shop}\n")
          + "  " + c.component() + "\n";
      String app = SpecFixture.app(component);
      Workspace ws = platform(SpecFixture.PLATFORM, app);
      assertThat(loaderErrors(ws)).as(c.component()).extracting(Diagnostic::code).contains(c.loaderCode());
      assertThat(SpecSchemasTest.validate(appSchema(ws), app)).as(c.component()).extracting(ValidationMessage::getMessage)
          .anySatisfy(m -> assertThat(m).contains(c.schemaSays()));
    }
    String missing = SpecFixture.app("web: {type: shop-web, owner: {team: shop}}");
    Workspace ws = platform(SpecFixture.PLATFORM, missing);
    assertThat(loaderErrors(ws)).extracting(Diagnostic::code).contains("spec.required");
    assertThat(SpecSchemasTest.validate(appSchema(ws), missing)).extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("image"));
  }

  @Test
  void keepsEachTypesOwnMeaningOfAFieldNameTheyShare() throws IOException {
    Workspace ws = platform(SpecFixture.PLATFORM);
    JsonSchema schema = appSchema(ws);
    assertThat(SpecSchemasTest.validate(schema, SpecFixture.app("web: {type: web, image: \"nginx:1\", ingress: {enabled: true}}")))
        .as("a built-in web's ingress has no 'enabled'").isNotEmpty();
    assertThat(SpecSchemasTest.validate(schema, SpecFixture.app("web: {type: web, image: \"nginx:1\", port: 80, ingress: {path: /}}")))
        .as("a built-in web's port and ingress").isEmpty();
    assertThat(SpecSchemasTest.validate(schema, SpecFixture.app("web: {type: web, image: \"nginx:1\", tier: web}")))
        .as("a platform type's field on a built-in type").isNotEmpty();
    assertThat(SpecSchemasTest.validate(schema, SpecFixture.app("web: {type: shop-webb, image: \"nginx:1\"}")))
        .as("type names only the built-in and the platform's types").isNotEmpty();
  }

  @Test
  void aRequiredFieldEveryEnvironmentDefaultsIsNotRequiredInAppYaml() throws IOException {
    String platform = SpecFixture.PLATFORM.replace("  - name: dev\n    domain: dev.example.com\n",
        "  - name: dev\n    domain: dev.example.com\n    defaults: {owner: {team: platform}}\n")
        .replace("defaults: {replicas: 3}", "defaults: {replicas: 3, owner: {team: platform}}");
    String app = SpecFixture.app("web: {type: shop-web, image: \"nginx:1.27\"}");
    Workspace ws = platform(platform, app);
    assertThat(loaderErrors(ws)).isEmpty();
    assertThat(SpecSchemasTest.validate(appSchema(ws), app)).isEmpty();
    assertThat(SpecSchemasTest.validate(SpecSchemasTest.compile(SpecSchemas.platform(ComponentTypeSchema.of(ws.platform()))), platform))
        .as("an environment's defaults take the platform types' fields").isEmpty();
  }
}
