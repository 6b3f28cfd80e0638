package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rule Kyverno generates from a Pod rule for workload controllers ({@code autogen-<rule>},
 * and {@code autogen-cronjob-<rule>} for CronJobs): {@code request.object} stays the controller,
 * and the rule's references to the Pod ({@code request.object.spec}, {@code request.object.metadata})
 * are rewritten to the controller's pod template. Patterns are matched against the template by the
 * engine, which amounts to Kyverno's wrapping of the pattern in {@code spec.template}.
 */
final class Autogen {
  private static final Pattern POD_REFERENCE = Pattern.compile("request\\.object\\.(spec|metadata)\\b");
  private static final Map<KyvernoPolicy.Rule, KyvernoPolicy.Rule[]> CACHE = Collections.synchronizedMap(new IdentityHashMap<>());

  private Autogen() {}

  /** The name Kyverno gives the generated rule for a controller of {@code kind}. */
  static String ruleName(String rule, String kind) {
    return (kind.equals("CronJob") ? "autogen-cronjob-" : "autogen-") + rule;
  }

  static KyvernoPolicy.Rule forController(KyvernoPolicy.Rule rule, String kind) {
    boolean cronJob = kind.equals("CronJob");
    KyvernoPolicy.Rule[] both = CACHE.computeIfAbsent(rule, r -> new KyvernoPolicy.Rule[] {
        rewrite(r, "request.object.spec.template."), rewrite(r, "request.object.spec.jobTemplate.spec.template.")});
    return both[cronJob ? 1 : 0];
  }

  private static KyvernoPolicy.Rule rewrite(KyvernoPolicy.Rule r, String prefix) {
    return new KyvernoPolicy.Rule(r.name(), r.position(), r.match(), r.exclude(), rewrite(r.preconditions(), prefix),
        rewrite(r.context(), prefix), rewrite(r.validate(), prefix), r.otherType());
  }

  private static JsonNode rewrite(JsonNode n, String prefix) {
    if (n == null) {
      return null;
    }
    if (n.isTextual()) {
      String t = n.asText();
      return t.contains("request.object.") ? JsonNodeFactory.instance.textNode(POD_REFERENCE.matcher(t).replaceAll(prefix + "$1")) : n;
    }
    if (n.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      n.forEach(x -> out.add(rewrite(x, prefix)));
      return out;
    }
    if (n.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      n.properties().forEach(e -> out.set(e.getKey(), rewrite(e.getValue(), prefix)));
      return out;
    }
    return n;
  }
}
