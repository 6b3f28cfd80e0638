package dev.slipway.engine.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ComponentSpec.Probe;
import dev.slipway.model.spec.ComponentSpec.Security;
import dev.slipway.model.spec.ComponentType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders a component's workload (Deployment, StatefulSet or CronJob), its ConfigMaps and ServiceAccount. */
final class WorkloadRenderer {
  static final String POSTGRES_DATA = "/var/lib/postgresql/data";
  static final String REDIS_DATA = "/data";

  private WorkloadRenderer() {}

  static void render(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    out.add(serviceAccount(ctx, c));
    rbac(ctx, c, out);
    String configHash = configMaps(ctx, c, out);
    ObjectNode podTemplate = podTemplate(ctx, c, configHash);
    switch (c.type()) {
      case WEB, API, WORKER -> out.add(deployment(ctx, c, podTemplate));
      case POSTGRES, REDIS -> out.add(statefulSet(ctx, c, podTemplate));
      case JOB -> out.add(cronJob(ctx, c, podTemplate));
    }
  }

  private static RenderedObject serviceAccount(RenderContext ctx, ComponentSpec c) {
    RenderedObject sa = ctx.componentObject(c, "v1", "ServiceAccount", c.name(), null, null);
    if (c.serviceAccount() != null && c.serviceAccount().roleArn() != null) {
      ((ObjectNode) sa.body().get("metadata").get("annotations"))
          .put("eks.amazonaws.com/role-arn", ctx.fill(c.serviceAccount().roleArn()));
    }
    sa.body().put("automountServiceAccountToken", c.serviceAccount() != null && c.serviceAccount().usesKubernetesApi());
    return sa;
  }

