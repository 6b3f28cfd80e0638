package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.validate.KubernetesTypes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes objects of any kind through fabric8's generic resources, with one retry policy
 * and a client-side rate limit. fabric8's own retries are switched off ({@link #configure}) so that
 * retries happen here only: bounded attempts, exponential back-off with jitter, a server's
 * {@code Retry-After} honoured, and none past the caller's deadline. Only answers a server may give
 * differently next time are retried (5xx, 429, a connection lost mid-request); a refused
 * connection, an unknown host, a TLS failure, a timeout or a 4xx fails at once, as a
 * {@link ClusterFailure} that says what was asked and why it failed. Ownership lookups use
 * equality label selectors only, which every API server supports.
 */
public class ClusterClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "NodePool", "EC2NodeClass", "ClusterRole",
      "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ClusterSecretStore", "IngressClass", "Node");

  /**
   * How requests are retried.
   *
   * @param attempts requests in all, the first included
   * @param base the first back-off; each next one doubles, up to {@code max}, with jitter (50–100%)
   * @param maxRetryAfter the longest {@code Retry-After} honoured; a server asking for more fails the request
   */
  public record RetryPolicy(int attempts, Duration base, Duration max, Duration maxRetryAfter) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  /** client-go's defaults are 5 QPS / burst 10; kubectl's are higher. Slipway's, per client. */
  public static final double DEFAULT_QPS = 20;
  public static final int DEFAULT_BURST = 40;

  private final KubernetesClient client;
  private final RetryPolicy policy;
  private final RateLimiter limiter;
  private volatile Instant deadline;

  public ClusterClient(KubernetesClient client) {
    this(client, RetryPolicy.DEFAULT, new RateLimiter(DEFAULT_QPS, DEFAULT_BURST));
  }

  public ClusterClient(KubernetesClient client, RetryPolicy policy, RateLimiter limiter) {
    this.client = client;
    this.policy = policy;
    this.limiter = limiter;
  }

  ClusterClient(KubernetesClient client, int attempts, long backoffMillis) {
    this(client, new RetryPolicy(attempts, Duration.ofMillis(backoffMillis), Duration.ofMillis(backoffMillis * 8), Duration.ofSeconds(60)),
        new RateLimiter(1000, 1000));
  }

  /**
   * Slipway's settings on a fabric8 configuration: no retries of fabric8's own (Slipway retries),
   * a short connect timeout so an unreachable cluster fails in seconds, and the request timeout.
   */
  public static Config configure(Config config, Duration requestTimeout) {
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
    return config;
  }

  /**
   * A client for the same cluster, sharing this one's retry policy and rate limit but never bound
   * by its deadline: for what must be written even when an operation ran out of time (history
   * records, releasing a lock).
   */
  public ClusterClient withoutDeadline() {
    return new ClusterClient(client, policy, limiter);
  }

  /** No request or retry starts after {@code deadline} (null: none): the caller's whole operation is bounded. */
  public void deadline(Instant deadline) {
    this.deadline = deadline;
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
    if (k.equals("endpoints")) {
      return k;
    }
    if (k.equals("podmetrics")) {
      return "pods"; // metrics.k8s.io serves PodMetrics as "pods"
    }
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
    return retry("list", apiVersion, kind, namespace, () -> {
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
    return retry("get", apiVersion, kind, namespace, () -> {
      var op = client.genericKubernetesResources(context(apiVersion, kind));
      GenericKubernetesResource r = namespace == null ? op.withName(name).get() : op.inNamespace(namespace).withName(name).get();
      return r == null ? null : toJson(r, apiVersion, kind);
    });
  }

  public JsonNode create(JsonNode obj) {
    return retry("create", obj, () -> {
      GenericKubernetesResource r = fromJson(obj);
      var op = client.genericKubernetesResources(context(r.getApiVersion(), r.getKind()));
      var created = r.getMetadata().getNamespace() == null ? op.resource(r).create() : op.inNamespace(r.getMetadata().getNamespace()).resource(r).create();
      return toJson(created, r.getApiVersion(), r.getKind());
    });
  }

  /** Replaces the object; the resourceVersion it carries makes a stale write fail with 409. */
  public JsonNode update(JsonNode obj) {
    return retry("update", obj, () -> {
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
    return serverSideApply(obj, FIELD_MANAGER, true);
  }

  /** Server-side apply as {@code manager}, forcing conflicts or not. */
  public JsonNode serverSideApply(JsonNode obj, String manager, boolean force) {
    return retry("apply", obj, () -> {
      GenericKubernetesResource r = fromJson(obj);
      r.getMetadata().setResourceVersion(null);
      var op = client.genericKubernetesResources(context(r.getApiVersion(), r.getKind()));
      var res = r.getMetadata().getNamespace() == null ? op.resource(r) : op.inNamespace(r.getMetadata().getNamespace()).resource(r);
      var managed = res.fieldManager(manager);
      return toJson(force ? managed.forceConflicts().serverSideApply() : managed.serverSideApply(), r.getApiVersion(), r.getKind());
    });
  }

  public static final String FIELD_MANAGER = "slipway";

  public void delete(JsonNode obj) {
    retry("delete", obj, () -> {
      GenericKubernetesResource r = fromJson(obj);
      var op = client.genericKubernetesResources(context(r.getApiVersion(), r.getKind()));
      String ns = r.getMetadata().getNamespace();
      (ns == null ? op.withName(r.getMetadata().getName()) : op.inNamespace(ns).withName(r.getMetadata().getName())).delete();
      return null;
    });
  }

  static JsonNode toJson(GenericKubernetesResource r, String apiVersion, String kind) {
    com.fasterxml.jackson.databind.node.ObjectNode n;
    try {
      // Through text, not valueToTree: objects from a watch event hold numbers as Long or Double where a
      // list holds Integer, and IntNode(1) is not LongNode(1) to a comparison. Text reads back one way.
      n = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(JSON.writeValueAsBytes(r));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot convert " + kind + " to JSON", e);
    }
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

  private <T> T retry(String verb, JsonNode obj, Call<T> call) {
    return retry(verb, obj.path("apiVersion").asText(), obj.path("kind").asText(), obj.path("metadata").path("namespace").asText(null), call);
  }

  private <T> T retry(String verb, String apiVersion, String kind, String namespace, Call<T> call) {
    try {
      return retry(call);
    } catch (KubernetesClientException e) {
      String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      throw ClusterFailure.of(e, verb, plural(kind) + (group.isEmpty() ? "" : "." + group), namespace);
    }
  }

  /** Runs {@code call} under the retry policy and the rate limit. */
  <T> T retry(Call<T> call) {
    for (int attempt = 1; ; attempt++) {
      limiter.acquire();
      Instant end = deadline;
      if (end != null && !Instant.now().isBefore(end)) {
        throw new KubernetesClientException("the operation's time ran out before this request", new ClusterFailure.DeadlinePassed());
      }
      try {
        return call.run();
      } catch (KubernetesClientException e) {
        Duration wait = retryAfter(e, attempt);
        if (wait == null) {
          throw e;
        }
        Instant until = Instant.now().plus(wait);
        if (end != null && until.isAfter(end)) {
          throw e;
        }
        sleep(wait.toMillis());
      }
    }
  }

  /** How long to wait before the next attempt, or null when the failure is not worth retrying. */
  Duration retryAfter(KubernetesClientException e, int attempt) {
    int code = e.getCode();
    boolean transientError = code >= 500 && code != 501 || code == 429
        || code == 0 && ClusterFailure.classify(e) == ClusterFailure.Cause.CONNECTION_LOST;
    if (!transientError || attempt >= policy.attempts()) {
      return null;
    }
    long backoff = Math.min(policy.max().toMillis(), policy.base().toMillis() * (1L << Math.min(20, attempt - 1)));
    long jittered = backoff / 2 + (long) (Math.random() * (backoff / 2 + 1));
    Integer asked = e.getStatus() != null && e.getStatus().getDetails() != null ? e.getStatus().getDetails().getRetryAfterSeconds() : null;
    if (asked != null && asked > 0) {
      if (asked * 1000L > policy.maxRetryAfter().toMillis()) {
        return null;
      }
      return Duration.ofMillis(Math.max(jittered, asked * 1000L));
    }
    return Duration.ofMillis(jittered);
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
