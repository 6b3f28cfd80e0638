package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.kyverno.Conditions.PolicyError;
import dev.slipway.engine.kyverno.PatternMatcher.Kind;
import dev.slipway.engine.kyverno.RuleResult.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Evaluates Kyverno {@code validate} rules on resources, offline, as Kyverno's CLI does: match and
 * exclude, preconditions, {@code pattern}, {@code anyPattern}, {@code deny} and {@code foreach},
 * with autogen (a rule written for Pods applies to the pod template of workload controllers).
 * Pure: policy and resource in, results out.
 */
public final class KyvernoEngine {
  static final List<String> CONTROLLERS =
      List.of("DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController", "CronJob");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private KyvernoEngine() {}

  /** Results of every rule of {@code policy} that applies to {@code resource}. */
  public static List<RuleResult> apply(KyvernoPolicy policy, JsonNode resource) {
    return apply(policy, resource, null);
  }

  /**
   * As {@link #apply(KyvernoPolicy, JsonNode)}, with Slipway's facts about the environment and
   * the workload available to expressions as {@code slipway} (null for none).
   */
  public static List<RuleResult> apply(KyvernoPolicy policy, JsonNode resource, JsonNode slipway) {
    return apply(policy, subject(resource), slipway);
  }

  /** A resource prepared for evaluation: the pod its controller would create is derived once, on demand. */
  public static final class Subject {
    final JsonNode resource;
    private JsonNode pod;
    private boolean podDone;

    Subject(JsonNode resource) {
      this.resource = resource;
    }

    JsonNode pod() {
      if (!podDone) {
        pod = podOf(resource);
        podDone = true;
      }
      return pod;
    }
  }

  public static Subject subject(JsonNode resource) {
    return new Subject(resource);
  }

  /** As {@link #apply(KyvernoPolicy, JsonNode, JsonNode)} for a prepared resource, shared across policies. */
  public static List<RuleResult> apply(KyvernoPolicy policy, Subject subject, JsonNode slipway) {
    JsonNode resource = subject.resource;
    List<RuleResult> out = new ArrayList<>();
    String kind = resource.path("kind").asText();
    String apiVersion = resource.path("apiVersion").asText();
    String ns = resource.path("metadata").path("namespace").asText("");
    String name = resource.path("metadata").path("name").asText("");
    if (policy.namespace() != null && !policy.namespace().equals(ns.isEmpty() ? "default" : ns)) {
      return out;
    }
    for (KyvernoPolicy.Rule rule : policy.rules()) {
      JsonNode target;
      boolean applies;
      JsonNode matchAs;
      if (ResourceMatcher.matches(rule.match(), resource, apiVersion, kind)) {
        applies = true;
        target = resource;
        matchAs = null;
      } else if (autogen(policy, rule, kind) && ResourceMatcher.matches(rule.match(), resource, "v1", "Pod")) {
        applies = true;
        target = subject.pod();
        matchAs = target;
      } else {
        continue;
      }
      if (!applies || target == null) {
        continue;
      }
      boolean excluded = matchAs == null ? ResourceMatcher.matches(rule.exclude(), resource, apiVersion, kind)
          : ResourceMatcher.matches(rule.exclude(), resource, "v1", "Pod");
      RuleResult.Status status;
      String message = "";
      if (rule.otherType() != null) {
        status = Status.NOT_EVALUATED;
        message = rule.otherType() + " rules are not evaluated by Slipway (only validate rules are)";
      } else if (excluded) {
        status = Status.SKIP;
        message = "excluded";
      } else {
        Evaluation e = evaluate(rule, target, ns, slipway);
        status = e.status;
        message = e.message;
      }
      out.add(new RuleResult(policy.qualifiedName(), rule.name(), kind, ns, name, status, message));
    }
    return out;
  }

  /** Whether Kyverno would generate a controller rule for {@code kind} from this Pod rule. */
  static boolean autogen(KyvernoPolicy policy, KyvernoPolicy.Rule rule, String kind) {
    if (!CONTROLLERS.contains(kind)) {
      return false;
    }
    String controllers = policy.annotations().path("pod-policies.kyverno.io/autogen-controllers").asText("all");
    if (controllers.equalsIgnoreCase("none")) {
      return false;
    }
    if (!controllers.equalsIgnoreCase("all") && !Set.of(controllers.split("\\s*,\\s*")).contains(kind)) {
      return false;
    }
    return podOnly(rule.match()) && (rule.exclude() == null || rule.exclude().isEmpty() || podOnly(rule.exclude()));
  }

