package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.validate.Trees;
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

  /** One expected result and what the engine said. */
  public record Case(String test, String policy, String rule, String kind, String resource, String expected, String actual,
      String message) {
    public boolean agrees() {
      return expected.equals(actual);
    }

    /** Slipway did not evaluate the rule (a mutate rule, an unmocked apiCall...): neither agreement nor a verdict. */
    public boolean notEvaluated() {
      return actual.equals(RuleResult.Status.NOT_EVALUATED.label());
    }
  }

  public record Report(List<Case> cases, Diagnostics diagnostics) {
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
    for (Path t : tests) {
      cases.addAll(runOne(t, d));
    }
    return new Report(cases, d);
  }

  static List<Case> runOne(Path testFile, Diagnostics d) {
    List<Case> out = new ArrayList<>();
    List<YamlLoader.Document> docs = new YamlLoader(YamlLoader.Limits.SPEC, false)
        .loadFile(testFile, testFile.toString(), Layer.APP, d);
    if (docs.isEmpty() || docs.get(0).root() == null) {
      return out;
    }
    JsonNode test = Trees.toJson(docs.get(0).root());
    Path base = testFile.getParent();
    List<KyvernoPolicy> policies = new ArrayList<>();
    for (JsonNode p : test.path("policies")) {
      policies.addAll(PolicyLoader.load(read(base.resolve(p.asText()), d), base.resolve(p.asText()).toString(), d));
    }
    List<JsonNode> resources = new ArrayList<>();
    for (JsonNode r : test.path("resources")) {
      resources.addAll(resources(read(base.resolve(r.asText()), d), base.resolve(r.asText()).toString(), d));
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
      for (String n : names) {
        JsonNode resource = find(resources, kind, n);
        String actual;
        String message = "";
        if (expected.path("isValidatingAdmissionPolicy").asBoolean(false)) {
          actual = RuleResult.Status.NOT_EVALUATED.label();
          message = "not evaluated: ValidatingAdmissionPolicy (CEL) policies";
        } else if (policy == null) {
          actual = "error";
          message = "no policy named " + policyName;
        } else if (resource == null) {
          actual = "error";
          message = "no " + kind + " named " + n + " in the test's resources";
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
      JsonNode n = Trees.toJson(doc.root());
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
      d.error("io.read", Position.file(p.toString()), "", "cannot read " + p + ": " + e.getMessage());
      return "";
    }
  }
}
