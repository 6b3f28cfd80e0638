package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.YamlLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Reads Kyverno policies from YAML and checks what can be checked before evaluation: every
 * operator is known and every {@code {{ }}} expression parses. Problems name the policy, rule,
 * file and line; a broken rule is reported and left out, the rest of the policy still runs.
 */
public final class PolicyLoader {

  private PolicyLoader() {}

  public static List<KyvernoPolicy> load(String content, String file, Diagnostics d) {
    List<KyvernoPolicy> out = new ArrayList<>();
    for (YamlLoader.Document doc : new YamlLoader(YamlLoader.Limits.MANIFESTS, false).load(content, file, Layer.APP, d)) {
      if (!(doc.root() instanceof MapNode root)) {
        continue;
      }
      String kind = text(root.get("kind"));
      String apiVersion = text(root.get("apiVersion"));
      if (!"ClusterPolicy".equals(kind) && !"Policy".equals(kind) || apiVersion == null || !apiVersion.startsWith("kyverno.io/")) {
        continue;
      }
      JsonNode json = JsonView.of(root);
      String name = json.path("metadata").path("name").asText(null);
      if (name == null) {
        d.error("policy.invalid", root.position(), "metadata.name", "a Kyverno policy needs metadata.name");
        continue;
      }
      String namespace = kind.equals("Policy") ? json.path("metadata").path("namespace").asText("default") : null;
      JsonNode spec = json.path("spec");
      String action = spec.path("validationFailureAction").asText(spec.path("failureAction").asText("Audit"));
      List<KyvernoPolicy.Rule> rules = new ArrayList<>();
      SpecNode rulesNode = root.get("spec") instanceof MapNode s ? s.get("rules") : null;
      JsonNode rulesJson = spec.path("rules");
      for (int i = 0; i < rulesJson.size(); i++) {
        JsonNode r = rulesJson.get(i);
        SpecNode rNode = rulesNode instanceof ListNode l && i < l.items().size() ? l.items().get(i) : root;
        String ruleName = r.path("name").asText("rule-" + i);
        long before = errors(d);
        check(rNode, name, ruleName, "spec.rules[" + i + "]", d);
        if (errors(d) > before) {
          continue;
        }
        String other = r.has("validate") ? null
            : r.has("mutate") ? "mutate" : r.has("generate") ? "generate" : r.has("verifyImages") ? "verifyImages" : "unknown";
        rules.add(new KyvernoPolicy.Rule(ruleName, rNode.position(), r.get("match"), r.get("exclude"), r.get("preconditions"),
            r.get("context"), r.get("validate"), other));
      }
      out.add(new KyvernoPolicy(name, namespace, file, root.position(), action, json.path("metadata").path("annotations"), rules));
    }
    return out;
  }

  /** Unknown operators and unparsable expressions, with the line they are on. */
  private static void check(SpecNode node, String policy, String rule, String path, Diagnostics d) {
    if (node instanceof MapNode m) {
      for (var e : m.entries().entrySet()) {
        String p = path + "." + e.getKey();
        if (e.getKey().equals("operator") && e.getValue() instanceof Scalar s && !Conditions.OPERATORS.contains(s.value())) {
          d.error("policy.unknown-operator", s.position(), p, "policy " + policy + ", rule " + rule + ": unknown operator '"
              + s.value() + "'" + dev.slipway.model.yaml.Suggest.hint(s.value(), Conditions.OPERATORS));
        } else if (e.getKey().equals("list") && e.getValue() instanceof Scalar s) {
          expression(s.value().replaceAll("^\\{\\{\\s*|\\s*}}$", ""), s.position(), policy, rule, p, d);
        } else {
          check(e.getValue(), policy, rule, p, d);
        }
      }
    } else if (node instanceof ListNode l) {
      for (int i = 0; i < l.items().size(); i++) {
        check(l.items().get(i), policy, rule, path + "[" + i + "]", d);
      }
    } else if (node instanceof Scalar s && s.kind() == Scalar.Kind.STRING) {
      // Innermost variables first; an outer one is checked with its inner ones replaced by a placeholder.
      String text = s.value();
      for (int pass = 0; pass < 16 && text.contains("{{"); pass++) {
        Matcher m = Variables.variables(text);
        if (!m.find()) {
          break;
        }
        m.reset();
        while (m.find()) {
          expression(m.group(1).trim(), s.position(), policy, rule, path, d);
        }
        text = Variables.variables(text).replaceAll("x");
      }
    }
  }

  private static void expression(String expr, Position at, String policy, String rule, String path, Diagnostics d) {
    try {
      Variables.query(expr, com.fasterxml.jackson.databind.node.NullNode.getInstance());
    } catch (Variables.VariableException e) {
      if (e.getMessage().startsWith("invalid JMESPath")) {
        d.error("policy.invalid-expression", at, path, "policy " + policy + ", rule " + rule + ": " + e.getMessage());
      }
    } catch (NotEvaluatedException e) {
      d.warning("policy.unsupported-function", at, path, "policy " + policy + ", rule " + rule + ": uses a "
          + e.feature() + "; the rule will be reported as not evaluated");
    }
  }

  private static long errors(Diagnostics d) {
    return d.list().stream().filter(x -> x.severity() == dev.slipway.model.Diagnostic.Severity.ERROR).count();
  }

  private static String text(SpecNode n) {
    return n instanceof Scalar s ? s.value() : null;
  }
}
