package dev.slipway.engine.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The kinds Slipway renders, owns, syncs, watches and prunes, and the verbs its sync uses on
 * them: one list, read by the sync (what to list, compare and prune), the watch (one informer per
 * kind) and the ClusterRole Slipway's own deployment gets (exactly these verbs on exactly these
 * kinds, plus what the sync keeps beside them: history ConfigMaps and lock Leases).
 */
public final class ManagedKinds {
  /** A kind Slipway manages: its apiVersion, its kind, its REST resource, and whether it lives in a namespace. */
  public record Kind(String apiVersion, String kind, String resource, boolean namespaced) {
    /** The API group ("" for the core group). */
    public String group() {
      int slash = apiVersion.indexOf('/');
      return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
  }

  /** What the sync does to the objects it owns: read (get, list, watch), apply (create, update, patch), prune (delete). */
  public static final List<String> SYNC_VERBS = List.of("get", "list", "watch", "create", "update", "patch", "delete");
  /** What the environment lock, history and leader election do to their Leases and ConfigMaps. */
  public static final List<String> LEASE_VERBS = List.of("get", "list", "watch", "create", "update", "delete");

  /** What the server's diagnosis ({@code slipway doctor}'s analyzers) does to what it reads beside the managed kinds. */
  public static final List<String> READ_VERBS = List.of("get", "list");

  /**
   * What the diagnosis reads that Slipway does not manage, by API group: the pods and their
   * events, ReplicaSets, endpoints, Jobs of CronJobs, nodes, storage and ingress classes, pod
   * metrics (and Karpenter's NodePools, managed already).
   */
  public static final Map<String, List<String>> DIAGNOSIS_READS = java.util.Collections.unmodifiableMap(new TreeMap<>(Map.of(
      "", List.of("endpoints", "events", "nodes", "pods"),
      "apps", List.of("replicasets"),
      "batch", List.of("jobs"),
      "discovery.k8s.io", List.of("endpointslices"),
      "metrics.k8s.io", List.of("pods"),
      "networking.k8s.io", List.of("ingressclasses"),
      "storage.k8s.io", List.of("storageclasses"))));

  /** Kinds an application owns, in its namespace (and the namespace itself). */
  public static final List<Kind> APPLICATION = List.of(
      new Kind("v1", "Namespace", "namespaces", false),
      new Kind("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true),
      new Kind("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
      new Kind("v1", "ServiceAccount", "serviceaccounts", true),
      new Kind("rbac.authorization.k8s.io/v1", "Role", "roles", true),
      new Kind("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true),
      new Kind("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false),
      new Kind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false),
      new Kind("external-secrets.io/v1", "SecretStore", "secretstores", true),
      new Kind("external-secrets.io/v1", "ExternalSecret", "externalsecrets", true),
      new Kind("v1", "ConfigMap", "configmaps", true),
      new Kind("v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
      new Kind("v1", "Service", "services", true),
      new Kind("apps/v1", "StatefulSet", "statefulsets", true),
      new Kind("apps/v1", "Deployment", "deployments", true),
      new Kind("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true),
      new Kind("keda.sh/v1alpha1", "TriggerAuthentication", "triggerauthentications", true),
      new Kind("keda.sh/v1alpha1", "ScaledObject", "scaledobjects", true),
      new Kind("batch/v1", "CronJob", "cronjobs", true),
      new Kind("networking.k8s.io/v1", "Ingress", "ingresses", true),
      new Kind("monitoring.coreos.com/v1", "ServiceMonitor", "servicemonitors", true),
      new Kind("monitoring.coreos.com/v1", "PrometheusRule", "prometheusrules", true));

  /** Kinds an environment owns outside any application (node pools, shared namespaces). */
  public static final List<Kind> ENVIRONMENT = List.of(
      new Kind("v1", "Namespace", "namespaces", false),
      new Kind("karpenter.k8s.aws/v1", "EC2NodeClass", "ec2nodeclasses", false),
      new Kind("karpenter.sh/v1", "NodePool", "nodepools", false));

  private ManagedKinds() {}

  /** Every kind Slipway manages, once each, applications' first. */
  public static List<Kind> all() {
    Map<String, Kind> byKind = new java.util.LinkedHashMap<>();
    APPLICATION.forEach(k -> byKind.put(k.kind(), k));
    ENVIRONMENT.forEach(k -> byKind.putIfAbsent(k.kind(), k));
    return List.copyOf(byKind.values());
  }

  /**
   * Why an object an application brings itself (an extra manifest, a platform type's template)
   * cannot be one of its objects, or null when it can: Slipway must manage the kind (else sync
   * could never prune it) under that apiVersion, and the kind must be namespaced (a cluster-scoped
   * object would be shared by every application and outlive this one).
   */
  public static String applicationObjectProblem(String apiVersion, String kind) {
    Kind managed = APPLICATION.stream().filter(k -> k.kind().equals(kind)).findFirst().orElse(null);
    if (managed == null || !managed.namespaced()) {
      List<String> allowed = APPLICATION.stream().filter(Kind::namespaced).map(Kind::kind).toList();
      return (managed == null ? "Slipway does not manage kind " + kind + ", so it could not prune it"
          : kind + " is cluster-scoped: it would be shared by every application and outlive this one")
          + "; an application's own objects are of the namespaced kinds Slipway manages: " + String.join(", ", allowed);
    }
    if (!managed.apiVersion().equals(apiVersion)) {
      return "Slipway manages " + kind + " as " + managed.apiVersion() + ", not " + apiVersion;
    }
    return null;
  }

  public static boolean isApplicationKind(String kind) {
    return APPLICATION.stream().anyMatch(k -> k.kind().equals(kind));
  }

  public static boolean isEnvironmentKind(String kind) {
    return ENVIRONMENT.stream().anyMatch(k -> k.kind().equals(kind));
  }

  /** Whether Slipway's {@code kind} lives in a namespace (false for kinds it does not manage). */
  public static boolean namespaced(String kind) {
    return all().stream().anyMatch(k -> k.kind().equals(kind) && k.namespaced());
  }

  /**
   * The RBAC rules Slipway's sync needs, as a ClusterRole's {@code rules}: one rule per API
   * group with its resources in order, the sync verbs on everything it manages, and the lease
   * verbs on Leases (environment locks, leader election). ConfigMaps (its history) are among the
   * managed kinds already.
   */
  public static List<Map<String, List<String>>> clusterRoleRules() {
    Map<String, TreeSet<String>> byGroup = new TreeMap<>();
    for (Kind k : all()) {
      byGroup.computeIfAbsent(k.group(), g -> new TreeSet<>()).add(k.resource());
    }
    List<Map<String, List<String>>> rules = new ArrayList<>();
    byGroup.forEach((group, resources) -> rules.add(rule(group, List.copyOf(resources), SYNC_VERBS)));
    rules.add(rule("coordination.k8s.io", List.of("leases"), LEASE_VERBS));
    DIAGNOSIS_READS.forEach((group, resources) -> rules.add(rule(group, resources, READ_VERBS)));
    return rules;
  }

  private static Map<String, List<String>> rule(String group, List<String> resources, List<String> verbs) {
    Map<String, List<String>> r = new java.util.LinkedHashMap<>();
    r.put("apiGroups", List.of(group));
    r.put("resources", resources);
    r.put("verbs", verbs);
    return r;
  }
}
