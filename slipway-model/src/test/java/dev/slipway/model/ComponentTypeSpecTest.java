package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.load.WhatIf;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.FieldType.Kind;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.yaml.SpecNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentTypeSpecTest {
  @TempDir
  Path tmp;

  static final String SCHEMA = """
      image: string | required=true description="The image"
      replicas: integer | default=2 minimum=1 maximum=10
      tier: string | default="web" enum="web,api"
      ratio: float | default=0.5
      tags: "[]string"
      labels: map[string]string
      ingress:
        enabled: boolean | default=true
        path: string | default="/"
      """;

  static String type(String name, String schema) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: ComponentType
        metadata: {name: %s, description: A test type}
        spec:
          schema:
            spec:
        %s  resources:
          - id: config
            template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "${component.name}"}}
        """.formatted(name, schema.indent(6));
  }

  Path platform(String typeFile, String typeText, String... apps) throws IOException {
    SpecFixture.write(tmp, SpecFixture.PLATFORM, apps);
    Files.createDirectories(tmp.resolve("componentTypes"));
    Files.writeString(tmp.resolve("componentTypes").resolve(typeFile), typeText);
    return tmp;
  }

  /** {@code file:line:column} of {@code needle} in {@code text}. */
  static String at(String file, String text, String needle) {
    int i = text.indexOf(needle);
    assertThat(i).as(needle).isNotNegative();
    int line = (int) text.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
    return file + ":" + line + ":" + (i - text.lastIndexOf('\n', i - 1));
  }

  @Test
  void loadsTheSchemaWithItsMarkersAndNestedObjects() throws IOException {
    Workspace ws = Workspace.load(platform("web-app.yaml", type("web-app", SCHEMA)));
    assertThat(ws.diagnostics().list()).isEmpty();
    ComponentTypeSpec t = ws.platform().types().get("web-app");
    assertThat(t.description()).isEqualTo("A test type");
    assertThat(t.fields()).extracting(SchemaField::name).containsExactly("image", "replicas", "tier", "ratio", "tags", "labels", "ingress");
    SchemaField replicas = t.fields().get(1);
    assertThat(replicas.defaultValue()).isEqualTo(2L);
    assertThat(replicas.minimum()).isEqualByComparingTo(BigDecimal.ONE);
    assertThat(replicas.maximum()).isEqualByComparingTo(BigDecimal.TEN);
    assertThat(t.fields().get(0).required()).isTrue();
    assertThat(t.fields().get(0).description()).isEqualTo("The image");
    assertThat(t.fields().get(2).enumValues()).containsExactly("web", "api");
    assertThat(t.fields().get(4).type().describe()).isEqualTo("[]string");
    assertThat(t.fields().get(5).type().describe()).isEqualTo("map[string]string");
    assertThat(t.fields().get(6).type().kind()).isEqualTo(Kind.OBJECT);
    assertThat(t.fields().get(6).type().fields()).extracting(SchemaField::defaultValue).containsExactly(true, "/");
  }

  @Test
  void reportsSchemaMistakesAtTheCharacterTheyStartOn() throws IOException {
    String text = type("web-app", """
        a: integr | default=1
        b: integer | default=two
        c: boolean | enum="true,false"
        d: integer | minimum=5 maximum=1
        e: string | requird=true
        f: string | required=true default="x"
        """);
    Workspace ws = Workspace.load(platform("web-app.yaml", text));
    String f = "componentTypes/web-app.yaml";
    assertThat(ws.diagnostics().list()).extracting(d -> d.location() + " " + d.message()).containsExactly(
        at(f, text, "integr") + " unknown type 'integr' (did you mean 'integer'?); types: string, integer, float, number, boolean, []T, map[string]T, object",
        at(f, text, "two") + " default 'two' is not an integer",
        at(f, text, "enum=") + " enum applies to string and integer fields, not boolean",
        at(f, text, "minimum=5") + " minimum 5 is above maximum 1",
        at(f, text, "requird") + " unknown marker 'requird' (did you mean 'required'?); markers: required, default, enum, minimum, maximum, description",
        at(f, text, "default=\"x\"") + " a required field has no use for a default: drop one of them");
    assertThat(ws.platform().types()).isEmpty();
  }

  @Test
  void refusesATypeNamedLikeABuiltInOneOrUnlikeItsFile() throws IOException {
    Workspace ws = Workspace.load(platform("web.yaml", type("web", "x: string\n")));
    assertThat(ws.diagnostics().list()).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).startsWith("'web' is a built-in type"));
    Files.delete(tmp.resolve("componentTypes/web.yaml"));
    Files.writeString(tmp.resolve("componentTypes/other.yaml"), type("web-app", "x: string\n"));
    assertThat(Workspace.load(tmp).diagnostics().list()).extracting(Diagnostic::message)
        .anySatisfy(m -> assertThat(m).contains("must be written in componentTypes/web-app.yaml"));
  }

  @Test
  void reportsAnUnclosedExpressionAtItsDollar() throws IOException {
    String text = type("web-app", "x: string\n").replace("name: \"${component.name}\"", "name: \"a-${component.name\"");
    Workspace ws = Workspace.load(platform("web-app.yaml", text));
    assertThat(ws.diagnostics().list()).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.invalid-template");
      assertThat(d.location()).isEqualTo(at("componentTypes/web-app.yaml", text, "${component.name\""));
    });
  }

  static String app(String component) {
    return SpecFixture.app(component);
  }

  List<Diagnostic> resolve(Workspace ws) {
    Diagnostics d = new Diagnostics();
    d.addAll(ws.diagnostics().list());
    for (var env : ws.platform().environments()) {
      for (var a : ws.applications()) {
        ComponentResolver.resolve(a, env, WhatIf.NONE, ws.platform().types(), d);
      }
    }
    return d.list();
  }

  @Test
  void resolvesAnInstanceOverTheSchemaDefaultsWithTheOriginOfEveryValue() throws IOException {
    String appText = app("""
        web:
          type: web-app
          image: nginx:1.27
          labels: {team: shop}
        """);
    Workspace ws = Workspace.load(platform("web-app.yaml", type("web-app", SCHEMA), appText));
    Diagnostics d = new Diagnostics();
    ResolvedApplication r = ComponentResolver.resolve(ws.applications().get(0), ws.platform().environment("prod").orElseThrow(), WhatIf.NONE,
        ws.platform().types(), d);
    assertThat(d.list()).isEmpty();
    assertThat(r.components()).isEmpty();
    assertThat(r.typed()).singleElement().satisfies(t -> {
      assertThat(t.type()).isEqualTo("web-app");
      assertThat(t.values()).containsEntry("image", "nginx:1.27").containsEntry("replicas", 3L).containsEntry("tier", "web")
          .containsEntry("labels", Map.of("team", "shop")).containsEntry("ingress", Map.of("enabled", true, "path", "/"));
    });
    SpecNode.MapNode tree = (SpecNode.MapNode) r.trees().get("web");
    assertThat(tree.get("replicas").origin().describe()).isEqualTo("platform (" + at("slipway.yaml", SpecFixture.PLATFORM, "3}") + ")");
    assertThat(tree.get("tier").origin().describe()).isEqualTo("type default (web-app)");
    assertThat(tree.get("image").origin().describe()).isEqualTo("app (apps/app0/app.yaml:8:14)");
  }

  @Test
  void checksInstanceValuesAgainstTheSchemaWithPositions() throws IOException {
    String appText = app("""
        web:
          type: web-app
          replica: 2
          replicas: 11
          tier: worker
          ratio: high
          ingress: {enabled: yes-please}
        """);
    Workspace ws = Workspace.load(platform("web-app.yaml", type("web-app", SCHEMA), appText));
    String f = "apps/app0/app.yaml";
    assertThat(resolve(ws)).extracting(d -> d.location() + " " + d.path() + ": " + d.message()).containsExactly(
        at(f, appText, "type: web-app") + " spec.components.web.image: required field 'image' is missing (The image)",
        at(f, appText, "replica:") + " spec.components.web.replica: unknown field 'replica' (did you mean 'replicas'?); fields of this type:"
            + " image, replicas, tier, ratio, tags, labels, ingress",
        at(f, appText, "11") + " spec.components.web.replicas: 11 is outside 1-10",
        at(f, appText, "worker") + " spec.components.web.tier: 'worker' is not allowed; allowed: web, api",
        at(f, appText, "high") + " spec.components.web.ratio: expected a float, got string 'high'",
        at(f, appText, "yes-please") + " spec.components.web.ingress.enabled: expected a boolean, got string 'yes-please'");
  }

  @Test
  void anUnknownTypeListsThePlatformsTypesToo() throws IOException {
    Workspace ws = Workspace.load(platform("web-app.yaml", type("web-app", SCHEMA), app("web: {type: web-ap, image: nginx:1}")));
    assertThat(resolve(ws)).extracting(Diagnostic::message).contains(
        "unknown component type 'web-ap' (did you mean 'web-app'?); types: web, api, worker, job, postgres, redis, web-app");
  }
}
