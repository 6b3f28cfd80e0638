package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway health test}: Argo CD's health_test.yaml suites against the health.lua beside them. */
class HealthCommandTest {
  @TempDir
  Path tmp;

  static final String SCRIPT = """
      hs = {status = "Progressing", message = "Waiting for Widget"}
      if obj.status ~= nil and obj.status.ready == true then
        hs.status = "Healthy"
        hs.message = "Widget is ready"
      end
      return hs
      """;

  Path suite(String kind, String script, String tests) throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("example.com").resolve(kind));
    Files.createDirectories(folder.resolve("testdata"));
    Files.writeString(folder.resolve("testdata").resolve("ready.yaml"), "apiVersion: example.com/v1\nkind: " + kind
        + "\nmetadata: {name: w}\nstatus: {ready: true}\n");
    Files.writeString(folder.resolve("testdata").resolve("new.yaml"), "apiVersion: example.com/v1\nkind: " + kind + "\nmetadata: {name: w}\n");
    if (script != null) {
      Files.writeString(folder.resolve("health.lua"), script);
    }
    Files.writeString(folder.resolve("health_test.yaml"), tests);
    return folder;
  }

  static final String TESTS = """
      tests:
      - healthStatus: {status: Healthy, message: Widget is ready}
        inputPath: testdata/ready.yaml
      - healthStatus: {status: Progressing, message: Waiting for Widget}
        inputPath: testdata/new.yaml
      """;

  @Test
  void runsEverySuiteUnderTheDirectoryAndCountsCases() throws Exception {
    suite("Widget", SCRIPT, TESTS);
    suite("Gadget", SCRIPT, TESTS);
    CliRun r = CliRun.run("health", "test", tmp.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("example.com/Widget").contains("testdata/new.yaml").containsPattern("(?m)^4 passed, 0 failed$");
  }

  @Test
  void aFailingCaseShowsExpectedAndActualAndExitsOne() throws Exception {
    suite("Widget", SCRIPT, TESTS.replace("message: Widget is ready", "message: Widget is up"));
    CliRun r = CliRun.run("health", "test", tmp.toString(), "--failures-only");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("expected Healthy \"Widget is up\"").contains("actual   Healthy \"Widget is ready\"")
        .doesNotContain("testdata/new.yaml").containsPattern("(?m)^1 passed, 1 failed$");
  }

  @Test
  void aSuiteThatCannotBeLoadedFailsAndNamesTheFile() throws Exception {
    suite("Widget", "hs = {\nreturn hs\n", TESTS);
    suite("Gadget", null, TESTS);
    suite("Gizmo", SCRIPT, "tests: [unclosed\n");
    suite("Doohickey", SCRIPT, TESTS.replace("testdata/new.yaml", "testdata/absent.yaml"));
    CliRun r = CliRun.run("health", "test", tmp.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .containsPattern("broken suite \\S*example.com/Widget/health.lua:\\d+: not valid Lua")
        .containsPattern("broken suite \\S*example.com/Gadget/health_test.yaml: no health.lua beside it")
        .containsPattern("broken suite \\S*example.com/Gizmo/health_test.yaml:\\d+: not valid YAML")
        .containsPattern("example.com/Doohickey/testdata/absent.yaml: cannot read the input")
        .containsPattern("(?m)^1 passed, 6 failed$");
  }

  @Test
  void aScriptThatLoopsForeverFailsItsCaseAsUnknownWithoutHanging() throws Exception {
    suite("Widget", "while true do end", TESTS);
    CliRun r = CliRun.run("health", "test", tmp.toString(), "-o", "json");
    assertThat(r.exitCode()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("failed").asInt()).isEqualTo(2);
    assertThat(json.path("results").get(0).path("actualStatus").asText()).isEqualTo("Unknown");
    assertThat(json.path("results").get(0).path("actualMessage").asText()).contains("instructions");
  }

  @Test
  void eachCaseRunsTheScriptArgoCdChoosesForItsObjectAndKeysMatchIgnoringCaseAsInArgoCd() throws Exception {
    // A wildcard suite (as Argo CD's _.crossplane.io/_) holding an object of a kind that has its own script.
    Path wild = Files.createDirectories(tmp.resolve("_.example.com").resolve("_").resolve("testdata"));
    Files.writeString(wild.getParent().resolve("health.lua"), "return {status = 'Progressing', message = 'wildcard'}");
    Files.writeString(wild.resolve("gadget.yaml"), "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n");
    Files.writeString(wild.resolve("other.yaml"), "apiVersion: other.example.com/v1\nkind: Thing\nmetadata: {name: t}\n");
    Files.writeString(wild.getParent().resolve("health_test.yaml"), """
        tests:
        - healthStatus: {status: Healthy, message: Gadget script}
          inputpath: testdata/gadget.yaml
        - HealthStatus: {Status: Progressing, Message: wildcard}
          inputPath: testdata/other.yaml
        """);
    Path gadget = Files.createDirectories(tmp.resolve("example.com").resolve("Gadget"));
    Files.writeString(gadget.resolve("health.lua"), "return {status = 'Healthy', message = 'Gadget script'}");
    CliRun r = CliRun.run("health", "test", wild.getParent().getParent().toString());
    assertThat(r.out()).as("a single suite folder: no script for Gadget under it, so the one beside").contains("1 passed, 1 failed");
    CliRun all = CliRun.run("health", "test", tmp.toString());
    assertThat(all.exitCode()).as(all.out()).isZero();
    assertThat(all.out()).containsPattern("(?m)^2 passed, 0 failed$");
  }

  @Test
  void aPlatformWhoseHealthScriptIsNotValidLuaDoesNotPlanAndSaysWhere() throws Exception {
    Path platform = CliRun.example(Files.createDirectories(tmp.resolve("platform")));
    Path yaml = platform.resolve("slipway.yaml");
    Files.writeString(yaml, Files.readString(yaml).replaceFirst("(?m)^spec:\n", "spec:\n  health:\n    scripts: health\n"
        + "    inline:\n      apps_Deployment: |\n        hs = {}\n        if obj.status then\n        return hs\n"));
    Files.createDirectories(platform.resolve("health").resolve("keda.sh").resolve("ScaledObject"));
    Files.writeString(platform.resolve("health").resolve("keda.sh").resolve("ScaledObject").resolve("health.lua"), "return {status = \n");
    CliRun r = CliRun.run("plan", platform.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).containsPattern("slipway.yaml:10:\\d+.*apps_Deployment is not valid Lua \\(line 4 of the script\\)")
        .containsPattern("health/keda.sh/ScaledObject/health.lua:2:\\d+.*not valid Lua: unexpected symbol near '<eof>'");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(CliRun.run("health", "test", tmp.resolve("absent").toString()).exitCode()).isEqualTo(2);
    CliRun empty = CliRun.run("health", "test", tmp.toString());
    assertThat(empty.exitCode()).isEqualTo(2);
    assertThat(empty.err()).contains("no health_test.yaml found");
    assertThat(CliRun.run("health", "test").exitCode()).isEqualTo(2);
    assertThat(CliRun.run("health", "test", tmp.toString(), "-o", "xml").exitCode()).isEqualTo(2);
  }
}
