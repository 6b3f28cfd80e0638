package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what {@code slipway doctor} analyzes from a live cluster: in each application's namespace
 * the pods, their events and every kind the analyzers read (whoever made the object: a claim of a
 * StatefulSet, a Job of a CronJob, an HPA of KEDA), and cluster-wide the nodes, storage classes,
 * ingress classes and Karpenter NodePools. One list per kind per namespace, no watch: bounded by
 * the number of namespaces. A kind the cluster does not serve (KEDA, External Secrets, Karpenter
 * or metrics-server not installed) answers 404 and is skipped; a refusal (403) of an optional kind
 * is skipped too, so that a least-privilege role still gets a diagnosis of what it may read.
 */
public final class DiagnosisReader {
  /** Kinds read in each application namespace: apiVersion, kind, and whether the diagnosis needs it. */
  static final List<String[]> NAMESPACED = List.of(
      new String[] {"v1", "Pod", "required"}, new String[] {"v1", "Event", "required"},
      new String[] {"apps/v1", "Deployment", "required"}, new String[] {"apps/v1", "ReplicaSet", "optional"},
      new String[] {"apps/v1", "StatefulSet", "optional"}, new String[] {"v1", "Service", "optional"},
      new String[] {"v1", "Endpoints", "optional"}, new String[] {"discovery.k8s.io/v1", "EndpointSlice", "optional"},
      new String[] {"networking.k8s.io/v1", "Ingress", "optional"},
      new String[] {"autoscaling/v2", "HorizontalPodAutoscaler", "optional"}, new String[] {"keda.sh/v1alpha1", "ScaledObject", "optional"},
      new String[] {"external-secrets.io/v1", "ExternalSecret", "optional"}, new String[] {"external-secrets.io/v1", "SecretStore", "optional"},
      new String[] {"v1", "ServiceAccount", "optional"}, new String[] {"v1", "PersistentVolumeClaim", "optional"},
      new String[] {"batch/v1", "CronJob", "optional"}, new String[] {"batch/v1", "Job", "optional"},
      new String[] {"policy/v1", "PodDisruptionBudget", "optional"}, new String[] {"metrics.k8s.io/v1beta1", "PodMetrics", "optional"});
  /** Kinds read once, cluster-wide. */
  static final List<String[]> CLUSTER = List.of(
      new String[] {"v1", "Node", "optional"}, new String[] {"storage.k8s.io/v1", "StorageClass", "optional"},
      new String[] {"networking.k8s.io/v1", "IngressClass", "optional"}, new String[] {"karpenter.sh/v1", "NodePool", "optional"});

  private final ClusterClient client;

  public DiagnosisReader(ClusterClient client) {
    this.client = client;
  }

  /** Everything the analyzers read in {@code namespaces} and cluster-wide; the kinds skipped are added to {@code skipped}. */
  public List<JsonNode> read(List<String> namespaces, List<String> skipped) {
    return read(namespaces, Set.of(), skipped);
  }

  /**
   * As {@link #read(List, List)}, without the namespaced kinds in {@code cached}: what a caller
   * already holds (the server's informers hold the kinds Slipway owns) is not read again.
   */
  public List<JsonNode> read(List<String> namespaces, Set<String> cached, List<String> skipped) {
    List<JsonNode> out = new ArrayList<>();
    for (String ns : new LinkedHashSet<>(namespaces)) {
      for (String[] k : NAMESPACED) {
        if (!cached.contains(k[1])) {
          out.addAll(list(k, ns, skipped));
        }
      }
    }
    for (String[] k : CLUSTER) {
      out.addAll(list(k, null, skipped));
    }
    return out;
  }

  private List<JsonNode> list(String[] k, String namespace, List<String> skipped) {
    try {
      return client.list(k[0], k[1], namespace, Map.of());
    } catch (KubernetesClientException e) {
      int code = e.getCode();
      if (k[2].equals("optional") && (code == 404 || code == 403 || code == 405)) {
        String what = k[1] + (code == 404 ? " (not served)" : " (not allowed)");
        if (!skipped.contains(what)) {
          skipped.add(what);
        }
        return List.of();
      }
      throw e;
    }
  }

  /** The kinds this reader lists, for the RBAC a diagnosing server needs (get/list on each). */
  public static Set<String> kinds() {
    Set<String> out = new LinkedHashSet<>();
    NAMESPACED.forEach(k -> out.add(k[1]));
    CLUSTER.forEach(k -> out.add(k[1]));
    return out;
  }
}
