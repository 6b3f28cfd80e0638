package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.YamlLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs test directories laid out like Kyverno's CLI tests: a {@code kyverno-test.yaml} naming
 * policies, resources and the expected result of each rule on each resource.
 */
public final class KyvernoTestRunner {

  /** What a result whose test could not be run reports as its actual result. It never agrees with an expectation. */
  public static final String HARNESS_ERROR = "harness error";

  /**
   * One expected result and what the engine said.
   *
   * @param problem why the result could not be evaluated (the suite or the result names something
   *     that does not exist or cannot be read), or null; such a case never agrees, whatever was expected
   */
  public record Case(String test, String policy, String rule, String kind, String resource, String expected, String actual,
      String message, String problem) {
    public Case(String test, String policy, String rule, String kind, String resource, String expected, String actual, String message) {
      this(test, policy, rule, kind, resource, expected, actual, message, null);
    }

    public boolean agrees() {
      return problem == null && expected.equals(actual);
    }

    /** Slipway did not evaluate the rule (a mutate rule, an unmocked apiCall...): neither agreement nor a verdict. */
    public boolean notEvaluated() {
      return actual.equals(RuleResult.Status.NOT_EVALUATED.label());
    }
  }

  /** A test file that could not be run as written, and why. */
  public record Broken(String test, String reason) {}

  /** Every case, and the suites that could not be run; a broken suite fails the run. */
  public record Report(List<Case> cases, Diagnostics diagnostics, List<Broken> broken) {
    public Report(List<Case> cases, Diagnostics diagnostics) {
      this(cases, diagnostics, List.of());
    }

    public long passed() {
      return cases.stream().filter(Case::agrees).count();
    }

    /** Results Slipway disagrees with; results it did not evaluate are counted apart. */
    public long failed() {
      return cases.stream().filter(c -> !c.agrees() && !c.notEvaluated()).count();
    }

    public long notEvaluated() {
      return cases.stream().filter(c -> !c.agrees() && c.notEvaluated()).count();
    }
  }

  private KyvernoTestRunner() {}

  /** Every {@code kyverno-test.yaml} under {@code dir}, in path order. */
  public static Report run(Path dir) {
    Diagnostics d = new Diagnostics();
    List<Case> cases = new ArrayList<>();
    List<Path> tests;
    try (Stream<Path> walk = Files.walk(dir)) {
      tests = walk.filter(p -> p.getFileName().toString().equals("kyverno-test.yaml")).sorted().toList();
    } catch (IOException e) {
      d.error("io.read", Position.file(dir.toString()), "", "cannot read " + dir + ": " + e.getMessage());
      return new Report(cases, d);
    }
    if (tests.isEmpty()) {
      d.error("policy.no-tests", Position.file(dir.toString()), "", "no kyverno-test.yaml under " + dir);
    }
    List<Broken> broken = new ArrayList<>();
    for (Path t : tests) {
      Diagnostics suite = new Diagnostics();
      List<Case> found = runOne(t, suite);
      d.addAll(suite.list());
      if (suite.hasErrors()) {
        String reason = suite.list().stream().filter(x -> x.severity() == dev.slipway.model.Diagnostic.Severity.ERROR)
            .map(dev.slipway.model.Diagnostic::message).findFirst().orElse("cannot be loaded");
        broken.add(new Broken(t.toString(), reason));
        // A suite that cannot be loaded as written tests nothing: every result it expects fails.
        String test = t.getParent().toString();
        List<Case> failed = new ArrayList<>();
        for (Case c : found) {
          failed.add(new Case(c.test(), c.policy(), c.rule(), c.kind(), c.resource(), c.expected(), HARNESS_ERROR,
              "the suite cannot be loaded: " + reason, reason));
        }
        if (failed.isEmpty()) {
          failed.add(new Case(test, "", "", "", "", "(suite)", HARNESS_ERROR, "the suite cannot be loaded: " + reason, reason));
        }
        cases.addAll(failed);
      } else {
        cases.addAll(found);
      }
    }
    return new Report(cases, d, broken);
  }

