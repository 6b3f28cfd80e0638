package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ComponentSpec.Probes;
import dev.slipway.model.spec.ComponentSpec.Resources;
import dev.slipway.model.spec.ComponentSpec.Security;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.EscapeHatches;
import dev.slipway.model.spec.EscapeHatches.Container;
import dev.slipway.model.spec.EscapeHatches.ExtraManifest;
import dev.slipway.model.spec.EscapeHatches.Hook;
import dev.slipway.model.spec.EscapeHatches.Lifecycle;
import dev.slipway.model.spec.EscapeHatches.Op;
import dev.slipway.model.spec.EscapeHatches.Patch;
import dev.slipway.model.spec.EscapeHatches.Toleration;
import dev.slipway.model.spec.EscapeHatches.TopologySpread;
import dev.slipway.model.spec.ImageReference;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Binds a component's escape hatches ({@link EscapeHatches}) and checks what can be checked
 * before rendering: container names and images, toleration and spread fields as the API server
 * checks them, label keys and values, Slipway's own labels left alone, patch operations well
 * formed, manifest files present — and a {@code nodeSelector} that no node pool of the
 * environment can satisfy. Patches are applied, and manifests placed, when rendering.
 */
public final class EscapeHatchBinder {
  /** The escape-hatch fields every component takes, of a built-in or a platform type. */
  public static final List<String> FIELDS = List.of("sidecars", "initContainers", "nodeSelector", "tolerations", "affinity",
      "topologySpread", "lifecycle", "podAnnotations", "podLabels", "patches", ManifestFiles.FIELD);
  /** The labels Slipway selects and owns pods by; besides these, every {@code slipway.dev/} key is Slipway's. */
  static final Set<String> OWN_LABELS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of",
      "app.kubernetes.io/managed-by");
  static final List<String> PATCH_OPS = List.of("add", "remove", "replace", "move", "copy", "test");
  private static final Pattern CONTAINER_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern LABEL_NAME = Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$");
  private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)$");
  private static final Pattern POINTER = Pattern.compile("^(/([^~]|~[01])*)*$");

  private EscapeHatchBinder() {}

  static EscapeHatches bind(Fields f, ApplicationSpec app, EnvironmentSpec env, Diagnostics d) {
    String main = f.path().substring(f.path().lastIndexOf('.') + 1);
    Set<String> names = new HashSet<>(Set.of(main));
    List<Container> sidecars = containers(f, "sidecars", true, names, d);
    List<Container> init = containers(f, "initContainers", false, names, d);
    TreeMap<String, String> nodeSelector = labelMap(f, "nodeSelector", false, d);
    if (nodeSelector != null) {
      NodeSelectors.check(nodeSelector, f, env, d);
    }
    List<Toleration> tolerations = tolerations(f, d);
    SpecNode affinity = f.raw("affinity");
    if (affinity != null && !(affinity instanceof MapNode)) {
      Fields.typeError(d, affinity, f.path("affinity"), "a Kubernetes affinity (a map with nodeAffinity, podAffinity or podAntiAffinity)");
      affinity = null;
    } else if (affinity instanceof MapNode m) {
      Fields af = Fields.of(m, f.path("affinity"), d);
      for (String k : List.of("nodeAffinity", "podAffinity", "podAntiAffinity")) {
        if (af.raw(k) != null && !(af.raw(k) instanceof MapNode)) {
          Fields.typeError(d, af.raw(k), af.path(k), "a map");
        }
      }
      af.finish();
    }
    List<TopologySpread> spread = topologySpread(f, d);
    Lifecycle lifecycle = lifecycle(f.child("lifecycle"), d);
    TreeMap<String, String> annotations = labelMap(f, "podAnnotations", true, d);
    TreeMap<String, String> labels = labelMap(f, "podLabels", false, d);
    List<Patch> patches = patches(f, d);
    List<ExtraManifest> manifests = manifests(f, app, d);
    return new EscapeHatches(sidecars, init, orEmpty(nodeSelector), tolerations, affinity, spread, lifecycle, orEmpty(annotations),
        orEmpty(labels), patches, manifests);
  }

  private static List<Container> containers(Fields f, String key, boolean sidecar, Set<String> names, Diagnostics d) {
    List<Container> out = new ArrayList<>();
    SpecNode n = f.raw(key);
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, f.path(key), "a list of containers (each with name, image and resources)");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields c = Fields.of(list.items().get(i), f.path(key) + "[" + i + "]", d);
      if (c == null) {
        continue;
      }
      String name = c.required("name");
      if (name != null) {
        if (!CONTAINER_NAME.matcher(name).matches() || name.length() > Names.LABEL_MAX) {
          d.error("spec.invalid-name", c.position("name"), c.path("name"),
              "container name '" + Names.abbreviate(name) + "' must be a lowercase DNS label of at most 63 characters");
        } else if (!names.add(name)) {
          d.error("spec.duplicate-name", c.position("name"), c.path("name"), "container name '" + name + "' is already used in this pod"
              + " (the main container is named after the component; sidecars and init containers need names of their own)");
        }
      }
      String image = c.required("image");
      String problem = image == null ? null : ImageReference.problem(image);
      if (problem != null) {
        d.error("spec.invalid-image", c.position("image"), c.path("image"), Fields.quote(c.path("image"), image)
            + " is not a valid image reference ([registry[:port]/]path[:tag][@digest]): " + problem);
      }
      List<String> command = c.stringList("command");
      List<String> args = c.stringList("args");
      TreeMap<String, String> env = c.stringMap("env");
      TreeMap<String, Integer> ports = c.map("ports", e -> port(e, d));
      Fields rf = c.child("resources");
      Resources resources = null;
      if (rf == null) {
        d.error("spec.required", c.position(), c.path("resources"), "an extra container needs resources (cpu and memory requests),"
            + " like the main container: the pod's requests are what it is scheduled and costed by");
      } else {
        Resources r = ComponentResolver.resources(rf, d);
        if (r.cpu() == null || r.memory() == null) {
          d.error("spec.required", rf.position(), rf.path(), "an extra container needs both resources.cpu and resources.memory");
        }
        resources = new Resources(r.cpu(), r.memory(), r.cpuLimit() != null ? r.cpuLimit() : cpuLimit(r.cpu()),
            r.memoryLimit() != null ? r.memoryLimit() : r.memory());
      }
      Probes probes = sidecar ? ComponentResolver.probes(c.child("probes"), d) : null;
      if (probes != null) {
        for (var p : new dev.slipway.model.spec.ComponentSpec.Probe[] {probes.liveness(), probes.readiness(), probes.startup()}) {
          if (p != null && p.exec().isEmpty() && p.port() == null) {
            d.error("spec.required", c.position("probes"), c.path("probes"), "an HTTP or TCP probe of an extra container needs its 'port'");
            break;
          }
        }
      }
      Security security = ComponentResolver.security(c.childOrEmpty("security"));
      TreeMap<String, String> mounts = c.stringMap("volumeMounts");
      if (mounts != null) {
        for (var m : mounts.entrySet()) {
          if (!m.getValue().startsWith("/")) {
            d.error("spec.invalid-value", c.position("volumeMounts"), c.path("volumeMounts") + "." + m.getKey(),
                "a mount path must be absolute, got '" + m.getValue() + "'");
          }
        }
      }
      boolean nativeSidecar = sidecar && c.bool("native", false);
      c.finish();
      if (name != null && image != null) {
        out.add(new Container(name, image, orEmptyList(command), orEmptyList(args), orEmpty(env), ports == null ? new TreeMap<>() : ports,
            resources == null ? new Resources(null, null, null, null) : resources, probes == null ? new Probes(null, null, null) : probes,
            security, orEmpty(mounts), nativeSidecar));
      }
    }
    return out;
  }

  private static String cpuLimit(String cpu) {
    if (cpu == null) {
      return null;
    }
    java.math.BigDecimal request = dev.slipway.model.yaml.Quantities.amount(cpu);
    return ComponentResolver.cpuString(request.multiply(java.math.BigDecimal.valueOf(2))
        .min(dev.slipway.model.yaml.Quantities.MAX_CONTAINER_CPU.max(request)));
  }

  private static Integer port(Fields.Entry e, Diagnostics d) {
    if (e.node() instanceof Scalar s && s.kind() == Scalar.Kind.INT) {
      try {
        int v = Integer.parseInt(s.value());
        if (v >= 1 && v <= 65535) {
          return v;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    d.error("spec.out-of-range", e.node().position(), e.path(), "a port must be a number between 1 and 65535");
    return null;
  }

  private static List<Toleration> tolerations(Fields f, Diagnostics d) {
    List<Toleration> out = new ArrayList<>();
    SpecNode n = f.raw("tolerations");
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, f.path("tolerations"), "a list of tolerations");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields t = Fields.of(list.items().get(i), f.path("tolerations") + "[" + i + "]", d);
      if (t == null) {
        continue;
      }
      String key = t.string("key");
      String operator = t.oneOf("operator", List.of("Equal", "Exists"), "Equal");
      String value = t.string("value");
      String effect = t.oneOf("effect", List.of("NoSchedule", "PreferNoSchedule", "NoExecute"), null);
      Integer seconds = t.integer("tolerationSeconds", 0, Integer.MAX_VALUE);
      // The API server's own rules (ValidateTolerations).
      if (key != null && !key.isEmpty()) {
        labelKey(key, t.position("key"), t.path("key"), "toleration key", d);
      } else if (!"Exists".equals(operator)) {
        d.error("spec.invalid-value", t.position(), t.path("operator"), "a toleration without a key must use operator Exists (it tolerates every taint)");
      }
      if ("Exists".equals(operator) && value != null && !value.isEmpty()) {
        d.error("spec.invalid-value", t.position("value"), t.path("value"), "a toleration with operator Exists takes no value");
      }
      if (seconds != null && !"NoExecute".equals(effect)) {
        d.error("spec.invalid-value", t.position("tolerationSeconds"), t.path("tolerationSeconds"),
            "tolerationSeconds applies only to effect NoExecute");
      }
      t.finish();
      out.add(new Toleration(key, operator, value, effect, seconds == null ? null : seconds.longValue()));
    }
    return out;
  }

  private static List<TopologySpread> topologySpread(Fields f, Diagnostics d) {
    List<TopologySpread> out = new ArrayList<>();
    SpecNode n = f.raw("topologySpread");
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, f.path("topologySpread"), "a list of spread constraints");
      return out;
    }
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < list.items().size(); i++) {
      Fields t = Fields.of(list.items().get(i), f.path("topologySpread") + "[" + i + "]", d);
      if (t == null) {
        continue;
      }
      Integer skew = t.integer("maxSkew", 1, Integer.MAX_VALUE);
      String key = t.required("topologyKey");
      if (key != null) {
        labelKey(key, t.position("topologyKey"), t.path("topologyKey"), "topology key", d);
        if (!keys.add(key)) {
          d.error("spec.duplicate-name", t.position("topologyKey"), t.path("topologyKey"), "two constraints on topology key '" + key + "'");
        }
      }
      String when = t.oneOf("whenUnsatisfiable", List.of("DoNotSchedule", "ScheduleAnyway"), "DoNotSchedule");
      TreeMap<String, String> match = labelMap(t, "matchLabels", false, d);
      t.finish();
      if (key != null) {
        out.add(new TopologySpread(skew == null ? 1 : skew, key, when, match));
      }
    }
    return out;
  }

  private static Lifecycle lifecycle(Fields f, Diagnostics d) {
    if (f == null) {
      return null;
    }
    Hook preStop = hook(f.child("preStop"), d);
    Hook postStart = hook(f.child("postStart"), d);
    Integer grace = f.integer("terminationGracePeriodSeconds", 1, 3600);
    if (grace != null && preStop != null && preStop.sleepSeconds() != null && preStop.sleepSeconds() >= grace) {
      d.error("spec.invalid-value", f.position("terminationGracePeriodSeconds"), f.path("terminationGracePeriodSeconds"),
          "terminationGracePeriodSeconds " + grace + " does not cover the preStop sleep of " + preStop.sleepSeconds()
              + "s: Kubernetes kills the container when the grace period ends, hook or not");
    }
    Lifecycle l = new Lifecycle(preStop, postStart, grace);
    f.finish();
    return l;
  }

  private static Hook hook(Fields f, Diagnostics d) {
    if (f == null) {
      return null;
    }
    List<String> exec = f.stringList("exec");
    Integer sleep = f.integer("sleep", 1, 3600);
    Fields http = f.child("httpGet");
    String path = null;
    Integer port = null;
    if (http != null) {
      path = http.required("path");
      port = http.integer("port", 1, 65535);
      if (path != null && !path.startsWith("/")) {
        d.error("spec.invalid-value", http.position("path"), http.path("path"), "an HTTP hook path must start with '/'");
      }
      http.finish();
    }
    int kinds = (exec != null ? 1 : 0) + (f.has("sleep") ? 1 : 0) + (http != null ? 1 : 0);
    if (kinds != 1) {
      d.error("spec.invalid-value", f.position(), f.path(), "a hook needs exactly one of 'exec', 'sleep' or 'httpGet'");
    }
    if (exec != null && exec.isEmpty()) {
      d.error("spec.invalid-value", f.position("exec"), f.path("exec"), "an exec hook needs a command");
    }
    f.finish();
    return new Hook(exec == null ? List.of() : List.copyOf(exec), sleep, path, port);
  }

  /** Labels or annotations: keys as Kubernetes takes them, values too (labels), never Slipway's own. */
  private static TreeMap<String, String> labelMap(Fields f, String key, boolean annotations, Diagnostics d) {
    TreeMap<String, String> m = f.stringMap(key);
    if (m == null || !(f.node().get(key) instanceof MapNode node)) {
      return m;
    }
    String what = annotations ? "annotation" : key.equals("nodeSelector") ? "node label" : "label";
    for (var e : m.entrySet()) {
      Position at = node.keyPosition(e.getKey());
      String path = f.path(key) + "." + e.getKey();
      labelKey(e.getKey(), at, path, what + " key", d);
      boolean pod = key.equals("podLabels") || key.equals("podAnnotations");
      if (pod && (OWN_LABELS.contains(e.getKey()) || e.getKey().startsWith("slipway.dev/"))) {
        d.error("spec.reserved-label", at, path, what + " '" + e.getKey() + "' is Slipway's own: it selects and owns the component's"
            + " pods, so it cannot be set here (choose another key)");
      }
      if (!annotations && (e.getValue().length() > Names.LABEL_MAX || !LABEL_VALUE.matcher(e.getValue()).matches())) {
        d.error("spec.invalid-value", node.get(e.getKey()).position(), path, what + " value '" + Names.abbreviate(e.getValue())
            + "' must be at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
      }
    }
    return m;
  }

  /** A label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
  static void labelKey(String key, Position at, String path, String what, Diagnostics d) {
    int slash = key.lastIndexOf('/');
    String prefix = slash < 0 ? null : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    boolean ok = name.length() <= Names.LABEL_MAX && LABEL_NAME.matcher(name).matches()
        && (prefix == null || Names.isSubdomain(prefix));
    if (!ok) {
      d.error("spec.invalid-name", at, path, what + " '" + Names.abbreviate(key) + "' is not valid: an optional DNS subdomain prefix"
          + " and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
    }
  }

  private static List<Patch> patches(Fields f, Diagnostics d) {
    List<Patch> out = new ArrayList<>();
    SpecNode n = f.raw("patches");
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, f.path("patches"), "a list of patches ({target: {kind, name}, patch: [...]} or {target, merge: {...}})");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields p = Fields.of(list.items().get(i), f.path("patches") + "[" + i + "]", d);
      if (p == null) {
        continue;
      }
      Fields target = p.child("target");
      String kind = null;
      String name = null;
      if (target == null) {
        d.error("spec.required", p.position(), p.path("target"), "a patch needs a target: {kind: Deployment, name: web}");
      } else {
        kind = target.required("kind");
        name = target.string("name");
        target.finish();
      }
      SpecNode ops = p.raw("patch");
      SpecNode merge = p.raw("merge");
      if ((ops == null) == (merge == null)) {
        d.error("spec.invalid-value", p.position(), p.path(), "a patch needs exactly one of 'patch' (RFC 6902 operations) or 'merge'"
            + " (an RFC 7386 merge patch)");
      }
      List<Op> bound = ops == null ? List.of() : ops(ops, p.path("patch"), d);
      if (merge != null && !(merge instanceof MapNode)) {
        Fields.typeError(d, merge, p.path("merge"), "a merge patch (a map, as the object's fields)");
        merge = null;
      }
      p.finish();
      if (kind != null && (ops != null || merge != null)) {
        out.add(new Patch(kind, name, bound, merge, p.path(), p.position()));
      }
    }
    return out;
  }

  private static List<Op> ops(SpecNode n, String path, Diagnostics d) {
    List<Op> out = new ArrayList<>();
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, path, "a list of RFC 6902 operations ({op, path, value})");
      return out;
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields o = Fields.of(list.items().get(i), path + "[" + i + "]", d);
      if (o == null) {
        continue;
      }
      String op = o.required("op");
      if (op != null && !PATCH_OPS.contains(op)) {
        d.error("spec.invalid-value", o.position("op"), o.path("op"), "unknown patch operation '" + op + "'"
            + dev.slipway.model.yaml.Suggest.hint(op, PATCH_OPS) + "; operations: " + String.join(", ", PATCH_OPS));
        op = null;
      }
      String ptr = pointer(o, "path", true, d);
      boolean needsFrom = "move".equals(op) || "copy".equals(op);
      String from = needsFrom ? pointer(o, "from", true, d) : null;
      boolean needsValue = "add".equals(op) || "replace".equals(op) || "test".equals(op);
      // An explicit null is a value (RFC 6902 lets a patch set null); only a missing key is absent.
      SpecNode value = needsValue ? o.node().get("value") : null;
      o.raw("value");
      if (needsValue && value == null) {
        d.error("spec.required", o.position(), o.path("value"), "operation '" + op + "' needs a 'value'");
      }
      if (!needsValue && o.node().has("value") && op != null) {
        d.error("spec.invalid-value", o.position("value"), o.path("value"), "operation '" + op + "' takes no value");
      }
      if (!needsFrom && o.node().has("from") && op != null) {
        d.error("spec.invalid-value", o.position("from"), o.path("from"), "operation '" + op + "' takes no 'from'");
        o.raw("from");
      }
      o.finish();
      if (op != null && ptr != null) {
        out.add(new Op(op, ptr, from, value, o.position()));
      }
    }
    return out;
  }

  private static String pointer(Fields o, String key, boolean required, Diagnostics d) {
    String p = required ? o.required(key) : o.string(key);
    if (p != null && !POINTER.matcher(p).matches()) {
      d.error("spec.invalid-value", o.position(key), o.path(key), "'" + p + "' is not a JSON pointer (RFC 6901): empty or '/'-separated"
          + " parts, with '~' written as '~0' and '/' as '~1'");
      return null;
    }
    return p;
  }

  private static List<ExtraManifest> manifests(Fields f, ApplicationSpec app, Diagnostics d) {
    List<ExtraManifest> out = new ArrayList<>();
    SpecNode n = f.raw(ManifestFiles.FIELD);
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, f.path(ManifestFiles.FIELD), "a list of YAML files in the application's folder");
      return out;
    }
    String folder = app.file().contains("/") ? app.file().substring(0, app.file().lastIndexOf('/')) : ".";
    for (int i = 0; i < list.items().size(); i++) {
      SpecNode item = list.items().get(i);
      String path = f.path(ManifestFiles.FIELD) + "[" + i + "]";
      if (!(item instanceof Scalar s)) {
        Fields.typeError(d, item, path, "a file name");
        continue;
      }
      String problem = ManifestFiles.problem(s.value());
      if (problem != null) {
        d.error("spec.invalid-value", item.position(), path, problem);
        continue;
      }
      List<SpecNode> docs = app.manifestFiles().get(s.value());
      if (docs == null) {
        d.error("spec.missing-file", item.position(), path, "no file " + folder + "/" + s.value());
        continue;
      }
      if (docs.isEmpty()) {
        d.error("spec.invalid-value", item.position(), path, folder + "/" + s.value() + " holds no objects");
        continue;
      }
      for (SpecNode doc : docs) {
        checkManifest(doc, d);
      }
      out.add(new ExtraManifest(s.value(), item.position(), docs));
    }
    return out;
  }

  /** What an object needs to be placed: apiVersion, kind and metadata.name; the rest is checked when it is rendered. */
  private static void checkManifest(SpecNode doc, Diagnostics d) {
    if (!(doc instanceof MapNode m)) {
      Fields.typeError(d, doc, "", "a Kubernetes object (a map with apiVersion, kind and metadata)");
      return;
    }
    for (String k : List.of("apiVersion", "kind")) {
      if (!(m.get(k) instanceof Scalar s) || s.value().isBlank()) {
        d.error("spec.required", m.position(), k, "an object needs '" + k + "'");
      }
    }
    if (!(m.get("metadata") instanceof MapNode meta) || !(meta.get("name") instanceof Scalar s) || s.value().isBlank()) {
      d.error("spec.required", m.position(), "metadata.name", "an object needs metadata.name");
    }
  }

  private static <K, V> TreeMap<K, V> orEmpty(TreeMap<K, V> m) {
    return m == null ? new TreeMap<>() : m;
  }

  private static <T> List<T> orEmptyList(List<T> l) {
    return l == null ? List.of() : List.copyOf(l);
  }
}
