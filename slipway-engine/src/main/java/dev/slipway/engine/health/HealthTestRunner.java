package dev.slipway.engine.health;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.sync.Health.Assessment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs Argo CD's health script test suites: every {@code health_test.yaml} under a directory,
 * each case ({@code tests: [{inputPath, healthStatus: {status, message}}]}) against the script
 * Argo CD would run for its object — the {@code health.lua} for the object's group and kind under
 * the directory, which is the one beside the suite unless the suite tests another kind (see
 * {@link Scripts}) — in the sandbox the platform's scripts run in. A case passes when
 * status and message are both as expected, as Argo CD's own test compares them. A suite that
 * cannot be loaded (unparsable, no script beside it, a script that is not valid Lua) fails: each
 * of its cases counts as failed, or one failure when it has none to count.
 */
public final class HealthTestRunner {
  public static final String SUITE_FILE = "health_test.yaml";
  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * One case.
   *
   * @param suite the folder of the suite, relative to the directory run
   * @param input the case's {@code inputPath}
   * @param problem why the case could not be run (unreadable input, no expected status), or null
   */
  public record Case(String suite, String input, String expectedStatus, String expectedMessage, String actualStatus,
      String actualMessage, String problem) {
    public boolean passed() {
      return problem == null && expectedStatus.equals(actualStatus) && expectedMessage.equals(actualMessage);
    }
  }

  /** A suite that cannot be loaded: the file at fault, its line (0 when none applies), why, and how many failures it counts for. */
  public record Broken(String file, int line, String reason, int failures) {
    public String where() {
      return line > 0 ? file + ":" + line : file;
    }
  }

  public record Report(List<Case> cases, List<Broken> broken) {
    public Report {
      cases = List.copyOf(cases);
      broken = List.copyOf(broken);
    }

    public long passed() {
      return cases.stream().filter(Case::passed).count();
    }

    public long failed() {
      return cases.stream().filter(c -> !c.passed()).count() + broken.stream().mapToInt(Broken::failures).sum();
    }
  }

  private HealthTestRunner() {}

  /** Every suite under {@code dir}, in path order, with the default budgets. */
  public static Report run(Path dir) {
    return run(dir, LuaSandbox.Budget.DEFAULT);
  }

  public static Report run(Path dir, LuaSandbox.Budget budget) {
    Scripts scripts = new Scripts(Files.isRegularFile(dir) ? dir.getParent() : dir);
    LuaSandbox sandbox = new LuaSandbox(budget);
    List<Case> cases = new ArrayList<>();
    List<Broken> broken = new ArrayList<>();
    for (Path suite : suites(dir)) {
      runSuite(dir, suite, scripts, sandbox, cases, broken);
    }
    return new Report(cases, broken);
  }