  /** True when every filter selects kind Pod only and by nothing autogen cannot carry over. */
  private static boolean podOnly(JsonNode block) {
    List<JsonNode> filters = ResourceMatcher.filters(block);
    for (JsonNode f : filters) {
      JsonNode r = f.path("resources");
      JsonNode kinds = r.path("kinds");
      if (kinds.size() != 1 || !kinds.get(0).asText().equals("Pod")
          || r.has("name") || r.has("names") || r.has("selector") || r.has("annotations")) {
        return false;
      }
    }
    return !filters.isEmpty();
  }

  /** The Pod a controller would create: its template, in the controller's namespace. */
  static JsonNode podOf(JsonNode controller) {
    JsonNode template = controller.path("kind").asText().equals("CronJob")
        ? controller.path("spec").path("jobTemplate").path("spec").path("template")
        : controller.path("spec").path("template");
    if (!template.isObject()) {
      return null;
    }
    ObjectNode pod = F.objectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = template.path("metadata").isObject() ? ((ObjectNode) template.get("metadata")).deepCopy() : F.objectNode();
    JsonNode ns = controller.path("metadata").path("namespace");
    if (!ns.isMissingNode() && !meta.has("namespace")) {
      meta.set("namespace", ns);
    }
    pod.set("metadata", meta);
    pod.set("spec", template.path("spec").isMissingNode() ? F.objectNode() : template.get("spec"));
    return pod;
  }

  private record Evaluation(Status status, String message) {}

  private static Evaluation evaluate(KyvernoPolicy.Rule rule, JsonNode target, String ns, JsonNode slipway) {
    ObjectNode ctx = F.objectNode();
    if (slipway != null) {
      ctx.set("slipway", slipway);
    }
    ObjectNode request = ctx.putObject("request");
    request.set("object", target);
    // Kyverno's CLI evaluates resources as if they were being created.
    request.put("operation", "CREATE");
    request.put("namespace", ns);
    try {
      addContext(rule.context(), ctx);
      if (!Conditions.evaluate(rule.preconditions(), ctx)) {
        return new Evaluation(Status.SKIP, "preconditions not met");
      }
      JsonNode v = rule.validate();
      Evaluation e;
      if (v.has("pattern")) {
        e = pattern(v.get("pattern"), target, ctx, v);
      } else if (v.has("anyPattern")) {
        e = anyPattern(v.get("anyPattern"), target, ctx, v);
      } else if (v.has("deny")) {
        e = Conditions.evaluate(v.path("deny").path("conditions"), ctx) ? failed(v, ctx, "denied") : pass();
      } else if (v.has("foreach")) {
        e = foreach(v.get("foreach"), target, ctx, v);
      } else {
        return new Evaluation(Status.NOT_EVALUATED, "validate rules of this form (podSecurity, cel, manifests) are not evaluated");
      }
      return e;
    } catch (PolicyError err) {
      return new Evaluation(Status.ERROR, err.getMessage());
    } catch (NotEvaluatedException e) {
      return new Evaluation(Status.NOT_EVALUATED, e.getMessage());
    }
  }

  private static void addContext(JsonNode context, ObjectNode ctx) throws PolicyError {
    if (context == null) {
      return;
    }
    for (JsonNode entry : context) {
      String name = entry.path("name").asText();
      if (entry.has("variable")) {
        JsonNode var = entry.get("variable");
        try {
          JsonNode value = var.has("value") ? Variables.substitute(var.get("value"), ctx) : F.nullNode();
          if (var.has("jmesPath")) {
            value = Variables.query(var.get("jmesPath").asText(), var.has("value") ? value : ctx);
          }
          if ((value == null || value.isNull()) && var.has("default")) {
            value = var.get("default");
          }
          ctx.set(name, value);
        } catch (Variables.VariableException e) {
          throw new PolicyError("context " + name + ": " + e.getMessage());
        }
      } else {
        String source = entry.has("configMap") ? "configMap" : entry.has("apiCall") ? "apiCall"
            : entry.has("imageRegistry") ? "imageRegistry" : "globalReference";
        throw new NotEvaluatedException("context entry '" + name + "' reads a " + source + " and no value was supplied for it");
      }
    }
  }

