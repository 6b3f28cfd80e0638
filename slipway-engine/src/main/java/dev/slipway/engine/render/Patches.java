package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.EscapeHatches;
import dev.slipway.model.spec.EscapeHatches.Op;
import dev.slipway.model.spec.EscapeHatches.Patch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies a component's {@code patches} to the objects it renders, in the order written, before
 * a delivery strategy reshapes them (so a patched pod template is a new revision) and before
 * validation and policy see them. A patch must change something it can name: a target that
 * matches none of the component's objects, an operation whose path does not exist and a failing
 * {@code test} are errors at the patch. What Slipway owns objects by — apiVersion, kind, name,
 * namespace, its labels, the selector and the pod template's selector labels — cannot be patched.
 */
final class Patches {
  private Patches() {}

  /**
   * Patches the objects of {@code c} in {@code out}; returns, for each object a patch changed
   * (keyed as {@link #key}), which patches did.
   */
  static Map<String, String> apply(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    return apply(ctx, c.name(), c.hatches(), out);
  }

  /** As {@link #apply(RenderContext, ComponentSpec, List)}, for any component (built-in or of a platform type) by name. */
  static Map<String, String> apply(RenderContext ctx, String component, EscapeHatches hatches, List<RenderedObject> out) {
    Map<String, String> notes = new java.util.TreeMap<>();
    for (Patch p : hatches.patches()) {
      List<Integer> targets = new ArrayList<>();
      for (int i = 0; i < out.size(); i++) {
        RenderedObject o = out.get(i);
        if (component.equals(o.component()) && o.kind().equals(p.kind()) && (p.name() == null || p.name().equals(o.name()))) {
          targets.add(i);
        }
      }
      if (targets.isEmpty()) {
        List<String> own = out.stream().filter(o -> component.equals(o.component())).map(o -> o.kind() + "/" + o.name()).sorted().toList();
        ctx.problems().error("spec.patch-target", p.at(), p.path() + ".target", "no object of component '" + component + "' is a "
            + p.kind() + (p.name() == null ? "" : " named '" + p.name() + "'") + "; it renders " + String.join(", ", own));
        continue;
      }
      for (int i : targets) {
        RenderedObject o = out.get(i);
        JsonNode patched;
        if (p.merge() != null) {
          patched = JsonPatch.merge(o.body(), JsonView.of(p.merge()));
        } else {
          try {
            patched = JsonPatch.apply(o.body(), operations(p.ops()));
          } catch (JsonPatch.PatchException e) {
            Op op = p.ops().get(e.index());
            ctx.problems().error("spec.patch-failed", op.at(), p.path() + ".patch[" + e.index() + "]",
                "cannot apply '" + op.op() + "' to " + o.kind() + "/" + o.name() + ": " + e.getMessage());
            continue;
          }
        }
        String owned = ownershipChange(o.body(), patched);
        if (owned != null) {
          ctx.problems().error("spec.patch-ownership", p.at(), p.path(), "the patch changes " + owned + " of " + o.kind() + "/" + o.name()
              + ": Slipway owns its objects, and sets the identity and access they run with, by it, so it cannot be patched");
          continue;
        }
        out.set(i, new RenderedObject(o.apiVersion(), o.kind(), o.namespace(), o.name(), o.component(), o.wave(), (ObjectNode) patched));
        notes.merge(key(component, o.kind(), o.name()), p.describe(), (a, b) -> a + ", " + b);
      }
    }
    return notes;
  }

  static String key(String component, String kind, String name) {
    return component + "/" + kind + "/" + name;
  }

  private static List<JsonPatch.Operation> operations(List<Op> ops) {
    List<JsonPatch.Operation> out = new ArrayList<>();
    for (Op op : ops) {
      out.add(new JsonPatch.Operation(op.op(), op.path(), op.from(), op.value() == null ? null : JsonView.of(op.value())));
    }
    return out;
  }

