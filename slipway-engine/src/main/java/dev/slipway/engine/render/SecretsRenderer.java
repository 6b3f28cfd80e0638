package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.spec.AddonsSpec.SecretsAddon;
import dev.slipway.model.spec.ComponentSpec;
import java.util.List;

/**
 * Renders External Secrets objects. Slipway never renders a Secret with values: the
 * ExternalSecret names keys in the provider, and External Secrets Operator writes the Secret.
 */
final class SecretsRenderer {
  static final String STORE_ACCOUNT = "secret-store";

  private SecretsRenderer() {}

  static boolean needed(RenderContext ctx) {
    return ctx.components().stream().anyMatch(c -> !c.secrets().isEmpty());
  }

  /** The application's SecretStore and, when the store assumes a role, its ServiceAccount. */
  static void renderStore(RenderContext ctx, List<RenderedObject> out) {
    SecretsAddon s = ctx.addons().secrets();
    ObjectNode aws = Json.obj();
    aws.put("service", s.provider().equals("aws-parameterstore") ? "ParameterStore" : "SecretsManager");
    aws.put("region", s.region());
    if (s.roleArn() != null) {
      RenderedObject sa = ctx.appObject("v1", "ServiceAccount", ctx.appScoped(STORE_ACCOUNT), null, null);
      ((ObjectNode) sa.body().get("metadata").get("annotations")).put("eks.amazonaws.com/role-arn", ctx.fill(s.roleArn()));
      sa.body().put("automountServiceAccountToken", false);
      out.add(sa);
      aws.set("auth", Json.obj().set("jwt", Json.obj().set("serviceAccountRef", Json.obj("name", ctx.appScoped(STORE_ACCOUNT)))));
    }
    ObjectNode spec = Json.obj();
    spec.set("provider", Json.obj().set("aws", aws));
    out.add(ctx.appObject("external-secrets.io/v1", "SecretStore", ctx.appScoped(s.storeName()), spec, "spec"));
  }

  static void render(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    if (c.secrets().isEmpty()) {
      return;
    }
    SecretsAddon s = ctx.addons().secrets();
    ObjectNode spec = Json.obj();
    spec.put("refreshInterval", s.refreshInterval());
    spec.set("secretStoreRef", Json.obj().put("name", ctx.appScoped(s.storeName())).put("kind", "SecretStore"));
    spec.set("target", Json.obj().put("name", WorkloadRenderer.secretName(c)).put("creationPolicy", "Owner"));
    ArrayNode data = Json.arr();
    c.secrets().forEach((env, ref) -> {
      ObjectNode remote = Json.obj().put("key", ref.key());
      if (ref.property() != null) {
        remote.put("property", ref.property());
      }
      data.add(Json.obj().put("secretKey", env).set("remoteRef", remote));
    });
    spec.set("data", data);
    out.add(ctx.componentObject(c, "external-secrets.io/v1", "ExternalSecret", WorkloadRenderer.secretName(c), spec, "spec"));
  }
}
