package dev.slipway.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.sync.Health.Assessment;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.HealthSpec;
import dev.slipway.model.spec.HealthSpec.InlineScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A platform's health scripts in front of the built-in rules, chosen as Argo CD chooses them. */
class HealthRulesTest {
  @TempDir
  Path dir;

  static JsonNode yaml(String s) {
    try {
      return new YAMLMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final JsonNode DEPLOYMENT = yaml("""
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, generation: 1}
      spec: {replicas: 1}
      status: {observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1}
      """);
  static final JsonNode CERTIFICATE = yaml("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n");
  static final JsonNode BUCKET = yaml("apiVersion: s3.aws.crossplane.io/v1beta1\nkind: Bucket\nmetadata: {name: b}\n");

  static String script(String status, String message) {
    return "return {status = \"" + status + "\", message = \"" + message + "\"}\n";
  }

  static InlineScript inline(String group, String kind, String source) {
    return new InlineScript(group, kind, group + "_" + kind, source, new Position("slipway.yaml", 30, 5));
  }

  void write(String path, String text) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void withoutScriptsTheBuiltInRulesJudge() {
    assertThat(HealthRules.BUILT_IN.assess(DEPLOYMENT).status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(HealthRules.BUILT_IN.assess(CERTIFICATE)).isNull();
    assertThat(HealthRules.BUILT_IN.assess(null).status()).isEqualTo(HealthStatus.MISSING);
  }

  @Test
  void anInlineScriptOverridesTheBuiltInRuleForItsKindOnly() {
    Diagnostics d = new Diagnostics();
    HealthRules rules = HealthRules.load(dir, new HealthSpec(null, Position.NONE,
        List.of(inline("apps", "Deployment", script("Degraded", "scripted")))), d);
    assertThat(d.list()).isEmpty();
    assertThat(rules.assess(DEPLOYMENT)).isEqualTo(new Assessment(HealthStatus.DEGRADED, "scripted"));
    assertThat(rules.assess(CERTIFICATE)).isNull();
    assertThat(rules.assess(null).status()).as("a missing object is Missing, script or not").isEqualTo(HealthStatus.MISSING);
  }

  @Test
  void readsArgoCdsDirectoryLayoutWithWildcardFoldersAndTheCoreGroup() throws Exception {
    write("health/cert-manager.io/Certificate/health.lua", script("Progressing", "from the directory"));
    write("health/_.crossplane.io/_/health.lua", script("Suspended", "any crossplane kind"));
    write("health/ConfigMap/health.lua", script("Healthy", "core group"));
    write("health/cert-manager.io/Certificate/actions/refresh/health.lua", script("Degraded", "an action, not a health script"));
    Diagnostics d = new Diagnostics();
    HealthRules rules = HealthRules.load(dir, new HealthSpec("health", new Position("slipway.yaml", 20, 5), List.of()), d);
    assertThat(d.list()).isEmpty();
    assertThat(rules.scriptedKinds()).containsExactly("/ConfigMap", "cert-manager.io/Certificate", "*.crossplane.io/*");
    assertThat(rules.assess(CERTIFICATE)).isEqualTo(new Assessment(HealthStatus.PROGRESSING, "from the directory"));
    assertThat(rules.assess(BUCKET)).isEqualTo(new Assessment(HealthStatus.SUSPENDED, "any crossplane kind"));
    assertThat(rules.assess(yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n")).message()).isEqualTo("core group");
  }

  @Test
  void inlineScriptsWinOverTheDirectoryAndExactKindsOverWildcards() throws Exception {
    write("health/cert-manager.io/Certificate/health.lua", script("Progressing", "directory"));
    write("health/_.crossplane.io/_/health.lua", script("Suspended", "directory wildcard"));
    HealthRules rules = HealthRules.load(dir, new HealthSpec("health", Position.NONE, List.of(
        inline("cert-manager.io", "Certificate", script("Healthy", "inline")),
        inline("*.aws.crossplane.io", "*", script("Degraded", "inline wildcard")))), new Diagnostics());
    assertThat(rules.assess(CERTIFICATE).message()).isEqualTo("inline");
    assertThat(rules.assess(BUCKET).message()).isEqualTo("inline wildcard");
    assertThat(rules.assess(yaml("apiVersion: pkg.crossplane.io/v1\nkind: Provider\nmetadata: {name: p}\n")).message())
        .isEqualTo("directory wildcard");
  }

  @Test
  void reportsScriptsThatAreNotValidLuaAndAMissingDirectoryWithFileAndLine() throws Exception {
    write("health/cert-manager.io/Certificate/health.lua", "hs = {}\nif obj.status then\n  hs.status = 'Healthy'\nreturn hs\n");
    Diagnostics d = new Diagnostics();
    HealthRules.load(dir, new HealthSpec("health", new Position("slipway.yaml", 20, 5),
        List.of(inline("keda.sh", "ScaledObject", "return {status = 'Healthy'"))), d);
    List<Diagnostic> errors = d.list();
    assertThat(errors).anySatisfy(e -> {
      assertThat(e.file()).isEqualTo("health/cert-manager.io/Certificate/health.lua");
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.message()).contains("not valid Lua", "'end' expected");
    });
    assertThat(errors).anySatisfy(e -> {
      assertThat(e.file()).isEqualTo("slipway.yaml");
      assertThat(e.line()).isEqualTo(30);
      assertThat(e.message()).contains("keda.sh_ScaledObject is not valid Lua", "line 1 of the script");
    });

    Diagnostics missing = new Diagnostics();
    HealthRules.load(dir, new HealthSpec("nowhere", new Position("slipway.yaml", 20, 5), List.of()), missing);
    assertThat(missing.list()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo("slipway.yaml");
      assertThat(e.line()).isEqualTo(20);
      assertThat(e.message()).contains("'nowhere' does not exist");
    });
  }
}
