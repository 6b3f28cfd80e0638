package dev.slipway.model.spec;

import java.util.List;
import java.util.SortedMap;

/**
 * One component of an application, fully resolved for one environment: type defaults, platform
 * defaults, the app's values and the environment's overrides already merged.
 *
 * @param port the main port (named http, or postgres)
 * @param ports further named ports, exposed on the container and the Service
 * @param replicas replicas when not autoscaled (and the floor the capacity planner uses)
 * @param secrets environment variable → reference into the platform's secret store
 * @param waveHint position in the {@code dependsOn} order: 0 for components that depend on nothing
 * @param strategy how a new version replaces the running one (blue/green, canary); null for the Deployment's rolling update
 * @param queue the SQS queue a worker consumes and is scaled on; null when it consumes none
 * @param hatches sidecars, scheduling, hooks, pod metadata, patches and extra manifests ({@link EscapeHatches#NONE} when unused)
 */
public record ComponentSpec(
    String name,
    ComponentType type,
    String image,
    Integer port,
    SortedMap<String, Integer> ports,
    List<String> command,
    List<String> args,
    SortedMap<String, String> env,
    SortedMap<String, SecretRef> secrets,
    ConfigFiles config,
    Resources resources,
    Probes probes,
    int replicas,
    Autoscaling autoscaling,
    Ingress ingress,
    ServiceAccount serviceAccount,
    List<String> dependsOn,
    Metrics metrics,
    Storage storage,
    Schedule schedule,
    Security security,
    int waveHint,
    DeliveryStrategy strategy,
    Queue queue,
    EscapeHatches hatches) {

  /** The same component running {@code other}: a promoted release's image instead of app.yaml's. */
  public ComponentSpec withImage(String other) {
    return new ComponentSpec(name, type, other, port, ports, command, args, env, secrets, config, resources, probes, replicas, autoscaling,
        ingress, serviceAccount, dependsOn, metrics, storage, schedule, security, waveHint, strategy, queue, hatches);
  }

  /** A key in the secret store, optionally one property of a JSON secret ({@code key#property}). */
  public record SecretRef(String key, String property) {}

  /**
   * An Amazon SQS queue a worker consumes. KEDA scales the worker on the queue's length through
   * the worker's own IAM role (IRSA), which needs exactly this queue: see {@code IamPolicies}.
   *
   * @param url the queue URL, {@code https://sqs.<region>.amazonaws.com/<account>/<name>}
   * @param messagesPerReplica KEDA's {@code queueLength}: messages (visible and in flight) one replica handles
   * @param activationMessages KEDA's {@code activationQueueLength}: from zero replicas, scale up above this many
   */
  public record Queue(String url, String region, String account, String name, int messagesPerReplica, int activationMessages) {
    /** The variable the worker finds its queue's URL in. */
    public static final String URL_VARIABLE = "QUEUE_URL";

    /** The queue's ARN, the one resource the worker's role is allowed to use. */
    public String arn() {
      return "arn:" + partition() + ":sqs:" + region + ":" + account + ":" + name;
    }

    /** The AWS partition of the queue's region: China and GovCloud regions have their own. */
    public String partition() {
      return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }
  }

  /** Files mounted read-only from a ConfigMap. */
  public record ConfigFiles(String mountPath, SortedMap<String, String> files) {}

  /** Requests, and limits (derived from requests when not given). */
  public record Resources(String cpu, String memory, String cpuLimit, String memoryLimit) {}

  /** Liveness, readiness and startup checks; any may be null. */
  public record Probes(Probe liveness, Probe readiness, Probe startup) {}

  /**
   * One probe: an HTTP GET on {@code path}, a TCP check, or a command.
   *
   * @param port the port to probe; the component's port when null
   */
  public record Probe(
      String path,
      Integer port,
      boolean tcp,
      List<String> exec,
      Integer initialDelaySeconds,
      Integer periodSeconds,
      Integer timeoutSeconds,
      Integer failureThreshold) {}

  /** Horizontal scaling: CPU/memory targets (HPA) or KEDA triggers (ScaledObject). */
  public record Autoscaling(int min, int max, Integer cpu, Integer memory, List<Trigger> triggers) {
    public boolean usesKeda() {
      return !triggers.isEmpty();
    }
  }

  /**
   * A KEDA trigger. {@code cron}: scale to {@code replicas} between {@code start} and {@code end}
   * (cron expressions in {@code timezone}); {@code prometheus}: scale on {@code query} against
   * {@code threshold}.
   */
  public record Trigger(
      String type, String timezone, String start, String end, Integer replicas, String query, String threshold, String serverAddress) {}

  /** Exposure through the environment's ingress controller. */
  public record Ingress(String host, String path, boolean tls, Boolean publicFacing) {}

  /**
   * The component's identity: its cloud role (IRSA on EKS) and what it may do in the Kubernetes
   * API — {@code rules} in its own namespace (a Role and a RoleBinding), {@code clusterRules}
   * cluster-wide (a ClusterRole and a ClusterRoleBinding). Without rules its token is not even
   * mounted.
   */
  public record ServiceAccount(String roleArn, List<RbacRule> rules, List<RbacRule> clusterRules) {
    public ServiceAccount(String roleArn) {
      this(roleArn, List.of(), List.of());
    }

    /** Whether the component talks to the Kubernetes API. */
    public boolean usesKubernetesApi() {
      return !rules.isEmpty() || !clusterRules.isEmpty();
    }
  }

  /**
   * One RBAC rule: verbs on resources of API groups (optionally only the named objects), or
   * {@code preset: slipway-sync} — exactly what Slipway's own sync does, generated from the kinds
   * it manages.
   */
  public record RbacRule(List<String> apiGroups, List<String> resources, List<String> resourceNames, List<String> verbs,
      String preset) {}

  /** Where Prometheus scrapes the component. */
  public record Metrics(String path, Integer port, String interval) {}

  /** Persistent storage of a postgres component. */
  public record Storage(String size, String storageClass, String version, String database) {}

  /** CronJob settings of a job component. */
  public record Schedule(String cron, String timezone, String concurrencyPolicy, Integer backoffLimit, Integer activeDeadlineSeconds) {}

  /** Container and pod security settings; the defaults are the restricted ones. */
  public record Security(
      boolean runAsNonRoot,
      Integer runAsUser,
      Integer runAsGroup,
      Integer fsGroup,
      boolean readOnlyRootFilesystem,
      boolean allowPrivilegeEscalation,
      List<String> addCapabilities) {}

  public boolean exposesPort() {
    return port != null;
  }

  /** The floor of replicas: autoscaling min when autoscaled, else replicas. */
  public int minReplicas() {
    return autoscaling != null ? autoscaling.min() : replicas;
  }
}