  private static Evaluation pass() {
    return new Evaluation(Status.PASS, "");
  }

  private static Evaluation failed(JsonNode validate, JsonNode ctx, String detail) {
    String message = validate.path("message").asText("");
    try {
      JsonNode m = Variables.substitute(message, ctx);
      message = m.isTextual() ? m.asText() : m.toString();
    } catch (Variables.VariableException e) {
      // keep the message as written
    }
    return new Evaluation(Status.FAIL, message.isEmpty() ? detail : message.trim() + (detail.isEmpty() ? "" : " (" + detail + ")"));
  }

  private static Evaluation pattern(JsonNode pattern, JsonNode target, JsonNode ctx, JsonNode validate) throws PolicyError {
    JsonNode p = pattern;
    if (Variables.hasVariables(pattern)) {
      try {
        p = Variables.substitute(pattern, ctx);
      } catch (Variables.VariableException e) {
        throw new PolicyError(e.getMessage());
      }
    }
    PatternMatcher.Outcome o = PatternMatcher.match(target, p, "");
    return switch (o.kind()) {
      case PASS -> pass();
      case FAIL -> failed(validate, ctx, o.path() + ": " + o.message());
      default -> new Evaluation(Status.SKIP, o.message());
    };
  }

  private static Evaluation anyPattern(JsonNode patterns, JsonNode target, JsonNode ctx, JsonNode validate) throws PolicyError {
    boolean allSkipped = true;
    List<String> why = new ArrayList<>();
    for (JsonNode p : patterns) {
      Evaluation e = pattern(p, target, ctx, validate);
      if (e.status == Status.PASS) {
        return e;
      }
      allSkipped &= e.status == Status.SKIP;
      why.add(e.message);
    }
    return allSkipped && !patterns.isEmpty() ? new Evaluation(Status.SKIP, "no pattern applies")
        : failed(validate, ctx, "no pattern matches");
  }

  private static Evaluation foreach(JsonNode entries, JsonNode target, ObjectNode ctx, JsonNode validate) throws PolicyError {
    for (JsonNode entry : entries) {
      String list = entry.path("list").asText().replaceAll("^\\{\\{\\s*|\\s*}}$", "");
      JsonNode elements;
      try {
        elements = Variables.query(list, ctx);
      } catch (Variables.VariableException e) {
        throw new PolicyError(e.getMessage());
      }
      if (elements == null || elements.isNull()) {
        continue;
      }
      if (!elements.isArray()) {
        elements = F.arrayNode().add(elements);
      }
      for (int i = 0; i < elements.size(); i++) {
        ObjectNode ec = F.objectNode();
        ec.setAll(ctx);
        ec.set("element", elements.get(i));
        ec.put("elementIndex", i);
        if (!Conditions.evaluate(entry.get("preconditions"), ec)) {
          continue;
        }
        Evaluation e;
        if (entry.has("foreach")) {
          e = foreach(entry.get("foreach"), target, ec, validate);
        } else if (entry.has("pattern")) {
          boolean scoped = !entry.has("elementScope") || entry.get("elementScope").asBoolean();
          e = pattern(entry.get("pattern"), scoped ? elements.get(i) : target, ec, validate);
        } else if (entry.has("anyPattern")) {
          boolean scoped = !entry.has("elementScope") || entry.get("elementScope").asBoolean();
          e = anyPattern(entry.get("anyPattern"), scoped ? elements.get(i) : target, ec, validate);
        } else if (entry.has("deny")) {
          e = Conditions.evaluate(entry.path("deny").path("conditions"), ec) ? failed(validate, ec, "element " + i + " denied") : pass();
        } else {
          continue;
        }
        if (e.status == Status.FAIL || e.status == Status.ERROR) {
          return e;
        }
      }
    }
    return pass();
  }

  static boolean skipped(Kind k) {
    return k == Kind.SKIP || k == Kind.GLOBAL_SKIP;
  }
}
