package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.validate.KubernetesTypes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes objects of any kind through fabric8's generic resources. Retries server
 * errors (5xx, 429) with backoff; everything else is the caller's to handle (404, 409).
 * Ownership lookups use equality label selectors only, which every API server supports.
 */
public class ClusterClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "NodePool", "EC2NodeClass", "ClusterRole",
      "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ClusterSecretStore", "IngressClass");

  private final KubernetesClient client;
  private final int attempts;
  private final long backoffMillis;

  public ClusterClient(KubernetesClient client) {
    this(client, 4, 200);
  }

  ClusterClient(KubernetesClient client, int attempts, long backoffMillis) {
    this.client = client;
    this.attempts = attempts;
    this.backoffMillis = backoffMillis;
  }

  /** The REST shape of a kind: group, version, plural, scope. */
  static ResourceDefinitionContext context(String apiVersion, String kind) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    boolean namespaced = !CLUSTER_SCOPED.contains(kind)
        && KubernetesTypes.find(apiVersion, kind).map(KubernetesTypes::isNamespaced).orElse(true);
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
        .withPlural(plural(kind)).withNamespaced(namespaced).build();
  }

  static String plural(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    if (k.endsWith("s")) {
      return k + "es";
    }
    if (k.endsWith("y") && !k.endsWith("ey")) {
      return k.substring(0, k.length() - 1) + "ies";
    }
    return k + "s";
  }

  /** Objects of one kind carrying every label in {@code labels} (equality selectors). */
  public List<JsonNode> list(String apiVersion, String kind, String namespace, Map<String, String> labels) {
    return retry(() -> {
      var op = client.genericKubernetesResources(context(apiVersion, kind));
      var scoped = namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
      var items = scoped.withLabels(labels).list().getItems();
      List<JsonNode> out = new ArrayList<>();
      for (GenericKubernetesResource r : items) {
        out.add(toJson(r, apiVersion, kind));
      }
      return out;
    });
  }

  public JsonNode get(String apiVersion, String kind, String namespace, String name) {
    return retry(() -> {
      var op = client.genericKubernetesResources(context(apiVersion, kind));
      GenericKubernetesResource r = namespace == null ? op.withName(name).get() : op.inNamespace(namespace).withName(name).get();
      return r == null ? null : toJson(r, apiVersion, kind);
    });
  }

  public JsonNode create(JsonNode obj) {
    return retry(() -> {
      GenericKubernetesResource r = fromJson(obj);
      var op = client.genericKubernetesResources(context(r.getApiVersion(), r.getKind()));
      var created = r.getMetadata().getNamespace() == null ? op.resource(r).create() : op.inNamespace(r.getMetadata().getNamespace()).resource(r).create();
      return toJson(created, r.getApiVersion(), r.getKind());
    });
  }

  /** Replaces the object; the resourceVersion it carries makes a stale write fail with 409. */
  public JsonNode update(JsonNode obj) {
    return retry(() -> {
      GenericKubernetesResource r = fromJson(obj);
      var op = client.genericKubernetesResources(context(r.getApiVersion(), r.getKind()));
      var updated = r.getMetadata().getNamespace() == null ? op.resource(r).update() : op.inNamespace(r.getMetadata().getNamespace()).resource(r).update();
      return toJson(updated, r.getApiVersion(), r.getKind());
    });
  }

  /**
   * Server-side apply with field manager {@value #FIELD_MANAGER}, taking over fields other
   * managers set ({@code force=true}, as {@code kubectl apply --server-side --force-conflicts}).
   */
  public JsonNode serverSideApply(JsonNode obj) {
    return retry(() -> {
      GenericKubernetesResource r = fromJson(obj);
      r.getMetadata().setResourceVersion(null);
      var op = client.genericKubernetesResources(context(r.getApiVersion(), r.getKind()));
      var res = r.getMetadata().getNamespace() == null ? op.resource(r) : op.inNamespace(r.getMetadata().getNamespace()).resource(r);
      return toJson(res.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply(), r.getApiVersion(), r.getKind());
    });
  }

  public static final String FIELD_MANAGER = "slipway";

  public void delete(JsonNode obj) {
    retry(() -> {
      GenericKubernetesResource r = fromJson(obj);
      var op = client.genericKubernetesResources(context(r.getApiVersion(), r.getKind()));
      String ns = r.getMetadata().getNamespace();
      (ns == null ? op.withName(r.getMetadata().getName()) : op.inNamespace(ns).withName(r.getMetadata().getName())).delete();
      return null;
    });
  }

  private static JsonNode toJson(GenericKubernetesResource r, String apiVersion, String kind) {
    var n = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(r);
    // Lists may omit apiVersion/kind on items; identity needs them.
    n.put("apiVersion", apiVersion);
    n.put("kind", kind);
    return n;
  }

  private static GenericKubernetesResource fromJson(JsonNode obj) {
    return JSON.convertValue(obj, GenericKubernetesResource.class);
  }

  interface Call<T> {
    T run();
  }

  /** Retries what a server may answer differently next time: 5xx, 429 and timeouts. */
  <T> T retry(Call<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (KubernetesClientException e) {
        boolean transientError = e.getCode() >= 500 || e.getCode() == 429 || e.getCode() == 0 && attempt < attempts;
        if (!transientError || attempt >= attempts) {
          throw e;
        }
        sleep(backoffMillis * (1L << (attempt - 1)));
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
