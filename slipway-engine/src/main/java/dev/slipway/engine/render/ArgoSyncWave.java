package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code argocd.argoproj.io/sync-wave} annotation that makes Argo CD apply the output tree in
 * Slipway's order.
 *
 * <p>Argo CD (gitops-engine's {@code syncTasks.Less}) orders by phase, wave, its own kind order,
 * then name, and waits for a wave to be healthy before the next. Slipway orders by wave, then
 * {@link KindOrder}, then name, and applies environment-wide objects before any application. The
 * two kind orders differ (Slipway puts StatefulSets before Deployments, external secrets before
 * the workloads that mount them, and orders the add-on kinds Argo CD does not know, which Argo CD
 * would all put last and order by name alone). So each Slipway wave is cut into slots: a new slot
 * starts wherever Argo CD's kind order would otherwise put a kind before the one Slipway applies
 * ahead of it, and the Argo CD wave is {@code wave * SLOTS + slot}. Environment-wide objects
 * ({@code <env>/_cluster/}, wave 0 in Slipway) get the negative waves {@code slot - SLOTS}, so they
 * are applied, and healthy, before every application.
 *
 * <p>The slots are a function of the kind alone, never of which objects happen to be rendered,
 * so objects of different applications synced by one Argo CD Application interleave consistently.
 * The price is that Argo CD also waits for health at each slot boundary, where Slipway waits only
 * between its own waves: the order of applies is the same, the waits are a superset. Kinds Slipway
 * does not order share the last slot, where Argo CD orders them by name rather than kind.
 */
public final class ArgoSyncWave {
  public static final String ANNOTATION = "argocd.argoproj.io/sync-wave";

  /** gitops-engine's kind order ({@code pkg/sync/sync_tasks.go}); kinds not listed come last. */
  static final List<String> ARGO_KIND_ORDER = List.of(
      "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
      "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
      "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList",
      "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
      "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
      "APIService");

  private static final Map<String, Integer> SLOT = new HashMap<>();
  /** Slots per Slipway wave. */
  public static final int SLOTS;
  private static final int OTHER_KINDS_SLOT;

  static {
    int slot = 0;
    String previous = null;
    for (String kind : KindOrder.kinds()) {
      if (previous != null && !argoOrdersAfter(previous, kind)) {
        slot++;
      }
      SLOT.put(kind, slot);
      previous = kind;
    }
    OTHER_KINDS_SLOT = slot + 1;
    SLOTS = slot + 2;
  }

  private ArgoSyncWave() {}

  /** gitops-engine's kind rank: negative for the kinds it orders, 0 (last) for every other kind. */
  static int argoRank(String kind) {
    int i = ARGO_KIND_ORDER.indexOf(kind);
    return i < 0 ? 0 : i - ARGO_KIND_ORDER.size();
  }

  /**
   * Whether, in one Argo CD wave, objects of {@code later} are still ordered after those of
   * {@code earlier} whatever their names: a strictly higher kind rank. Two kinds Argo CD does not
   * know share rank 0 and would be ordered by name, so they need separate slots.
   */
  private static boolean argoOrdersAfter(String earlier, String later) {
    return argoRank(later) > argoRank(earlier);
  }

  static int slot(String kind) {
    return SLOT.getOrDefault(kind, OTHER_KINDS_SLOT);
  }

  /** The Argo CD wave of an object of an application. */
  public static int of(int wave, String kind) {
    return wave * SLOTS + slot(kind);
  }

  /**
   * The Argo CD wave of an environment-wide object (all are in Slipway's wave 0): negative, so
   * before every application's objects.
   */
  public static int ofEnvironmentWide(String kind) {
    return slot(kind) - SLOTS;
  }

  /** Sets the annotation on each object's top-level metadata (never on pod templates). */
  static void annotate(List<RenderedObject> objects, boolean environmentWide) {
    for (RenderedObject o : objects) {
      int w = environmentWide ? ofEnvironmentWide(o.kind()) : of(o.wave(), o.kind());
      ObjectNode meta = (ObjectNode) o.body().get("metadata");
      ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
      annotations.put(ANNOTATION, Integer.toString(w));
    }
  }
}
