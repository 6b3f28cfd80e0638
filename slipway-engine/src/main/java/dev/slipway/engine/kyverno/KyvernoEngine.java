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
    return apply(policy, subject, slipway, EvaluationInputs.defaults());
  }

  /** Results of every rule, with what an admission request would add (user, operation, values...). */
  public static List<RuleResult> apply(KyvernoPolicy policy, Subject subject, JsonNode slipway, EvaluationInputs inputs) {
    return Variables.withClock(inputs.clock(), () -> applyRules(policy, subject, slipway, inputs));
  }

  private static List<RuleResult> applyRules(KyvernoPolicy policy, Subject subject, JsonNode slipway, EvaluationInputs inputs) {
    JsonNode resource = subject.resource;
    List<RuleResult> out = new ArrayList<>();
    String kind = resource.path("kind").asText();
    String apiVersion = resource.path("apiVersion").asText();
    String ns = resource.path("metadata").path("namespace").asText("");
    String name = resource.path("metadata").path("name").asText("");
    if (policy.namespace() != null && !policy.namespace().equals(ns.isEmpty() ? "default" : ns)) {
      return out;
    }
    boolean scored = !"false".equals(policy.annotations().path("policies.kyverno.io/scored").asText());
    for (KyvernoPolicy.Rule rule : policy.rules()) {
      EvaluationInputs.RuleValues values = inputs.values().forRule(policy.qualifiedName(), rule.name(), resource);
      if (values == EvaluationInputs.RuleValues.NONE && policy.namespace() != null) {
        values = inputs.values().forRule(policy.name(), rule.name(), resource);
      }
      JsonNode op = values.variables().get("request.operation");
      ResourceMatcher.Request request = new ResourceMatcher.Request(op != null ? op.asText() : inputs.operation(), inputs.user(),
          inputs.namespaceLabels(), inputs.subresources(), true);
      KyvernoPolicy.Rule effective = rule;
      JsonNode target;
      boolean viaAutogen;
      try {
        if (ResourceMatcher.matches(rule.match(), resource, apiVersion, kind, request)) {
          target = resource;
          viaAutogen = false;
        } else if (autogen(policy, rule, kind) && ResourceMatcher.matches(rule.match(), resource, "v1", "Pod", request)) {
          // A controller without a pod template is checked as a Pod with nothing in it.
          target = subject.pod() != null ? subject.pod() : emptyPod(resource);
          viaAutogen = true;
          effective = Autogen.forController(rule, kind);
        } else {
          continue;
        }
      } catch (NotEvaluatedException e) {
        out.add(new RuleResult(policy.qualifiedName(), rule.name(), kind, ns, name, Status.NOT_EVALUATED, e.getMessage()));
        continue;
      }
      boolean excluded = viaAutogen ? ResourceMatcher.matches(rule.exclude(), resource, "v1", "Pod", request.lenient())
          : ResourceMatcher.matches(rule.exclude(), resource, apiVersion, kind, request.lenient());
      RuleResult.Status status;
      String message = "";
      String exception = rule.otherType() == null ? exceptionFor(policy, rule, resource, apiVersion, kind, request, inputs) : null;
      if (exception != null) {
        status = Status.SKIP;
        message = "excepted by PolicyException " + exception;
      } else if (rule.otherType() != null) {
        status = Status.NOT_EVALUATED;
        message = "not evaluated: " + rule.otherType() + " rules (Slipway evaluates validate rules only)";
      } else if (excluded) {
        status = Status.SKIP;
        message = "excluded";
      } else {
        Evaluation e = evaluate(effective, target, resource, ns, slipway, request, values);
        status = e.status;
        message = e.message;
      }
      if (status == Status.FAIL && !scored) {
        status = Status.WARN;
      }
      out.add(new RuleResult(policy.qualifiedName(), rule.name(), kind, ns, name, status, message));
    }
    return out;
  }

  /**
   * The PolicyException covering this rule on this object, or null: it names the policy and the
   * rule (or its autogen name), its {@code match} selects the object and its {@code conditions}
   * (if any) hold. Wildcards are allowed in names, as Kyverno allows them.
   */
  private static String exceptionFor(KyvernoPolicy policy, KyvernoPolicy.Rule rule, JsonNode resource, String apiVersion,
      String kind, ResourceMatcher.Request request, EvaluationInputs inputs) {
    for (JsonNode ex : inputs.exceptions()) {
      JsonNode spec = ex.path("spec");
      boolean covers = false;
      for (JsonNode e : spec.path("exceptions")) {
        String p = e.path("policyName").asText();
        if (!Values.wildcard(p, policy.qualifiedName()) && !Values.wildcard(p, policy.name())) {
          continue;
        }
        for (JsonNode r : e.path("ruleNames")) {
          String n = r.asText();
          covers |= Values.wildcard(n, rule.name()) || Values.wildcard(n, Autogen.ruleName(rule.name(), kind));
        }
      }
      if (!covers || !ResourceMatcher.matches(spec.path("match"), resource, apiVersion, kind, request.lenient())) {
        continue;
      }
      try {
        ObjectNode ctx = F.objectNode();
        ctx.putObject("request").<ObjectNode>set("object", resource).put("operation", request.operation());
        if (spec.has("conditions") && !Conditions.evaluate(spec.get("conditions"), ctx)) {
          continue;
        }
      } catch (PolicyError e) {
        continue;
      }
      String ns = ex.path("metadata").path("namespace").asText("");
      return (ns.isEmpty() ? "" : ns + "/") + ex.path("metadata").path("name").asText();
    }
    return null;
  }

  private static JsonNode emptyPod(JsonNode controller) {
    ObjectNode pod = F.objectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = pod.putObject("metadata");
    JsonNode ns = controller.path("metadata").path("namespace");
    if (!ns.isMissingNode()) {
      meta.set("namespace", ns);
    }
    return pod;
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

  /** The last resource's {@code images} variable, per thread: an object is evaluated against every rule in a row. */
  private static final ThreadLocal<Object[]> LAST_IMAGES = ThreadLocal.withInitial(() -> new Object[2]);

  private static JsonNode images(JsonNode resource) {
    Object[] last = LAST_IMAGES.get();
    if (last[0] != resource) {
      last[0] = resource;
      last[1] = ImagesVariable.of(resource);
    }
    return ((JsonNode) last[1]) == null ? null : ((JsonNode) last[1]).deepCopy();
  }

  private static Evaluation evaluate(KyvernoPolicy.Rule rule, JsonNode target, JsonNode resource, String ns, JsonNode slipway,
      ResourceMatcher.Request request, EvaluationInputs.RuleValues values) {
    ObjectNode ctx = F.objectNode();
    if (slipway != null) {
      ctx.set("slipway", slipway);
    }
    ObjectNode req = ctx.putObject("request");
    // Under autogen the request is still the controller's; the rule's expressions were rewritten
    // to read its pod template (Autogen), as Kyverno's generated rules do.
    req.set("object", resource);
    req.put("operation", request.operation());
    req.put("namespace", ns);
    if (request.user() != null && request.user() != EvaluationInputs.UserInfo.NO_ADMISSION_INFO) {
      req.set("userInfo", request.user().json());
      request.user().roles().forEach(req.putArray("roles")::add);
      request.user().clusterRoles().forEach(req.putArray("clusterRoles")::add);
      String user = request.user().username() == null ? "" : request.user().username();
      if (user.startsWith("system:serviceaccount:")) {
        String[] parts = user.split(":");
        ctx.put("serviceAccountNamespace", parts.length > 2 ? parts[2] : "");
        ctx.put("serviceAccountName", parts.length > 3 ? parts[3] : "");
      }
    }
    JsonNode images = images(resource);
    if (images != null) {
      ctx.set("images", images);
    }
    values.variables().forEach((path, value) -> setPath(ctx, path, value));
    try {
      Missing missing = addContext(rule.context(), ctx);
      if (!preconditions(rule.preconditions(), ctx, missing)) {
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
        Counted c = foreach(v.get("foreach"), target, ctx, v, values);
        e = c.evaluation.status != Status.PASS ? c.evaluation
            : c.applied == 0 ? new Evaluation(Status.SKIP, "no foreach element applies") : c.evaluation;
      } else {
        String form = v.has("podSecurity") ? "validate.podSecurity" : v.has("cel") ? "validate.cel"
            : v.has("manifests") ? "validate.manifests" : "this form of validate rule";
        return new Evaluation(Status.NOT_EVALUATED, "not evaluated: " + form);
      }
      return e;
    } catch (PolicyError err) {
      return new Evaluation(Status.ERROR, err.getMessage());
    } catch (NotEvaluatedException e) {
      return new Evaluation(Status.NOT_EVALUATED, e.getMessage());
    }
  }

  /** Sets a value at a dotted path ({@code request.operation}), creating maps on the way, as Kyverno's CLI does for values. */
  static void setPath(ObjectNode root, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      // Copy on the way down: the maps may be shared with the caller's resource or an outer context.
      JsonNode next = at.get(parts[i]);
      ObjectNode copy = next instanceof ObjectNode o ? o.deepCopy() : F.objectNode();
      at.set(parts[i], copy);
      at = copy;
    }
    at.set(parts[parts.length - 1], value);
  }

  /**
   * Loads context entries; returns the "not evaluated" reason of entries whose data is not
   * available (null when all are). The caller still checks preconditions that do not read them,
   * so a rule whose preconditions exclude the object is skipped rather than left unevaluated.
   */
  private static Missing addContext(JsonNode context, ObjectNode ctx) throws PolicyError {
    Missing missing = null;
    if (context == null) {
      return null;
    }
    for (JsonNode entry : context) {
      String name = entry.path("name").asText();
      if (entry.has("variable")) {
        JsonNode var = entry.get("variable");
        try {
          JsonNode value = var.has("value") ? Variables.substitute(var.get("value"), ctx) : F.nullNode();
          if (var.has("jmesPath")) {
            // The expression may itself hold variables: jmesPath: "items[?name=='{{ element.name }}']".
            String expression = Variables.substitute(var.get("jmesPath").asText(), ctx).asText();
            value = Variables.query(expression, var.has("value") ? value : ctx);
          }
          if ((value == null || value.isNull()) && var.has("default")) {
            value = Variables.substitute(var.get("default"), ctx);
          }
          ctx.set(name, value);
        } catch (Variables.VariableException e) {
          throw new PolicyError("context " + name + ": " + e.getMessage());
        }
      } else if (ctx.has(name)) {
        // configMap, apiCall...: a test's values supplied the data under the entry's name.
        continue;
      } else {
        String source = entry.has("configMap") ? "configMap" : entry.has("apiCall") ? "apiCall"
            : entry.has("imageRegistry") ? "imageRegistry" : entry.has("globalReference") ? "globalReference" : "unknown";
        NotEvaluatedException reason = new NotEvaluatedException("context entry '" + name + "' reads "
            + (source.startsWith("a") ? "an " : "a ") + source + " and no value was supplied for it (a test's values file can mock it)");
        missing = new Missing(missing == null ? reason : missing.reason, new java.util.HashSet<>(missing == null ? Set.of() : missing.names));
        missing.names.add(name);
        ctx.set(name, F.nullNode());
      }
    }
    return missing;
  }

  /** Context entries whose data is not available, and the first one's reason. */
  private record Missing(NotEvaluatedException reason, Set<String> names) {}

  /** Preconditions, unless they read context data that is not available. */
  private static boolean preconditions(JsonNode conditions, ObjectNode ctx, Missing missing) throws PolicyError {
    if (missing != null && conditions != null) {
      String text = conditions.toString();
      for (String name : missing.names) {
        if (java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(name) + "\\b").matcher(text).find()) {
          throw missing.reason;
        }
      }
    }
    boolean holds = Conditions.evaluate(conditions, ctx);
    if (holds && missing != null) {
      throw missing.reason;
    }
    return holds;
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

  private record Counted(Evaluation evaluation, int applied) {}

  /** The braces around a foreach list's expression, which Kyverno allows and leaves out. */
  private static final java.util.regex.Pattern LIST_BRACES = java.util.regex.Pattern.compile("^\\{\\{\\s*|\\s*}}$");

  /**
   * Kyverno's foreach: each element is checked with {@code element}, {@code elementIndex} and the
   * entry's own {@code context} (and per-element values from a test); an element whose
   * preconditions or anchors do not hold is skipped. The first failure or error decides; when no
   * element applied at all, the rule is skipped.
   */
  private static Counted foreach(JsonNode entries, JsonNode target, ObjectNode ctx, JsonNode validate,
      EvaluationInputs.RuleValues values) throws PolicyError {
    int applied = 0;
    for (JsonNode entry : entries) {
      JsonNode elements;
      try {
        String list = LIST_BRACES.matcher(entry.path("list").asText()).replaceAll("");
        elements = Variables.query(Variables.substitute(list, ctx).asText(), ctx);
      } catch (Variables.VariableException e) {
        continue; // Kyverno: a list that cannot be evaluated contributes no element
      }
      if (elements == null || elements.isNull()) {
        continue;
      }
      if (!elements.isArray()) {
        elements = F.arrayNode().add(elements);
      }
      boolean scoped = !entry.has("elementScope") || entry.get("elementScope").asBoolean();
      for (int i = 0; i < elements.size(); i++) {
        ObjectNode ec = F.objectNode();
        ec.setAll(ctx);
        ec.set("element", elements.get(i));
        ec.put("elementIndex", i);
        for (var fv : values.foreachValues().entrySet()) {
          if (i < fv.getValue().size()) {
            setPath(ec, fv.getKey(), fv.getValue().get(i));
          }
        }
        Missing missing = addContext(entry.get("context"), ec);
        if (!preconditions(entry.get("preconditions"), ec, missing)) {
          continue;
        }
        Evaluation e;
        if (entry.has("foreach")) {
          Counted nested = foreach(entry.get("foreach"), target, ec, validate, values);
          if (nested.evaluation.status != Status.PASS) {
            return nested;
          }
          if (nested.applied == 0) {
            continue;
          }
          e = nested.evaluation;
        } else if (entry.has("pattern")) {
          e = pattern(entry.get("pattern"), scoped ? elements.get(i) : target, ec, validate);
        } else if (entry.has("anyPattern")) {
          e = anyPattern(entry.get("anyPattern"), scoped ? elements.get(i) : target, ec, validate);
        } else if (entry.has("deny")) {
          e = Conditions.evaluate(entry.path("deny").path("conditions"), ec) ? failed(validate, ec, "element " + i + " denied") : pass();
        } else {
          continue;
        }
        if (e.status == Status.FAIL || e.status == Status.ERROR || e.status == Status.NOT_EVALUATED) {
          return new Counted(e, applied);
        }
        if (e.status == Status.PASS) {
          applied++;
        }
      }
    }
    return new Counted(pass(), applied);
  }

  static boolean skipped(Kind k) {
    return k == Kind.SKIP || k == Kind.GLOBAL_SKIP;
  }
}
