package dev.slipway.engine.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.kyverno.KyvernoEngine;
import dev.slipway.engine.kyverno.KyvernoPolicy;
import dev.slipway.engine.kyverno.RuleResult;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.spec.ApplicationSpec.Waiver;
import dev.slipway.model.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The policy stage of the plan: every policy (the baseline and the platform's Kyverno policies,
 * one engine for all) on every rendered object of an application, with the facts Slipway knows
 * about the environment and the workload available as the {@code slipway} variable, and the
 * application's waivers applied.
 */
public final class PolicyStep {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final java.util.Set<String> WORKLOADS = java.util.Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet");

  private PolicyStep() {}

  public static List<PolicyFinding> evaluate(List<KyvernoPolicy> policies, EnvironmentSpec env, List<RenderedObject> objects,
      List<Waiver> waivers, Function<RenderedObject, String> fileOf) {
    ObjectNode environment = environment(env);
    List<PolicyFinding> out = new ArrayList<>();
    java.util.Map<String, List<KyvernoPolicy>> byKind = new java.util.HashMap<>();
    for (RenderedObject o : objects) {
      ObjectNode slipway = F.objectNode();
      slipway.set("environment", environment);
      slipway.set("workload", WORKLOADS.contains(o.kind()) ? workload(o, objects) : F.objectNode());
      KyvernoEngine.Subject subject = KyvernoEngine.subject(o.body());
      String ref = o.ref();
      String file = fileOf.apply(o);
      List<KyvernoPolicy> applicable = byKind.computeIfAbsent(o.kind(),
          k -> policies.stream().filter(p -> p.mayApplyTo(k)).toList());
      for (KyvernoPolicy p : applicable) {
        boolean enforce = p.failureAction().equalsIgnoreCase("Enforce");
        for (RuleResult r : KyvernoEngine.apply(p, subject, slipway)) {
          String id = r.rule().equals(p.name()) ? r.rule() : p.qualifiedName() + "/" + r.rule();
          PolicyFinding.Outcome outcome = switch (r.status()) {
            case PASS -> PolicyFinding.Outcome.PASS;
            case FAIL, WARN -> PolicyFinding.Outcome.FAIL;
            case ERROR -> PolicyFinding.Outcome.ERROR;
            case NOT_EVALUATED -> PolicyFinding.Outcome.NOT_EVALUATED;
            case SKIP -> null;
          };
          if (outcome == null) {
            continue;
          }
          String reason = null;
          if (outcome != PolicyFinding.Outcome.PASS) {
            Waiver w = waivers.stream().filter(x -> x.covers(id, o.component(), env.name())).findFirst().orElse(null);
            if (w != null) {
              outcome = PolicyFinding.Outcome.WAIVED;
              reason = w.reason();
            }
          }
          // A policy that is not scored (Kyverno's warn) never blocks.
          out.add(new PolicyFinding(id, ref, file, o.component(), r.message(), outcome, enforce && r.status() != RuleResult.Status.WARN,
              reason));
        }
      }
    }
    return out;
  }

  /** {@code slipway.environment}: name, production, allowMutableTags, allowedRegistries (and as wildcard patterns). */
  static ObjectNode environment(EnvironmentSpec env) {
    ObjectNode e = F.objectNode();
    e.put("name", env.name());
    e.put("production", env.production());
    e.put("allowMutableTags", env.policy().allowMutableTags());
    var registries = e.putArray("allowedRegistries");
    var patterns = e.putArray("allowedRegistryPatterns");
    for (String r : env.policy().allowedRegistries()) {
      String base = r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
      registries.add(base);
      patterns.add(base);
      patterns.add(base + "/*");
    }
    return e;
  }

  /**
   * {@code slipway.workload}: the replica floor (an autoscaler's minimum when one targets the
   * object) and whether a PodDisruptionBudget selects its pods — facts from sibling objects,
   * which a Kyverno policy in a cluster would look up with an API call.
   */
  static ObjectNode workload(RenderedObject o, List<RenderedObject> siblings) {
    ObjectNode w = F.objectNode();
    JsonNode spec = o.body().path("spec");
    int min = spec.path("replicas").asInt(1);
    for (RenderedObject s : siblings) {
      JsonNode target = s.body().path("spec").path("scaleTargetRef");
      if (target.path("name").asText().equals(o.name()) && target.path("kind").asText("Deployment").equals(o.kind())) {
        if (s.kind().equals("HorizontalPodAutoscaler")) {
          min = s.body().path("spec").path("minReplicas").asInt(1);
        } else if (s.kind().equals("ScaledObject")) {
          min = s.body().path("spec").path("minReplicaCount").asInt(0);
        }
      }
    }
    w.put("minReplicas", min);
    JsonNode podLabels = spec.path("template").path("metadata").path("labels");
    boolean pdb = false;
    for (RenderedObject s : siblings) {
      if (s.kind().equals("PodDisruptionBudget") && selects(s.body().path("spec").path("selector").path("matchLabels"), podLabels)) {
        pdb = true;
      }
    }
    w.put("hasPodDisruptionBudget", pdb);
    return w;
  }

  private static boolean selects(JsonNode matchLabels, JsonNode labels) {
    if (!matchLabels.isObject() || matchLabels.isEmpty()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }
}
