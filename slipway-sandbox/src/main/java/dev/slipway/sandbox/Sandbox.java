package dev.slipway.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated Kubernetes clusters for a platform, so the whole flow runs on a machine without one:
 * one in-process API server (fabric8's mock, CRUD mode, on 127.0.0.1) per kubeconfig context its
 * environments name, with simulated controllers that set status as the real ones would, and a
 * kubeconfig whose contexts are the environments' {@code cluster.context}, so {@code slipway sync
 * --kubeconfig FILE} works unchanged. Everything it produces is SIMULATED and says so: the log line
 * at start, {@link #banner()}, {@link #isSimulated()}, the kubeconfig's comment and cluster names,
 * load-balancer names under {@code .simulated.invalid}, and condition messages of what it made up.
 *
 * <p>Faults for demos and tests: {@link #fail} makes a workload never become available (or an
 * add-on object not Ready), as the {@value SimulatedStatus#FAIL_ANNOTATION} annotation does on a pod
 * template; {@link #drift} changes a live object's field as someone with kubectl would.
 */
public final class Sandbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

  /** The first words of everything the sandbox shows a person. */
  public static final String SIMULATED = "SIMULATED";

  private final Map<String, String> contexts;
  private final Map<String, SimulatedCluster> clusters;
  private final SandboxOptions options;

  private Sandbox(Map<String, String> contexts, Map<String, SimulatedCluster> clusters, SandboxOptions options) {
    this.contexts = contexts;
    this.clusters = clusters;
    this.options = options;
  }

  /** Starts a simulated cluster for each context the platform's environments name (shared by environments naming the same one). */
  public static Sandbox start(PlatformSpec platform, SandboxOptions options) {
    return start(platform, options, Clock.systemUTC());
  }

  public static Sandbox start(PlatformSpec platform, SandboxOptions options, Clock clock) {
    SandboxOptions o = platform.region() == null ? options : options.withRegion(platform.region());
    Map<String, String> contexts = new LinkedHashMap<>();
    for (EnvironmentSpec e : platform.environments()) {
      contexts.put(e.name(), e.cluster() == null || e.cluster().context() == null ? e.name() : e.cluster().context());
    }
    Map<String, SimulatedCluster> clusters = new LinkedHashMap<>();
    try {
      for (String context : contexts.values()) {
        if (!clusters.containsKey(context)) {
          clusters.put(context, SimulatedCluster.start(context, o, clock));
        }
      }
    } catch (RuntimeException e) {
      clusters.values().forEach(SimulatedCluster::close);
      throw e;
    }
    Sandbox sandbox = new Sandbox(contexts, clusters, o);
    LOG.warn("{}", sandbox.banner());
    return sandbox;
  }

  /** Always true: what the server and the dashboard check before they label anything. */
  public boolean isSimulated() {
    return true;
  }

  /** What to show above anything that comes from these clusters. */
  public String banner() {
    StringBuilder sb = new StringBuilder(SIMULATED + ": Slipway sandbox. These are simulated Kubernetes clusters"
        + " (in-process mock API servers and simulated controllers), not real ones: nothing runs, no image is pulled,"
        + " no load balancer or volume exists.");
    contexts.forEach((env, context) -> sb.append(System.lineSeparator()).append("  ").append(SIMULATED).append(" environment ")
        .append(env).append(": context ").append(context).append(", API server ").append(clusters.get(context).url()));
    return sb.toString();
  }

  /** Environment name to kubeconfig context, in the platform's order. */
  public Map<String, String> contexts() {
    return Map.copyOf(contexts);
  }

  public List<String> environments() {
    return new ArrayList<>(contexts.keySet());
  }

  public SandboxOptions options() {
    return options;
  }

  /** The simulated cluster of an environment. */
  public SimulatedCluster cluster(String environment) {
    String context = contexts.get(environment);
    if (context == null) {
      throw new IllegalArgumentException("no environment " + environment + " in the sandbox (it has " + contexts.keySet() + ")");
    }
    return clusters.get(context);
  }

  /** A kubeconfig reaching every simulated cluster, one context per distinct environment context. */
  public String kubeconfig() {
    StringBuilder clustersYaml = new StringBuilder();
    StringBuilder contextsYaml = new StringBuilder();
    for (SimulatedCluster c : clusters.values()) {
      String cluster = quote("simulated-" + c.context());
      clustersYaml.append("- name: ").append(cluster).append('\n')
          .append("  cluster: {server: ").append(quote(c.url())).append("}\n");
      contextsYaml.append("- name: ").append(quote(c.context())).append('\n')
          .append("  context: {cluster: ").append(cluster).append(", user: simulated}\n");
    }
    return "# " + SIMULATED + ": kubeconfig of the Slipway sandbox's simulated clusters (in-process mock API servers on 127.0.0.1).\n"
        + "# Valid only while `slipway sandbox` runs; not a real cluster.\n"
        + "apiVersion: v1\nkind: Config\n"
        + "clusters:\n" + clustersYaml
        + "users:\n- name: simulated\n  user: {token: simulated}\n"
        + "contexts:\n" + contextsYaml
        + "current-context: " + quote(clusters.keySet().iterator().next()) + "\n";
  }

  /** Writes {@link #kubeconfig()} to {@code file} (readable by its owner only, as kubeconfigs should be). */
  public Path writeKubeconfig(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, kubeconfig());
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the file keeps its default permissions.
    }
    return file;
  }

  /**
   * Makes an object fail with {@code reason} until {@link #clearFault}: a Deployment or StatefulSet
   * never becomes available (a Deployment reports {@code ProgressDeadlineExceeded} after the
   * progress deadline), a Job fails, an add-on object reports {@code Ready=False}.
   */
  public void fail(String environment, String apiVersion, String kind, String namespace, String name, String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a fault needs a reason, such as ImagePullBackOff");
    }
    cluster(environment).controllers().fault(SimulatedControllers.kind(apiVersion, kind), namespace, name, reason);
  }

  /** A Deployment whose pods never become available, for {@code reason} (ImagePullBackOff, CrashLoopBackOff...). */
  public void failDeployment(String environment, String namespace, String name, String reason) {
    fail(environment, "apps/v1", "Deployment", namespace, name, reason);
  }

  public void clearFault(String environment, String apiVersion, String kind, String namespace, String name) {
    cluster(environment).controllers().fault(SimulatedControllers.kind(apiVersion, kind), namespace, name, null);
  }

  /**
   * Changes one field of a live object, as {@code kubectl edit} would: {@code path} is dotted, with
   * {@code [n]} for list items and {@code ["key.with.dots"]} for such keys, for example
   * {@code spec.template.spec.containers[0].image} or {@code metadata.labels["team"]}. A null value
   * removes the field. Returns the value it replaced (null if none).
   *
   * @throws IllegalArgumentException when the object does not exist or the path does not fit it
   */
  public JsonNode drift(String environment, String apiVersion, String kind, String namespace, String name, String path, Object value) {
    SimulatedControllers.Kind k = SimulatedControllers.KINDS.stream()
        .filter(x -> x.apiVersion().equals(apiVersion) && x.kind().equals(kind)).findFirst()
        .orElse(new SimulatedControllers.Kind(apiVersion, kind, namespace != null));
    var op = cluster(environment).client().genericKubernetesResources(k.context());
    var resource = namespace == null ? op.withName(name) : op.inNamespace(namespace).withName(name);
    for (int attempt = 1; ; attempt++) {
      GenericKubernetesResource live = resource.get();
      if (live == null) {
        throw new IllegalArgumentException(kind + " " + (namespace == null ? "" : namespace + "/") + name + " does not exist in " + environment);
      }
      ObjectNode obj = SimulatedStatus.JSON.valueToTree(live);
      JsonNode before = FieldPath.set(obj, path, value == null ? null : SimulatedStatus.JSON.valueToTree(value));
      GenericKubernetesResource changed = SimulatedStatus.JSON.convertValue(obj, GenericKubernetesResource.class);
      try {
        (namespace == null ? op.resource(changed) : op.inNamespace(namespace).resource(changed)).update();
      } catch (KubernetesClientException e) {
        // A simulated controller wrote the status in between: read again and redo the change.
        if (e.getCode() == 409 && attempt < 10) {
          continue;
        }
        throw e;
      }
      LOG.info("{}: drift injected in {}: {} {}/{} {} = {}", SIMULATED, environment, kind, namespace, name, path, value);
      return before;
    }
  }

  /** The first unexpected failure of any simulated controller, or null. */
  public String controllerFailure() {
    for (SimulatedCluster c : clusters.values()) {
      String f = c.controllers().failure();
      if (f != null) {
        return c.context() + ": " + f;
      }
    }
    return null;
  }

  private static String quote(String s) {
    try {
      return SimulatedStatus.JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    clusters.values().forEach(SimulatedCluster::close);
    LOG.info("{}: sandbox stopped", SIMULATED);
  }
}