  /**
   * What the component may do in the Kubernetes API: a Role and RoleBinding in its namespace for
   * {@code serviceAccount.rules}, a ClusterRole and ClusterRoleBinding (named after the namespace
   * and component, so environments and applications sharing a cluster do not collide) for
   * {@code serviceAccount.clusterRules}.
   */
  private static void rbac(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    if (c.serviceAccount() == null) {
      return;
    }
    if (!c.serviceAccount().rules().isEmpty()) {
      RenderedObject role = ctx.componentObject(c, "rbac.authorization.k8s.io/v1", "Role", c.name(), null, null);
      role.body().set("rules", rules(c.serviceAccount().rules()));
      out.add(role);
      out.add(binding(ctx, c, "RoleBinding", "Role", c.name(), true));
    }
    if (!c.serviceAccount().clusterRules().isEmpty()) {
      String name = ctx.namespace() + "-" + c.name();
      out.add(clusterScoped(ctx, c, "ClusterRole", name, rules(c.serviceAccount().clusterRules()), "rules"));
      out.add(binding(ctx, c, "ClusterRoleBinding", "ClusterRole", name, false));
    }
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode rules(List<ComponentSpec.RbacRule> rules) {
    var arr = Json.arr();
    for (ComponentSpec.RbacRule r : rules) {
      if ("slipway-sync".equals(r.preset())) {
        for (var generated : dev.slipway.engine.sync.ManagedKinds.clusterRoleRules()) {
          ObjectNode o = Json.obj();
          generated.forEach((k, v) -> o.set(k, Json.strings(v)));
          arr.add(o);
        }
        continue;
      }
      ObjectNode o = Json.obj();
      o.set("apiGroups", Json.strings(r.apiGroups()));
      o.set("resources", Json.strings(r.resources()));
      if (!r.resourceNames().isEmpty()) {
        o.set("resourceNames", Json.strings(r.resourceNames()));
      }
      o.set("verbs", Json.strings(r.verbs()));
      arr.add(o);
    }
    return arr;
  }

  private static RenderedObject binding(RenderContext ctx, ComponentSpec c, String kind, String roleKind, String roleName, boolean namespaced) {
    ObjectNode subject = Json.obj().put("kind", "ServiceAccount").put("name", c.name()).put("namespace", ctx.namespace());
    ObjectNode roleRef = Json.obj().put("apiGroup", "rbac.authorization.k8s.io").put("kind", roleKind).put("name", roleName);
    RenderedObject b = namespaced
        ? ctx.componentObject(c, "rbac.authorization.k8s.io/v1", kind, roleName, roleRef, "roleRef")
        : clusterScoped(ctx, c, kind, roleName, roleRef, "roleRef");
    b.body().set("subjects", Json.arr().add(subject));
    return b;
  }

  /** A cluster-scoped object of a component: no namespace. */
  private static RenderedObject clusterScoped(RenderContext ctx, ComponentSpec c, String kind, String name,
      com.fasterxml.jackson.databind.JsonNode body, String key) {
    RenderedObject o = ctx.componentObject(c, "rbac.authorization.k8s.io/v1", kind, name, null, null);
    ((ObjectNode) o.body().get("metadata")).remove("namespace");
    o.body().set(key, body);
    return new RenderedObject(o.apiVersion(), kind, null, name, c.name(), c.waveHint(), o.body());
  }

  /** Renders the env and files ConfigMaps; returns a hash of their content for the pod template. */
  private static String configMaps(RenderContext ctx, ComponentSpec c, List<RenderedObject> out) {
    StringBuilder hashInput = new StringBuilder();
    if (!c.env().isEmpty()) {
      out.add(ctx.componentObject(c, "v1", "ConfigMap", c.name() + "-env", Json.map(c.env()), "data"));
      c.env().forEach((k, v) -> hashInput.append("env:").append(k).append('=').append(v).append('\n'));
    }
    if (c.config() != null && !c.config().files().isEmpty()) {
      out.add(ctx.componentObject(c, "v1", "ConfigMap", c.name() + "-files", Json.map(c.config().files()), "data"));
      c.config().files().forEach((k, v) -> hashInput.append("file:").append(k).append('=').append(v).append('\n'));
    }
    return hashInput.length() == 0 ? null : sha256(hashInput.toString()).substring(0, 16);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  private static ObjectNode podTemplate(RenderContext ctx, ComponentSpec c, String configHash) {
    ObjectNode meta = Json.obj();
    meta.set("labels", Json.map(Labels.component(ctx.envName(), ctx.appName(), c.name())));
    if (configHash != null) {
      meta.set("annotations", Json.obj(Labels.CONFIG_HASH, configHash));
    }
    ObjectNode spec = Json.obj();
    spec.put("serviceAccountName", c.name());
    // The API token only where the component has RBAC rules: nothing else needs it.
    spec.put("automountServiceAccountToken", c.serviceAccount() != null && c.serviceAccount().usesKubernetesApi());
    spec.set("securityContext", podSecurity(c.security()));
    if (c.type() == ComponentType.JOB) {
      spec.put("restartPolicy", "OnFailure");
    }
    // Production spreads replicas over zones so one zone's loss leaves the service up.
    if (ctx.env().production() && c.type().stateless() && c.minReplicas() >= 2) {
      ObjectNode spread = Json.obj().put("maxSkew", 1).put("topologyKey", "topology.kubernetes.io/zone")
          .put("whenUnsatisfiable", "ScheduleAnyway");
      spread.set("labelSelector", Json.obj().set("matchLabels", Json.map(Labels.selector(ctx.appName(), c.name()))));
      spec.set("topologySpreadConstraints", Json.arr().add(spread));
    }
    ObjectNode container = container(c);
    if (TrafficRenderer.behindAlbTargetIp(ctx, c)) {
      // Keep serving until the ALB has stopped sending and drained: see TrafficRenderer's figures.
      container.set("lifecycle", Json.obj().set("preStop",
          Json.obj().set("sleep", Json.obj().put("seconds", TrafficRenderer.PRE_STOP_SLEEP_SECONDS))));
      spec.put("terminationGracePeriodSeconds", TrafficRenderer.TERMINATION_GRACE_SECONDS);
    }
    spec.set("containers", Json.arr().add(container));
    spec.set("volumes", volumes(c));
    ObjectNode template = Json.obj();
    template.set("metadata", meta);
    template.set("spec", spec);
    PodHatches.apply(ctx, c, template);
    return template;
  }

  private static ObjectNode podSecurity(Security s) {
    ObjectNode o = Json.obj();
    if (s.fsGroup() != null) {
      o.put("fsGroup", s.fsGroup());
    }
    if (s.runAsGroup() != null) {
      o.put("runAsGroup", s.runAsGroup());
    }
    o.put("runAsNonRoot", s.runAsNonRoot());
    if (s.runAsUser() != null) {
      o.put("runAsUser", s.runAsUser());
    }
    o.set("seccompProfile", Json.obj("type", "RuntimeDefault"));
    return o;
  }

  private static ObjectNode container(ComponentSpec c) {
    ObjectNode k = Json.obj().put("name", c.name()).put("image", c.image()).put("imagePullPolicy", "IfNotPresent");
    if (!c.command().isEmpty()) {
      k.set("command", Json.strings(c.command()));
    }
    if (c.type() == ComponentType.REDIS) {
      k.set("args", Json.strings(RedisSettings.args(c)));
    } else if (!c.args().isEmpty()) {
      k.set("args", Json.strings(c.args()));
    }
    ArrayNode ports = Json.arr();
    if (c.port() != null) {
      ports.add(Json.obj().put("name", portName(c)).put("containerPort", c.port()).put("protocol", "TCP"));
    }
    c.ports().forEach((name, number) -> ports.add(Json.obj().put("name", name).put("containerPort", number).put("protocol", "TCP")));
    if (metricsPortSeparate(c)) {
      ports.add(Json.obj().put("name", "metrics").put("containerPort", c.metrics().port()).put("protocol", "TCP"));
    }
    if (!ports.isEmpty()) {
      k.set("ports", ports);
    }
    ArrayNode env = Json.arr();
    if (c.type() == ComponentType.POSTGRES) {
      env.add(Json.obj().put("name", "PGDATA").put("value", POSTGRES_DATA + "/pgdata"));
    }
    if (c.queue() != null) {
      env.add(Json.obj().put("name", ComponentSpec.Queue.URL_VARIABLE).put("value", c.queue().url()));
    }
    c.secrets().keySet().forEach(name -> env.add(Json.obj().put("name", name).set("valueFrom",
        Json.obj().set("secretKeyRef", Json.obj().put("name", secretName(c)).put("key", name)))));
    if (!env.isEmpty()) {
      k.set("env", env);
    }
    if (!c.env().isEmpty()) {
      k.set("envFrom", Json.arr().add(Json.obj().set("configMapRef", Json.obj("name", c.name() + "-env"))));
    }
    ObjectNode resources = Json.obj();
    TreeMap<String, String> requests = new TreeMap<>();
    TreeMap<String, String> limits = new TreeMap<>();
    putIf(requests, "cpu", c.resources().cpu());
    putIf(requests, "memory", c.resources().memory());
    putIf(limits, "cpu", c.resources().cpuLimit());
    putIf(limits, "memory", c.resources().memoryLimit());
    if (!limits.isEmpty()) {
      resources.set("limits", Json.map(limits));
    }
    if (!requests.isEmpty()) {
      resources.set("requests", Json.map(requests));
    }
    k.set("resources", resources);
    probe(k, "livenessProbe", c.probes().liveness(), c);
    probe(k, "readinessProbe", c.probes().readiness(), c);
    probe(k, "startupProbe", c.probes().startup(), c);
    k.set("securityContext", containerSecurity(c.security()));
    k.set("volumeMounts", volumeMounts(c));
    return k;
  }

  /** A container's security context: every capability dropped but those asked for, the rest as {@code security} says. */
  static ObjectNode containerSecurity(Security s) {
    ObjectNode sc = Json.obj().put("allowPrivilegeEscalation", s.allowPrivilegeEscalation());
    ObjectNode caps = Json.obj();
    if (!s.addCapabilities().isEmpty()) {
      caps.set("add", Json.strings(s.addCapabilities()));
    }
    caps.set("drop", Json.arr().add("ALL"));
    sc.set("capabilities", caps);
    sc.put("readOnlyRootFilesystem", s.readOnlyRootFilesystem());
    sc.put("runAsNonRoot", s.runAsNonRoot());
    return sc;
  }

  private static void putIf(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  static String portName(ComponentSpec c) {
    return switch (c.type()) {
      case POSTGRES -> "postgres";
      case REDIS -> "redis";
      default -> "http";
    };
  }

  static boolean metricsPortSeparate(ComponentSpec c) {
    return c.metrics() != null && c.metrics().port() != null && !c.metrics().port().equals(c.port());
  }

  static String secretName(ComponentSpec c) {
    return c.name() + "-secrets";
  }

  static void probe(ObjectNode container, String key, Probe p, ComponentSpec c) {
    probe(container, key, p, c.port());
  }

  /** A probe; {@code port} is the one an HTTP or TCP probe gets when it names none. */
  static void probe(ObjectNode container, String key, Probe p, Integer port) {
    if (p == null) {
      return;
    }
    ObjectNode o = Json.obj();
    if (!p.exec().isEmpty()) {
      o.set("exec", Json.obj().set("command", Json.strings(p.exec())));
    } else if (p.tcp()) {
      o.set("tcpSocket", Json.obj().put("port", p.port() != null ? p.port() : port));
    } else {
      ObjectNode get = Json.obj().put("path", p.path());
      get.put("port", p.port() != null ? p.port() : port);
      o.set("httpGet", get);
    }
    if (p.initialDelaySeconds() != null) {
      o.put("initialDelaySeconds", p.initialDelaySeconds());
    }
    if (p.periodSeconds() != null) {
      o.put("periodSeconds", p.periodSeconds());
    }
    if (p.timeoutSeconds() != null) {
      o.put("timeoutSeconds", p.timeoutSeconds());
    }
    if (p.failureThreshold() != null) {
      o.put("failureThreshold", p.failureThreshold());
    }
    container.set(key, o);
  }

  private static ArrayNode volumeMounts(ComponentSpec c) {
    ArrayNode m = Json.arr();
    if (c.config() != null && !c.config().files().isEmpty()) {
      m.add(Json.obj().put("name", "config").put("mountPath", c.config().mountPath()).put("readOnly", true));
    }
    if (c.type() == ComponentType.POSTGRES) {
      m.add(Json.obj().put("name", "data").put("mountPath", POSTGRES_DATA));
      m.add(Json.obj().put("name", "run").put("mountPath", "/var/run/postgresql"));
    }
    if (c.type() == ComponentType.REDIS) {
      m.add(Json.obj().put("name", "data").put("mountPath", REDIS_DATA));
    }
    // A writable /tmp keeps readOnlyRootFilesystem workable for servers that write pid and cache files.
    m.add(Json.obj().put("name", "tmp").put("mountPath", "/tmp"));
    return m;
  }

  private static ArrayNode volumes(ComponentSpec c) {
    ArrayNode v = Json.arr();
    if (c.config() != null && !c.config().files().isEmpty()) {
      v.add(Json.obj().put("name", "config").set("configMap", Json.obj("name", c.name() + "-files")));
    }
    if (c.type() == ComponentType.POSTGRES) {
      v.add(Json.obj().put("name", "run").set("emptyDir", Json.obj()));
    }
    if (c.type() == ComponentType.REDIS && !RedisSettings.persistent(c)) {
      // A cache without storage keeps nothing across restarts; its working directory is scratch space.
      v.add(Json.obj().put("name", "data").set("emptyDir", Json.obj()));
    }
    v.add(Json.obj().put("name", "tmp").set("emptyDir", Json.obj()));
    return v;
  }

  private static RenderedObject deployment(RenderContext ctx, ComponentSpec c, ObjectNode template) {
    ObjectNode spec = Json.obj();
    if (c.autoscaling() == null) {
      spec.put("replicas", c.replicas());
    }
    spec.put("revisionHistoryLimit", 5);
    spec.set("selector", Json.obj().set("matchLabels", Json.map(Labels.selector(ctx.appName(), c.name()))));
    ObjectNode rolling = Json.obj().put("maxSurge", "25%").put("maxUnavailable", c.minReplicas() > 1 ? "25%" : "0");
    spec.set("strategy", Json.obj().put("type", "RollingUpdate").set("rollingUpdate", rolling));
    spec.set("template", template);
    return ctx.componentObject(c, "apps/v1", "Deployment", c.name(), spec, "spec");
  }

  private static RenderedObject statefulSet(RenderContext ctx, ComponentSpec c, ObjectNode template) {
    ObjectNode spec = Json.obj();
    spec.put("replicas", 1);
    spec.put("serviceName", c.name());
    spec.put("podManagementPolicy", "OrderedReady");
    spec.set("selector", Json.obj().set("matchLabels", Json.map(Labels.selector(ctx.appName(), c.name()))));
    spec.set("updateStrategy", Json.obj("type", "RollingUpdate"));
    // Volumes outlive the StatefulSet: data is deleted only when asked explicitly.
    spec.set("persistentVolumeClaimRetentionPolicy", Json.obj().put("whenDeleted", "Retain").put("whenScaled", "Retain"));
    spec.set("template", template);
    if (c.type() == ComponentType.REDIS && !RedisSettings.persistent(c)) {
      return ctx.componentObject(c, "apps/v1", "StatefulSet", c.name(), spec, "spec");
    }
    ObjectNode claim = Json.obj();
    ObjectNode claimMeta = Json.obj().put("name", "data");
    claimMeta.set("labels", Json.map(Labels.component(ctx.envName(), ctx.appName(), c.name())));
    claim.set("metadata", claimMeta);
    ObjectNode claimSpec = Json.obj();
    claimSpec.set("accessModes", Json.arr().add("ReadWriteOnce"));
    String storageClass = c.storage() != null && c.storage().storageClass() != null
        ? c.storage().storageClass() : ctx.addons().storage().storageClass();
    claimSpec.put("storageClassName", storageClass);
    String size = c.storage() != null && c.storage().size() != null ? c.storage().size() : "10Gi";
    claimSpec.set("resources", Json.obj().set("requests", Json.obj("storage", size)));
    claim.set("spec", claimSpec);
    spec.set("volumeClaimTemplates", Json.arr().add(claim));
    return ctx.componentObject(c, "apps/v1", "StatefulSet", c.name(), spec, "spec");
  }

  private static RenderedObject cronJob(RenderContext ctx, ComponentSpec c, ObjectNode template) {
    ObjectNode spec = Json.obj();
    var s = c.schedule();
    spec.put("schedule", s.cron());
    if (s.timezone() != null) {
      spec.put("timeZone", s.timezone());
    }
    spec.put("concurrencyPolicy", s.concurrencyPolicy() == null ? "Forbid" : s.concurrencyPolicy());
    spec.put("successfulJobsHistoryLimit", 3);
    spec.put("failedJobsHistoryLimit", 3);
    ObjectNode jobSpec = Json.obj();
    jobSpec.put("backoffLimit", s.backoffLimit() == null ? 2 : s.backoffLimit());
    if (s.activeDeadlineSeconds() != null) {
      jobSpec.put("activeDeadlineSeconds", s.activeDeadlineSeconds());
    }
    jobSpec.set("template", template);
    spec.set("jobTemplate", Json.obj().set("spec", jobSpec));
    return ctx.componentObject(c, "batch/v1", "CronJob", c.name(), spec, "spec");
  }
}
