package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.sync.ManagedKinds;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.EscapeHatches;
import dev.slipway.model.spec.EscapeHatches.ExtraManifest;
import dev.slipway.model.yaml.SpecNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Places the objects of a component's {@code extraManifests} files into the application: in its
 * namespace, with the component's labels (so sync owns, diffs and prunes them like any rendered
 * object), in a wave of their own after every component's. Only namespaced kinds Slipway manages
 * are taken: sync lists exactly those kinds to find what to prune, so an object of any other kind
 * would be applied once and then never pruned; cluster-scoped objects would outlive and be shared
 * by applications.
 */
final class ExtraManifests {
  private ExtraManifests() {}

  private static final List<String> RBAC_KINDS = List.of("Role", "RoleBinding");

  /**
   * Why the object would run with an identity Slipway did not give it, or null: an IAM role is
   * given with serviceAccount.roleArn (where slipway iam reads it), and the components'
   * ServiceAccounts, with their roles and rules, are their own.
   */
  private static String identityProblem(ObjectNode body, List<RenderedObject> out) {
    if (body.path("metadata").path("annotations").has("eks.amazonaws.com/role-arn")) {
      return "sets an IAM role (eks.amazonaws.com/role-arn): give a component its role with serviceAccount.roleArn";
    }
    dev.slipway.engine.policy.PodSpecs.Located pod = dev.slipway.engine.policy.PodSpecs.find(body);
    if (pod == null || pod.spec() == null) {
      return null;
    }
    String account = pod.spec().path("serviceAccountName").asText("");
    String runAs = account.isEmpty() ? pod.spec().path("serviceAccount").asText("") : account;
    if (!runAs.isEmpty() && out.stream().anyMatch(o -> o.kind().equals("ServiceAccount") && o.name().equals(runAs))) {
      return "runs its pods as ServiceAccount " + runAs + ", a component's own (with its IAM role and API access); give the"
          + " manifest a ServiceAccount of its own";
    }
    return null;
  }

  /** The wave extra manifests are synced in: after every component of the application. */
  static int wave(List<ComponentSpec> components) {
    return components.stream().mapToInt(ComponentSpec::waveHint).max().orElse(0) + 1;
  }

  /** Adds the component's manifest objects to {@code out}; returns where each came from, keyed as {@link Patches#key}. */
  static Map<String, String> render(RenderContext ctx, ComponentSpec c, int wave, List<RenderedObject> out) {
    return render(ctx, c.name(), c.hatches(), c.strategy() != null, wave, out);
  }

  /**
   * As {@link #render(RenderContext, ComponentSpec, int, List)}, for any component by name;
   * {@code strategy}: whether the component has a delivery strategy (platform types have none).
   */
  static Map<String, String> render(RenderContext ctx, String component, EscapeHatches hatches, boolean strategy, int wave,
      List<RenderedObject> out) {
    Map<String, String> notes = new TreeMap<>();
    for (ExtraManifest m : hatches.extraManifests()) {
      for (SpecNode doc : m.documents()) {
        if (!(JsonView.of(doc) instanceof ObjectNode body)) {
          continue; // reported when the spec was resolved
        }
        String apiVersion = body.path("apiVersion").asText();
        String kind = body.path("kind").asText();
        String name = body.path("metadata").path("name").asText();
        if (apiVersion.isEmpty() || kind.isEmpty() || name.isEmpty()) {
          continue; // reported when the spec was resolved
        }
        String ref = kind + "/" + name;
        String kindProblem = ManagedKinds.applicationObjectProblem(apiVersion, kind);
        if (kindProblem != null) {
          boolean version = ManagedKinds.isApplicationKind(kind) && kindProblem.startsWith("Slipway manages");
          ctx.problems().error("spec.manifest-kind", JsonView.locate(doc, version ? "/apiVersion" : "/kind"), version ? "apiVersion" : "kind",
              ref + " in " + m.file() + ": " + kindProblem);
          continue;
        }
        if (RBAC_KINDS.contains(kind)) {
          // A RoleBinding could bind any ServiceAccount of the namespace to any ClusterRole (admin, edit).
          ctx.problems().error("spec.manifest-kind", JsonView.locate(doc, "/kind"), "kind", ref + " in " + m.file() + ": access to the"
              + " Kubernetes API is granted with the component's serviceAccount.rules, which Slipway renders as exactly the rules"
              + " written; extraManifests take no " + String.join(" or ", RBAC_KINDS));
          continue;
        }
        if (kind.equals("Deployment") && strategy) {
          // A rollout takes every Deployment of its component as one of its revisions.
          ctx.problems().error("spec.manifest-kind", JsonView.locate(doc, "/kind"), "kind", ref + " in " + m.file() + ": component '"
              + component + "' has a delivery strategy, whose rollouts own every Deployment of the component; list this file under"
              + " a component without a strategy");
          continue;
        }
        JsonNode ns = body.path("metadata").path("namespace");
        if (!ns.isMissingNode() && !ns.isNull() && !ns.asText().equals(ctx.namespace())) {
          ctx.problems().error("spec.manifest-namespace", JsonView.locate(doc, "/metadata/namespace"), "metadata.namespace", ref + " in "
              + m.file() + " names namespace '" + ns.asText() + "': objects of application '" + ctx.appName() + "' live in '"
              + ctx.namespace() + "' in environment " + ctx.envName() + " (leave the namespace out; Slipway sets it)");
          continue;
        }
        ObjectNode meta = body.with("metadata");
        meta.put("namespace", ctx.namespace());
        ObjectNode labels = meta.get("labels") instanceof ObjectNode l ? l : meta.putObject("labels");
        boolean ok = true;
        for (var own : Labels.component(ctx.envName(), ctx.appName(), component).entrySet()) {
          JsonNode given = labels.get(own.getKey());
          if (given != null && !given.asText().equals(own.getValue())) {
            ctx.problems().error("spec.reserved-label", JsonView.locate(doc, "/metadata/labels/" + JsonPatch.escape(own.getKey())),
                "metadata.labels", ref + " in " + m.file() + " sets label " + own.getKey() + "='" + given.asText() + "': Slipway owns"
                    + " the object by it and sets it to '" + own.getValue() + "' (leave it out)");
            ok = false;
          }
          labels.put(own.getKey(), own.getValue());
        }
        String identity = identityProblem(body, out);
        if (identity != null) {
          ctx.problems().error("spec.manifest-identity", JsonView.locate(doc, "/metadata/name"), "metadata", ref + " in " + m.file()
              + " " + identity);
          ok = false;
        }
        if (out.stream().anyMatch(o -> o.kind().equals(kind) && o.name().equals(name))) {
          ctx.problems().error("spec.duplicate-name", JsonView.locate(doc, "/metadata/name"), "metadata.name", ref + " in " + m.file()
              + " has the name of an object Slipway renders for the application; rename it (or patch that object instead)");
          ok = false;
        }
        if (!ok) {
          continue;
        }
        (meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations")).put(Labels.SYNC_WAVE, Integer.toString(wave));
        out.add(new RenderedObject(apiVersion, kind, ctx.namespace(), name, component, wave, body));
        notes.put(Patches.key(component, kind, name), "from " + doc.position());
      }
    }
    return notes;
  }
}
