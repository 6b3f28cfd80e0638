package dev.slipway.engine.render;

import java.util.Comparator;
import java.util.List;

/**
 * The order kinds are applied in within a wave, after gitops-engine's and Helm's install order,
 * with the add-on kinds Slipway renders placed where they belong (secrets before the workloads
 * that mount them, scalers after their targets). Unknown kinds go last.
 */
public final class KindOrder {
  // TriggerAuthentication (KEDA) comes before the workloads its ScaledObjects scale, between two kinds
  // where Argo CD's order already needs a new sync-wave slot, so it adds none (see ArgoSyncWave).
  private static final List<String> ORDER = List.of(
      "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "ServiceAccount",
      "SecretStore", "ClusterSecretStore", "Secret", "ExternalSecret", "ConfigMap", "StorageClass",
      "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
      "Role", "RoleBinding", "EC2NodeClass", "NodePool", "Service", "DaemonSet", "Pod", "ReplicationController",
      "ReplicaSet", "StatefulSet", "TriggerAuthentication", "Deployment", "HorizontalPodAutoscaler", "ScaledObject", "Job", "CronJob",
      "IngressClass", "Ingress", "APIService", "ServiceMonitor", "PrometheusRule");

  private KindOrder() {}

  /** The kinds Slipway orders, in sync order within a wave. */
  public static List<String> kinds() {
    return ORDER;
  }

  public static int rank(String kind) {
    int i = ORDER.indexOf(kind);
    return i < 0 ? ORDER.size() : i;
  }

  /** Sync order: wave, then kind order, then kind name (for unknown kinds), then name. */
  public static final Comparator<RenderedObject> SYNC_ORDER = Comparator.comparingInt(RenderedObject::wave)
      .thenComparingInt(o -> rank(o.kind()))
      .thenComparing(RenderedObject::kind)
      .thenComparing(o -> o.namespace() == null ? "" : o.namespace())
      .thenComparing(RenderedObject::name);
}