  /** The {@code health_test.yaml} files under {@code dir} (or {@code dir} itself when it is one), sorted. */
  public static List<Path> suites(Path dir) {
    if (Files.isRegularFile(dir)) {
      return List.of(dir);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().equals(SUITE_FILE) && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The {@code health.lua} files under the directory run, each compiled once, and which one judges
   * an object. Argo CD's own test picks the script for each case's object by its group and kind
   * (as Argo CD does in a cluster), not by the folder the case sits in: the
   * {@code _.crossplane.io/_} suite holds a {@code pkg.crossplane.io} Provider that Argo CD judges
   * with {@code pkg.crossplane.io/Provider/health.lua}. So: the script in
   * {@code <group>/<Kind>/} for the object's exact group and kind, else one in wildcard folders
   * ({@code _} for any text), else the script beside the suite.
   */
  private static final class Scripts {
    private final Path base;
    private final List<Path> files;
    private final Map<Path, Object> compiled = new HashMap<>();

    Scripts(Path base) {
      this.base = base;
      List<Path> found;
      try (Stream<Path> walk = Files.walk(base)) {
        found = walk.filter(p -> p.getFileName().toString().equals(HealthRules.SCRIPT_FILE) && Files.isRegularFile(p)
            && p.getParent() != null && p.getParent().getParent() != null).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      this.files = found;
    }

    /** The compiled script, or the {@link Broken} reason it cannot be used. */
    Object script(Path file) {
      return compiled.computeIfAbsent(file, f -> {
        String name = shown(base, f);
        try {
          return HealthScript.compile(Files.readString(f, StandardCharsets.UTF_8), name);
        } catch (java.nio.file.NoSuchFileException e) {
          return new Broken(name, 0, "no such file", 1);
        } catch (IOException e) {
          return new Broken(name, 0, "cannot read: " + e.getMessage(), 1);
        } catch (HealthScript.SyntaxError e) {
          return new Broken(name, e.line(), "not valid Lua: " + e.getMessage(), 1);
        }
      });
    }

    /** The script Argo CD would run for {@code obj}, or {@code beside} when none is for its kind. */
    Path choose(JsonNode obj, Path beside) {
      String apiVersion = obj == null ? "" : obj.path("apiVersion").asText("");
      String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      String kind = obj == null ? "" : obj.path("kind").asText("");
      if (kind.isEmpty()) {
        return beside;
      }
      Path wildcard = null;
      for (Path f : files) {
        String k = f.getParent().getFileName().toString();
        String g = f.getParent().getParent().getFileName().toString();
        if (g.equals(group) && k.equals(kind)) {
          return f;
        }
        if (wildcard == null && (g.contains("_") || k.contains("_")) && glob(g).matcher(group).matches() && glob(k).matcher(kind).matches()) {
          wildcard = f;
        }
      }
      return wildcard != null ? wildcard : beside;
    }

    private static Pattern glob(String folder) {
      String[] parts = folder.split("_", -1);
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        re.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
      }
      return Pattern.compile(re.toString());
    }
  }

  /**
   * A field as Go's encoding/json finds it, which Argo CD's test reads the suites with: the exact
   * name, else the first key equal to it ignoring case ({@code inputpath} is {@code inputPath}).
   */
  static JsonNode field(JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    if (node.has(name)) {
      return node.get(name);
    }
    for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.equalsIgnoreCase(name)) {
        return node.get(k);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static void runSuite(Path root, Path suiteFile, Scripts scripts, LuaSandbox sandbox, List<Case> cases, List<Broken> broken) {
    Path folder = suiteFile.getParent();
    Path base = Files.isRegularFile(root) ? root.getParent() : root;
    String suite = base.relativize(folder).toString().replace('\\', '/');
    String shownSuite = shown(base, suiteFile);
    JsonNode tests;
    try {
      tests = YAML.readTree(Files.readString(suiteFile, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      broken.add(new Broken(shownSuite, at == null ? 0 : at.getLineNr(), "not valid YAML: " + e.getOriginalMessage(), 1));
      return;
    } catch (IOException e) {
      broken.add(new Broken(shownSuite, 0, "cannot read: " + e.getMessage(), 1));
      return;
    }
    JsonNode list = field(tests, "tests");
    if (!list.isArray()) {
      broken.add(new Broken(shownSuite, 1, "expected 'tests:' with a list of {inputPath, healthStatus: {status, message}}", 1));
      return;
    }
    Path beside = folder.resolve(HealthRules.SCRIPT_FILE);
    if (!Files.isRegularFile(beside)) {
      broken.add(new Broken(shownSuite, 0, "no " + HealthRules.SCRIPT_FILE + " beside it", Math.max(1, list.size())));
      return;
    }
    if (scripts.script(beside) instanceof Broken b) {
      broken.add(new Broken(b.file(), b.line(), b.reason(), Math.max(1, list.size())));
      return;
    }
    if (list.isEmpty()) {
      broken.add(new Broken(shownSuite, 1, "'tests:' lists no case", 1));
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode t = list.get(i);
      JsonNode inputNode = field(t, "inputPath");
      String input = inputNode.isValueNode() ? inputNode.asText("") : "";
      JsonNode expected = field(t, "healthStatus");
      JsonNode statusNode = field(expected, "status");
      JsonNode messageNode = field(expected, "message");
      String status = statusNode.isValueNode() ? statusNode.asText() : "";
      String message = messageNode.isValueNode() && !messageNode.isNull() ? messageNode.asText() : "";
      if (input.isEmpty() || status.isEmpty()) {
        cases.add(new Case(suite, input.isEmpty() ? "tests[" + i + "]" : input, status, message, "", "",
            shownSuite + ": tests[" + i + "] needs inputPath and healthStatus.status"));
        continue;
      }
      JsonNode obj;
      try {
        obj = YAML.readTree(Files.readString(folder.resolve(input), StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        cases.add(new Case(suite, input, status, message, "", "", shown(base, folder.resolve(input))
            + (at == null ? "" : ":" + at.getLineNr()) + ": not valid YAML: " + e.getOriginalMessage()));
        continue;
      } catch (IOException e) {
        cases.add(new Case(suite, input, status, message, "", "", shown(base, folder.resolve(input)) + ": cannot read the input"));
        continue;
      }
      Object script = scripts.script(scripts.choose(obj, beside));
      if (script instanceof Broken b) {
        cases.add(new Case(suite, input, status, message, "", "", b.where() + ": " + b.reason()));
        continue;
      }
      Assessment a = ((HealthScript) script).assess(obj, sandbox);
      cases.add(new Case(suite, input, status, message, a.status().label(), a.message(), null));
    }
  }

  /** A file as the user can open it: under the directory as they named it. */
  private static String shown(Path base, Path file) {
    return file.normalize().toString().replace('\\', '/');
  }
}
