package dev.slipway.engine.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.ComponentTypeLoader;
import dev.slipway.model.spec.ComponentTypeSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeCompilerTest {
  static final String FILE = "componentTypes/web-app.yaml";

  /** A type with one Deployment-like resource whose template is {@code template} (indented as a resource's). */
  static String type(String schema, String resources) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: ComponentType
        metadata: {name: web-app}
        spec:
          schema:
            spec:
        """ + schema.indent(6) + """
          resources:
        """ + resources.indent(2);
  }

  static final String SCHEMA = """
      image: string | required=true
      replicas: integer | default=2 minimum=1
      tier: string | default="web" enum="web,api"
      expose: boolean | default=true
      ingress:
        path: string | default="/"
      """;

  static ComponentTypeSpec spec(String source) {
    Diagnostics d = new Diagnostics();
    ComponentTypeSpec t = ComponentTypeLoader.parse(source, FILE, d);
    assertThat(d.list()).as("loading").isEmpty();
    return t;
  }

  static List<Diagnostic> problems(String source) {
    return TypeCompiler.compile(spec(source)).problems();
  }

  /** {@code file:line:column} of the first occurrence of {@code needle} in {@code source}. */
  static String at(String source, String needle) {
    int i = source.indexOf(needle);
    assertThat(i).as(needle).isNotNegative();
    int line = (int) source.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
    int column = i - source.lastIndexOf('\n', i - 1);
    return FILE + ":" + line + ":" + column;
  }

  static String configMap(String id, String name, String data) {
    return """
        - id: %s
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: "%s"}
            data:
              value: '%s'
        """.formatted(id, name, data);
  }

  @Test
  void reportsBadCelSyntaxAtTheOffendingCharacter() {
    String src = type(SCHEMA, configMap("config", "${component.name}", "${schema.spec.image +}"));
    List<Diagnostic> p = problems(src);
    assertThat(p).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.invalid-expression");
      assertThat(d.location()).isEqualTo(at(src, "}'"));
      assertThat(d.message()).contains("${schema.spec.image +}");
    });
  }

  @Test
  void reportsAWrongTypeAtTheOperator() {
    String src = type(SCHEMA, configMap("config", "${component.name}", "${string(schema.spec.replicas + \"x\")}"));
    List<Diagnostic> p = problems(src);
    assertThat(p).singleElement().satisfies(d -> {
      assertThat(d.location()).isEqualTo(at(src, "+ \"x\""));
      assertThat(d.message()).contains("no matching overload for '_+_' applied to '(int, string)'");
    });
  }

  @Test
  void reportsAnUnknownSchemaFieldAtTheField() {
    String src = type(SCHEMA, configMap("config", "${component.name}", "${string(schema.spec.replica)}"));
    List<Diagnostic> p = problems(src);
    assertThat(p).singleElement().satisfies(d -> {
      assertThat(d.location()).isEqualTo(at(src, ".replica)"));
      assertThat(d.message()).contains("undefined field 'replica'");
    });
  }

  @Test
  void reportsAnUnknownResourceIdWithASuggestion() {
    String src = type(SCHEMA, configMap("config", "${component.name}", "${servce.metadata.name}")
        + configMap("service", "svc", "x"));
    List<Diagnostic> p = problems(src);
    assertThat(p).singleElement().satisfies(d -> {
      assertThat(d.location()).isEqualTo(at(src, "servce"));
      assertThat(d.message()).contains("undeclared reference to 'servce'");
    });
  }

  @Test
  void reportsAFieldTheOtherTemplateDoesNotRender() {
    // The rendered type of 'service' has metadata.name but no metadata.nme: caught offline by the struct types.
    String src = type(SCHEMA, configMap("service", "svc", "x") + configMap("config", "${service.metadata.nme}", "x"));
    assertThat(problems(src)).singleElement().satisfies(d -> {
      assertThat(d.location()).isEqualTo(at(src, ".nme"));
      assertThat(d.message()).contains("undefined field 'nme'");
    });
  }

  @Test
  void rejectsACycleBetweenTwoTemplatesNamingTheChain() {
    String src = type(SCHEMA, configMap("first", "${second.metadata.name}", "x") + configMap("second", "${first.metadata.name}", "x"));
    assertThat(problems(src)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.reference-cycle");
      assertThat(d.message()).contains("first -> second -> first");
      assertThat(d.location()).isEqualTo(at(src, "second.metadata.name"));
    });
  }

  @Test
  void rejectsAReferenceIntoAnotherResourcesStatus() {
    String src = type(SCHEMA, configMap("service", "svc", "x") + configMap("config", "c", "${service.status.loadBalancer}"));
    assertThat(problems(src)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.status-reference");
      assertThat(d.location()).isEqualTo(at(src, ".status"));
      assertThat(d.message()).contains("exists only once the object runs in the cluster");
    });
  }

  @Test
  void rejectsAnIncludeWhenThatIsNotBool() {
    String src = type(SCHEMA, """
        - id: config
          includeWhen:
          - ${schema.spec.replicas}
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
        """);
    assertThat(problems(src)).singleElement().satisfies(d -> {
      assertThat(d.location()).isEqualTo(at(src, "schema.spec.replicas}"));
      assertThat(d.message()).contains("is of type int, not bool");
    });
  }

  @Test
  void rejectsAReadyWhenReadingAnotherResource() {
    String src = type(SCHEMA, configMap("service", "svc", "x") + """
        - id: config
          readyWhen:
          - ${service.metadata.name == "svc"}
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
        """);
    assertThat(problems(src)).singleElement().satisfies(d -> assertThat(d.code()).isEqualTo("spec.invalid-reference"));
  }

  static Map<String, Object> vars(Map<String, Object> spec) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("schema", Map.of("spec", spec));
    v.put("component", Map.of("name", "web"));
    v.put("app", Map.of("name", "shop", "namespace", "shop"));
    v.put("env", Map.of("name", "dev", "domain", "dev.example.com", "production", false, "cluster", Map.of("name", "c", "context", "c")));
    v.put("platform", Map.of("name", "p", "region", "us-east-1"));
    return v;
  }

  static Map<String, Object> values(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>(Map.of("image", "nginx:1", "replicas", 2L, "tier", "web", "expose", true,
        "ingress", Map.of("path", "/")));
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void rendersInDependencyOrderWithTypedValuesAndInterpolation() {
    String src = type(SCHEMA, """
        - id: service
          template:
            apiVersion: v1
            kind: Service
            metadata: {name: "${deployment.metadata.name}-svc"}
            spec: {ports: [{port: "${deployment.spec.replicas * 40}"}]}
        - id: deployment
          template:
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: "${app.name}-${component.name}"}
            spec: {replicas: "${schema.spec.replicas}", host: "${app.name}.${env.domain}${schema.spec.ingress.path}"}
        """);
    CompiledType t = TypeCompiler.compile(spec(src)).type();
    assertThat(t.resources()).extracting(CompiledType.Resource::id).containsExactly("deployment", "service");
    CompiledType.Rendering r = t.render(vars(values("replicas", 3L)), "web");
    assertThat(r.problems()).isEmpty();
    Map<String, Object> dep = r.objects().get(0).body();
    assertThat(dep).extracting("spec").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("replicas", 3L).containsEntry("host", "shop.dev.example.com/");
    assertThat(r.objects().get(1).body().get("metadata")).isEqualTo(Map.of("name", "shop-web-svc"));
    assertThat(r.objects().get(1).body().toString()).contains("port=120");
  }

  @Test
  void includeWhenFalseDropsTheObjectAndWhatReadsIt() {
    String src = type(SCHEMA, """
        - id: ingress
          includeWhen:
          - ${schema.spec.expose}
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: ing}}
        - id: afterIngress
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: "${ingress.metadata.name}-2"}}
        - id: always
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: always}}
        """);
    CompiledType t = TypeCompiler.compile(spec(src)).type();
    assertThat(t.render(vars(values()), "web").objects()).extracting(CompiledType.Output::id)
        .containsExactly("ingress", "afterIngress", "always");
    assertThat(t.render(vars(values("expose", false)), "web").objects()).extracting(CompiledType.Output::id)
        .containsExactly("always");
  }

  @Test
  void anExpressionOverAnUnsetFieldFailsAtRenderWithItsPosition() {
    String src = type(SCHEMA + "note: string\n", configMap("config", "c", "${schema.spec.note}"));
    CompiledType t = TypeCompiler.compile(spec(src)).type();
    CompiledType.Rendering r = t.render(vars(values()), "web");
    assertThat(r.objects()).isEmpty();
    assertThat(r.problems()).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("render.expression-failed");
      assertThat(d.location()).isEqualTo(at(src, "schema.spec.note}"));
      assertThat(d.message()).contains("guard with has()");
    });
  }
}