  static List<Case> runOne(Path testFile, Diagnostics d) {
    List<Case> out = new ArrayList<>();
    List<YamlLoader.Document> docs = new YamlLoader(YamlLoader.Limits.SPEC, false)
        .loadFile(testFile, testFile.toString(), Layer.APP, d);
    if (docs.isEmpty() || docs.get(0).root() == null) {
      if (!d.hasErrors()) {
        d.error("policy.test-empty", Position.file(testFile.toString()), "", testFile + " is empty");
      }
      return out;
    }
    JsonNode test = JsonView.of(docs.get(0).root());
    Path base = testFile.getParent();
    if (!test.path("results").isArray() || test.path("results").isEmpty()) {
      d.error("policy.test-no-results", Position.file(testFile.toString()), "results", testFile + " expects no results: it tests nothing");
    }
    if (!test.path("policies").isArray() || test.path("policies").isEmpty()) {
      d.error("policy.test-no-policies", Position.file(testFile.toString()), "policies", testFile + " names no policy file");
    }
    List<KyvernoPolicy> policies = new ArrayList<>();
    for (JsonNode p : test.path("policies")) {
      String text = read(base.resolve(p.asText()), d);
      if (text != null) {
        policies.addAll(PolicyLoader.load(text, base.resolve(p.asText()).toString(), d));
      }
    }
    List<JsonNode> resources = new ArrayList<>();
    for (JsonNode r : test.path("resources")) {
      String text = read(base.resolve(r.asText()), d);
      if (text != null) {
        resources.addAll(resources(text, base.resolve(r.asText()).toString(), d));
      }
    }
    EvaluationInputs inputs = KyvernoTestInputs.read(test, base, d);
    String name = test.path("metadata").path("name").asText(test.path("name").asText(base.toString()));
    for (JsonNode expected : test.path("results")) {
      List<String> names = new ArrayList<>();
      expected.path("resources").forEach(n -> names.add(n.asText()));
      if (expected.has("resource")) {
        names.add(expected.get("resource").asText());
      }
      String policyName = expected.path("policy").asText();
      String rule = expected.path("rule").asText();
      String kind = expected.path("kind").asText();
      String want = expected.path("result").asText();
      KyvernoPolicy policy = policies.stream().filter(p -> p.qualifiedName().equals(policyName) || p.name().equals(policyName))
          .findFirst().orElse(null);
      if (names.isEmpty()) {
        out.add(new Case(name, policyName, rule, kind, "", want, HARNESS_ERROR, "the result names no resource", "the result names no resource"));
      }
      for (String n : names) {
        JsonNode resource = find(resources, kind, n);
        String actual;
        String message = "";
        String problem = null;
        if (expected.path("isValidatingAdmissionPolicy").asBoolean(false)) {
          out.add(new Case(name, policyName, rule, kind, n, want, RuleResult.Status.NOT_EVALUATED.label(),
              "not evaluated: ValidatingAdmissionPolicy (CEL) policies"));
          continue;
        } else if (policy == null) {
          problem = "no policy named " + policyName + " in the suite's policy files";
        } else if (!hasRule(policy, rule)) {
          problem = "policy " + policyName + " has no rule named " + rule;
        } else if (resource == null) {
          problem = "no " + kind + " named " + n + " in the suite's resource files";
        }
        if (problem != null) {
          out.add(new Case(name, policyName, rule, kind, n, want, HARNESS_ERROR, problem, problem));
          continue;
        } else {
          EvaluationInputs in = expected.has("operation") ? inputs.withOperation(expected.get("operation").asText()) : inputs;
          RuleResult r = KyvernoEngine.apply(policy, KyvernoEngine.subject(resource), null, in).stream()
              .filter(x -> x.rule().equals(rule) || isAutogenName(rule, x)).findFirst().orElse(null);
          actual = r == null ? "not applied" : r.status().label();
          message = r == null ? "the rule does not match this resource" : r.message();
        }
        out.add(new Case(name, policyName, rule, kind, n, want, actual, message));
      }
    }
    return out;
  }

  /** Whether the policy has the rule, directly or as the rule Kyverno generates for pod controllers. */
  static boolean hasRule(KyvernoPolicy policy, String rule) {
    for (KyvernoPolicy.Rule r : policy.rules()) {
      if (r.name().equals(rule) || rule.equals("autogen-" + r.name()) || rule.equals("autogen-cronjob-" + r.name())) {
        return true;
      }
    }
    return false;
  }

  /** A result may name the rule Kyverno generates for controllers: autogen-rule, autogen-cronjob-rule. */
  private static boolean isAutogenName(String expected, RuleResult r) {
    return KyvernoEngine.CONTROLLERS.contains(r.kind()) && expected.equals(Autogen.ruleName(r.rule(), r.kind()));
  }

  /** The resources of a multi-document file, {@code kind: List} items included. */
  public static List<JsonNode> resources(String content, String file, Diagnostics d) {
    List<JsonNode> out = new ArrayList<>();
    for (YamlLoader.Document doc : new YamlLoader(YamlLoader.Limits.MANIFESTS, false).load(content, file, Layer.APP, d)) {
      if (doc.root() == null) {
        continue;
      }
      JsonNode n = JsonView.of(doc.root());
      if (n.path("kind").asText().endsWith("List") && n.has("items")) {
        n.path("items").forEach(out::add);
      } else if (n.isObject()) {
        out.add(n);
      }
    }
    return out;
  }

  static JsonNode find(List<JsonNode> resources, String kind, String name) {
    String ns = name.contains("/") ? name.substring(0, name.indexOf('/')) : null;
    String n = name.contains("/") ? name.substring(name.indexOf('/') + 1) : name;
    for (JsonNode r : resources) {
      JsonNode meta = r.path("metadata");
      if (r.path("kind").asText().equals(kind) && meta.path("name").asText().equals(n)
          && (ns == null || ns.equals(meta.path("namespace").asText("default")))) {
        return r;
      }
    }
    return null;
  }

  static String read(Path p, Diagnostics d) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      d.error("io.read", Position.file(p.toString()), "", "cannot read " + p + (e instanceof java.nio.file.NoSuchFileException
          ? ": no such file" : ": " + e.getMessage()));
      return null;
    }
  }
}
