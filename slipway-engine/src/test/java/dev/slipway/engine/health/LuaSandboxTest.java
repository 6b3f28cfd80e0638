package dev.slipway.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.sync.Health.Assessment;
import dev.slipway.engine.sync.HealthStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sandbox Argo CD-format health scripts run in: Argo CD's contract, no way out, budgets that hold. */
class LuaSandboxTest {
  static final LuaSandbox SANDBOX = new LuaSandbox(LuaSandbox.Budget.DEFAULT);

  static JsonNode obj() {
    try {
      return new YAMLMapper().readTree("""
          apiVersion: example.com/v1
          kind: Widget
          metadata: {name: w, generation: 2}
          status:
            observedGeneration: 2
            conditions:
            - {type: Ready, status: 'True', message: all good}
          """);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Assessment run(String script) {
    return run(script, SANDBOX);
  }

  static Assessment run(String script, LuaSandbox sandbox) {
    try {
      return HealthScript.compile(script, "test/health.lua").assess(obj(), sandbox);
    } catch (HealthScript.SyntaxError e) {
      throw new AssertionError(e);
    }
  }

  static void assertUnknown(Assessment a, String... fragments) {
    assertThat(a.status()).as(a.message()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(a.message()).contains(fragments);
  }

  @Test
  void runsArgoCdContractObjInStatusAndMessageOut() {
    Assessment a = run("""
        hs = {}
        for i, c in ipairs(obj.status.conditions) do
          if c.type == "Ready" and c.status == "True" and obj.metadata.generation == obj.status.observedGeneration then
            hs.status = "Healthy"
            hs.message = c.message .. " (" .. table.getn(obj.status.conditions) .. ")"
            return hs
          end
        end
        hs.status = "Progressing"
        return hs
        """);
    assertThat(a).isEqualTo(new Assessment(HealthStatus.HEALTHY, "all good (1)"));
  }

  @Test
  void offersTheStringTableMathAndSafeOsLibrariesArgoCdScriptsUse() {
    Assessment a = run("""
        local parts = {}
        for w in string.gmatch("a,b,c", "[^,]+") do table.insert(parts, string.upper(w)) end
        table.sort(parts, function(x, y) return x > y end)
        local t = os.time()
        local d = os.date("!%Y", 0)
        return {status = "Healthy", message = table.concat(parts, "") .. math.floor(2.5) .. ("x"):rep(2) .. d
          .. tostring(type(t) == "number") .. unpack({"!"})}
        """);
    assertThat(a.message()).isEqualTo("CBA2xx1970true!");
  }

  @Test
  void aScriptThatLoopsForeverIsUnknownWithinTheInstructionBudget() {
    long start = System.nanoTime();
    Assessment a = run("while true do end");
    assertUnknown(a, "test/health.lua", "more than 1000000 instructions");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aScriptThatRunsTooLongIsStoppedByTheTimeBudget() {
    LuaSandbox slow = new LuaSandbox(new LuaSandbox.Budget(Long.MAX_VALUE, Duration.ofMillis(200), 64L << 20, 1 << 20));
    long start = System.nanoTime();
    Assessment a = run("local i = 0 while true do i = i + 1 end", slow);
    assertUnknown(a, "ran longer than 200 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aLoopThatCannotBeEscapedWithPcallIsStillStopped() {
    assertUnknown(run("while true do pcall(function() while true do end end) end"), "instructions");
  }

  @Test
  void aScriptThatGrowsATableWithoutBoundIsStoppedByTheMemoryBudget() {
    LuaSandbox sandbox = new LuaSandbox(new LuaSandbox.Budget(Long.MAX_VALUE, Duration.ofSeconds(30), 16L << 20, 1 << 20));
    assertUnknown(run("local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end", sandbox), "allocated more than 16 MiB");
  }

  @Test
  void aScriptThatDoublesAStringWithoutBoundIsStoppedByTheMemoryBudget() {
    LuaSandbox sandbox = new LuaSandbox(new LuaSandbox.Budget(Long.MAX_VALUE, Duration.ofSeconds(30), 16L << 20, 1 << 20));
    assertUnknown(run("local s = 'x' while true do s = s .. s end", sandbox), "allocated more than 16 MiB");
  }

  @Test
  void libraryCallsThatWouldBuildAHugeStringAreRefusedBeforeTheyAllocate() {
    assertUnknown(run("return {status = 'Healthy', message = string.rep('x', 1e9)}"), "string.rep would build a string longer than");
    assertUnknown(run("return {status = 'Healthy', message = ('x'):rep(1e9)}"), "string.rep would build a string longer than");
    assertUnknown(run("local s = string.rep('x', 100000) return {status = 'Healthy', message = string.gsub(s, 'x', '%0%0%0')}"),
        "string.gsub could build");
    assertUnknown(run("local s = string.rep('x', 1000000) local t = {} for i = 1, 100 do t[i] = s end"
        + " return {status = 'Healthy', message = table.concat(t)}"), "table.concat would build");
  }

  @Test
  void noWayOutOfTheSandboxOsExecuteIoRequireLoadDofile() {
    String not = "is not available to health scripts";
    assertUnknown(run("os.execute('touch /tmp/slipway-pwned') return {status = 'Healthy'}"), "line 1: os.execute " + not);
    assertUnknown(run("io.open('/etc/passwd') return {status = 'Healthy'}"), "io.open " + not);
    assertUnknown(run("local f = io.popen return {status = 'Healthy'}"), "io.popen " + not);
    assertUnknown(run("local m = require('socket') return {status = 'Healthy'}"), "require('socket') is not available");
    assertUnknown(run("load('return 1')() return {status = 'Healthy'}"), "load " + not);
    assertUnknown(run("loadstring('return 1')() return {status = 'Healthy'}"), "loadstring " + not);
    assertUnknown(run("dofile('/etc/passwd') return {status = 'Healthy'}"), "dofile " + not);
    assertUnknown(run("loadfile('/etc/passwd') return {status = 'Healthy'}"), "loadfile " + not);
    assertUnknown(run("debug.sethook() return {status = 'Healthy'}"), "debug.sethook " + not);
    assertUnknown(run("os.exit(1) return {status = 'Healthy'}"), "os.exit " + not);
    assertUnknown(run("os.getenv('HOME') return {status = 'Healthy'}"), "os.getenv " + not);
    assertUnknown(run("luajava.bindClass('java.lang.System') return {status = 'Healthy'}"), "attempt to index");
    assertUnknown(run("setmetatable(io, nil) return {status = 'Healthy'}"), "failed");
  }

  @Test
  void requireGivesTheSafeLibrariesAsInArgoCd() {
    assertThat(run("local os = require('os') return {status = 'Healthy', message = os.date('!%Y', 0)}").message()).isEqualTo("1970");
  }

  @Test
  void aScriptErrorIsUnknownWithTheErrorAndItsLine() {
    Assessment a = run("local x = 1\nerror('the widget is broken')");
    assertUnknown(a, "health script test/health.lua failed", "line 2", "the widget is broken");
    assertUnknown(run("return obj.spec.missing.field"), "failed", "line 1");
  }

  @Test
  void aResultThatIsNotATableIsUnknown() {
    assertUnknown(run("return 'Healthy'"), "expect table output from Lua script, not string");
    assertUnknown(run("return nil"), "not nil");
    assertUnknown(run("local x = 1"), "not nil");
    assertUnknown(run("return 42"), "not number");
  }

  @Test
  void aStatusOutsideArgoCdsVocabularyIsUnknownWithArgoCdsMessage() {
    assertThat(run("return {status = 'Fine'}")).isEqualTo(new Assessment(HealthStatus.UNKNOWN, HealthScript.INVALID_STATUS));
    assertThat(run("return {message = 'no status'}")).isEqualTo(new Assessment(HealthStatus.UNKNOWN, HealthScript.INVALID_STATUS));
  }

  @Test
  void endlessRecursionIsStoppedAtTheCallDepthLimit() {
    assertUnknown(run("local function f(n) return f(n + 1) + 1 end return f(1)"), "nested calls deeper than 200");
  }

  @Test
  void nothingAScriptChangesReachesTheNextCall() throws Exception {
    HealthScript script = HealthScript.compile("""
        count = (count or 0) + 1
        string.upper = function() return "hijacked" end
        return {status = "Healthy", message = tostring(count) .. string.upper("a") .. ("b"):upper()}
        """, "state.lua");
    assertThat(script.assess(obj(), SANDBOX).message()).isEqualTo("1hijackedB");
    assertThat(script.assess(obj(), SANDBOX).message()).as("fresh globals each call").isEqualTo("1hijackedB");
    assertUnknown(run("getmetatable('').__index.upper = nil return {status = 'Healthy'}"), "failed");
    assertThat(run("return {status = 'Healthy', message = ('c'):upper()}").message()).isEqualTo("C");
  }

  @Test
  void aScriptThatIsNotValidLuaIsASyntaxErrorWithItsLine() {
    try {
      HealthScript.compile("hs = {}\nif obj then\nreturn hs\n", "bad/health.lua");
      throw new AssertionError("compiled");
    } catch (HealthScript.SyntaxError e) {
      assertThat(e.line()).isEqualTo(4);
      assertThat(e.getMessage()).contains("end");
    }
  }
}