  private static final List<String> RBAC_KINDS = List.of("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding");

  /** The ServiceAccount a pod spec runs as: serviceAccountName, else the deprecated serviceAccount Kubernetes still honours. */
  private static String account(JsonNode podSpec) {
    String name = podSpec.path("serviceAccountName").asText("");
    return name.isEmpty() ? podSpec.path("serviceAccount").asText("") : name;
  }

  /** The first thing Slipway owns the object by that the patch changed, or null. */
  static String ownershipChange(JsonNode before, JsonNode after) {
    if (!after.isObject()) {
      return "the whole object";
    }
    for (String field : List.of("apiVersion", "kind")) {
      if (!before.path(field).equals(after.path(field))) {
        return field;
      }
    }
    for (String field : List.of("name", "namespace")) {
      if (!before.path("metadata").path(field).equals(after.path("metadata").path(field))) {
        return "metadata." + field;
      }
    }
    String label = changedLabel(before.path("metadata").path("labels"), after.path("metadata").path("labels"));
    if (label != null) {
      return "label " + label;
    }
    // Identity: the IAM role a ServiceAccount assumes, the ServiceAccount pods run as, and how KEDA
    // authenticates. They follow from the spec (serviceAccount.roleArn, queue), where slipway iam
    // reads them; a patch would make the role's policy wrong without a word.
    for (String annotation : List.of("eks.amazonaws.com/role-arn", dev.slipway.engine.types.ReadyWhen.ANNOTATION)) {
      if (!before.path("metadata").path("annotations").path(annotation).equals(after.path("metadata").path("annotations").path(annotation))) {
        return "annotation " + annotation;
      }
    }
    JsonNode podBefore = before.path("spec").path("template").path("spec");
    JsonNode podAfter = after.path("spec").path("template").path("spec");
    if (!account(podBefore).equals(account(podAfter))) {
      return "spec.template.spec.serviceAccountName";
    }
    JsonNode jobBefore = before.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    JsonNode jobAfter = after.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    if (!account(jobBefore).equals(account(jobAfter))) {
      return "spec.jobTemplate.spec.template.spec.serviceAccountName";
    }
    if (RBAC_KINDS.contains(before.path("kind").asText()) && !before.equals(after)) {
      // Rules, roleRef and subjects are exactly serviceAccount.rules; a patch could bind anything to cluster-admin.
      return "the " + before.path("kind").asText() + " (API access is granted with serviceAccount.rules)";
    }
    if (before.path("kind").asText().equals("TriggerAuthentication") && !before.path("spec").equals(after.path("spec"))) {
      return "the TriggerAuthentication's spec";
    }
    if (before.path("kind").asText().equals("ScaledObject")) {
      for (int i = 0; i < before.path("spec").path("triggers").size(); i++) {
        JsonNode t = before.path("spec").path("triggers").get(i);
        if (t.has("authenticationRef") && !t.equals(after.path("spec").path("triggers").path(i))) {
          return "spec.triggers[" + i + "] (the queue trigger)";
        }
      }
    }
    if (!before.path("spec").path("selector").equals(after.path("spec").path("selector"))) {
      return "spec.selector";
    }
    JsonNode selector = before.path("spec").path("selector").path("matchLabels");
    JsonNode podLabels = after.path("spec").path("template").path("metadata").path("labels");
    for (var it = selector.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!selector.path(k).equals(podLabels.path(k))) {
        return "pod template label " + k;
      }
    }
    return null;
  }

  private static String changedLabel(JsonNode before, JsonNode after) {
    for (var it = before.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      boolean owned = k.startsWith("slipway.dev/") || k.startsWith("app.kubernetes.io/");
      if (owned && !before.path(k).equals(after.path(k))) {
        return k;
      }
    }
    for (var it = after.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.startsWith("slipway.dev/") && !before.has(k)) {
        return k;
      }
    }
    return null;
  }
}
