package dev.slipway.engine.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.Health.Assessment;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.HealthSpec;
import dev.slipway.model.spec.HealthSpec.InlineScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How health is judged for one platform: its Lua health scripts where it has one for a kind, the
 * built-in rules ({@link Health#assess}) elsewhere. Built from {@code spec.health} once (every
 * script compiled then) and passed to where health is assessed: sync's health waits and status.
 * {@link Health} stays a pure function of the object; this adds the platform's scripts in front.
 *
 * <p>Which script judges a kind, as Argo CD chooses: an inline script for the exact kind, then an
 * inline wildcard, then the directory's script for the exact kind, then a directory wildcard; ties
 * between wildcards go to the first key in sorted order. A script replaces the built-in rule for
 * its kinds, as Argo CD's resource customizations replace its built-in checks.
 */
public final class HealthRules {
  /** Built-in rules only. */
  public static final HealthRules BUILT_IN = new HealthRules(List.of(), LuaSandbox.Budget.DEFAULT);

  /** The script file in each kind's folder, as in Argo CD's {@code resource_customizations}. */
  public static final String SCRIPT_FILE = "health.lua";

  private record Rule(String group, String kind, boolean inline, HealthScript script) {
    boolean exact() {
      return !group.contains("*") && !kind.contains("*");
    }

    boolean matches(String g, String k) {
      return glob(group).matcher(g).matches() && glob(kind).matcher(k).matches();
    }

    String key() {
      return group + "/" + kind;
    }
  }

  private final List<Rule> rules;
  private final LuaSandbox sandbox;
  private final Map<String, Optional<Rule>> chosen = new ConcurrentHashMap<>();

  private HealthRules(List<Rule> rules, LuaSandbox.Budget budget) {
    List<Rule> ordered = new ArrayList<>(rules);
    // inline before directory, exact before wildcard, then by key: the order lookups try them in.
    ordered.sort(Comparator.comparing((Rule r) -> !r.inline()).thenComparing(r -> !r.exact()).thenComparing(Rule::key));
    this.rules = List.copyOf(ordered);
    // Without scripts, luaj is not even loaded: plan and sync of a platform without scripts pay nothing.
    this.sandbox = ordered.isEmpty() ? null : new LuaSandbox(budget);
  }

  /** The object's health: its kind's script when the platform has one, else the built-in rule (null: no rule). */
  public Assessment assess(JsonNode obj) {
    if (obj == null || obj.isMissingNode() || obj.isNull() || rules.isEmpty()) {
      return Health.assess(obj);
    }
    String apiVersion = obj.path("apiVersion").asText();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String kind = obj.path("kind").asText();
    Optional<Rule> rule = chosen.computeIfAbsent(group + "/" + kind, k -> rules.stream().filter(r -> r.matches(group, kind)).findFirst());
    return rule.isPresent() ? rule.get().script().assess(obj, sandbox) : Health.assess(obj);
  }

  /** The kinds with a script, as {@code group/Kind} ({@code *} wildcards kept), in lookup order. */
  public List<String> scriptedKinds() {
    return rules.stream().map(Rule::key).toList();
  }

  public boolean hasScripts() {
    return !rules.isEmpty();
  }

  /**
   * Reads and compiles the platform's health scripts. Problems (a directory that is not there, a
   * script that is not valid Lua) are reported with their file and line; the scripts that compile
   * are kept.
   *
   * @param root the platform directory, which {@code spec.scripts} is relative to
   */
  public static HealthRules load(Path root, HealthSpec spec, Diagnostics d) {
    return load(root, spec, LuaSandbox.Budget.DEFAULT, d);
  }

  public static HealthRules load(Path root, HealthSpec spec, LuaSandbox.Budget budget, Diagnostics d) {
    if (spec == null || spec.isEmpty()) {
      return budget.equals(LuaSandbox.Budget.DEFAULT) ? BUILT_IN : new HealthRules(List.of(), budget);
    }
    List<Rule> rules = new ArrayList<>();
    for (InlineScript s : spec.inline()) {
      String name = "spec.health.inline." + s.key();
      try {
        rules.add(new Rule(s.group(), s.kind(), true, HealthScript.compile(s.source(), name)));
      } catch (HealthScript.SyntaxError e) {
        d.error("spec.invalid-health-script", s.at(), name, "the health script for " + s.key() + " is not valid Lua"
            + (e.line() > 0 ? " (line " + e.line() + " of the script)" : "") + ": " + e.getMessage());
      }
    }
    if (spec.scripts() != null) {
      Path dir = root.resolve(spec.scripts()).normalize();
      if (!Files.isDirectory(dir)) {
        d.error("spec.missing-health-scripts", spec.scriptsAt(), "spec.health.scripts", "health script directory '" + spec.scripts()
            + "' does not exist" + (Files.exists(dir) ? " as a directory" : "") + " (relative to the platform directory)");
      } else {
        for (Path file : scriptFiles(dir)) {
          Path rel = dir.relativize(file);
          String shown = Path.of(spec.scripts()).resolve(rel).normalize().toString().replace('\\', '/');
          String group = rel.getNameCount() == 3 ? wildcard(rel.getName(0).toString()) : "";
          String kind = wildcard(rel.getName(rel.getNameCount() - 2).toString());
          try {
            rules.add(new Rule(group, kind, false, HealthScript.compile(Files.readString(file, StandardCharsets.UTF_8), shown)));
          } catch (HealthScript.SyntaxError e) {
            d.error("spec.invalid-health-script", new Position(shown, Math.max(e.line(), 1), 1), "spec.health.scripts",
                "not valid Lua: " + e.getMessage());
          } catch (IOException e) {
            d.error("spec.unreadable-health-script", Position.file(shown), "spec.health.scripts", "cannot read: " + e.getMessage());
          }
        }
      }
    }
    return new HealthRules(rules, budget);
  }

  /**
   * The {@code health.lua} files of a directory in Argo CD's layout: {@code <group>/<Kind>/health.lua},
   * or {@code <Kind>/health.lua} for the core group; deeper files (actions) are not health scripts.
   */
  static List<Path> scriptFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir, 3)) {
      return files.filter(p -> p.getFileName().toString().equals(SCRIPT_FILE) && Files.isRegularFile(p))
          .filter(p -> {
            int depth = dir.relativize(p).getNameCount();
            return depth == 2 || depth == 3;
          })
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Argo CD writes a wildcard in a folder name as {@code _}: {@code _.crossplane.io/_}. */
  private static String wildcard(String segment) {
    return segment.replace('_', '*');
  }

  private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();

  private static Pattern glob(String g) {
    return GLOBS.computeIfAbsent(g, k -> {
      String[] parts = k.split("\\*", -1);
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        re.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
      }
      return Pattern.compile(re.toString());
    });
  }
}
