package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ComponentSpec.Autoscaling;
import dev.slipway.model.spec.ComponentSpec.ConfigFiles;
import dev.slipway.model.spec.ComponentSpec.Ingress;
import dev.slipway.model.spec.ComponentSpec.Metrics;
import dev.slipway.model.spec.ComponentSpec.Probe;
import dev.slipway.model.spec.ComponentSpec.Probes;
import dev.slipway.model.spec.ComponentSpec.Queue;
import dev.slipway.model.spec.ComponentSpec.Resources;
import dev.slipway.model.spec.ComponentSpec.Schedule;
import dev.slipway.model.spec.ComponentSpec.SecretRef;
import dev.slipway.model.spec.ComponentSpec.Security;
import dev.slipway.model.spec.ComponentSpec.ServiceAccount;
import dev.slipway.model.spec.ComponentSpec.Storage;
import dev.slipway.model.spec.ComponentSpec.Trigger;
import dev.slipway.model.spec.ComponentType;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.TypedComponent;
import dev.slipway.model.spec.DeliveryStrategy;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.EscapeHatches;
import dev.slipway.model.spec.ImageReference;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Merge;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.Quantities;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import dev.slipway.model.yaml.YamlLoader;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Resolves an application's components for one environment: merges the four layers (type
 * default, platform default, app, environment override), derives what is left implicit, binds
 * the result to {@link ComponentSpec} and checks the components against each other
 * ({@code dependsOn} targets and cycles).
 */
public final class ComponentResolver {
  private static final Map<ComponentType, SpecNode> TYPE_DEFAULTS = loadTypeDefaults();
  private static final Pattern CONFIG_KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");
  /** What a ConfigMap or Secret key may hold: env and secrets names are such keys. */
  private static final Pattern ENV_KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");
  /** Kubernetes' classic rule for variable names, which kubectl still applies (IsEnvVarName). */
  private static final Pattern ENV_NAME_CLASSIC = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");
  /** Maps whose entries are strings, where a null entry would silently drop a variable, a secret, a file or a port. */
  private static final List<List<String>> ENTRY_MAPS = List.of(List.of("env"), List.of("secrets"), List.of("config", "files"),
      List.of("ports"));

  private ComponentResolver() {}

  public static ResolvedApplication resolve(ApplicationSpec app, EnvironmentSpec env, Diagnostics d) {
    return resolve(app, env, WhatIf.NONE, d);
  }

  /** Resolves with what-if settings as the top layer. */
  public static ResolvedApplication resolve(ApplicationSpec app, EnvironmentSpec env, WhatIf whatIf, Diagnostics d) {
    return resolve(app, env, whatIf, Map.of(), d);
  }

  /**
   * Resolves with what-if settings as the top layer; {@code platformTypes} are the platform's own
   * component types ({@code componentTypes/}), which a component may name as its {@code type}.
   */
  public static ResolvedApplication resolve(ApplicationSpec app, EnvironmentSpec env, WhatIf whatIf,
      Map<String, ComponentTypeSpec> platformTypes, Diagnostics d) {
    SortedMap<String, SpecNode> trees = new TreeMap<>();
    Map<String, ComponentSpec> bound = new LinkedHashMap<>();
    List<TypedComponent> typed = new ArrayList<>();
    Map<String, SpecNode> overrides = app.overrides().getOrDefault(env.name(), new TreeMap<>());
    for (var e : app.components().entrySet()) {
      String name = e.getKey();
      SpecNode override = overrides.get(name);
      ComponentTypeSpec platformType = platformTypes.get(typeName(e.getValue(), override));
      if (platformType != null) {
        SpecNode merged = TypedComponentResolver.merge(platformType, app.name(), name, e.getValue(), override, env, whatIf, d);
        trees.put(name, merged);
        TypedComponent t = TypedComponentResolver.bind(platformType, name, merged, e.getValue().position(), app, env, d);
        if (t != null) {
          typed.add(t);
        }
        continue;
      }
      ComponentType type = typeOf(name, e.getValue(), override, app, platformTypes.keySet(), d);
      if (type == null) {
        continue;
      }
      SpecNode merged = TYPE_DEFAULTS.get(type);
      for (SpecNode layer : java.util.Arrays.asList(platformDefaults(env, type), e.getValue(), override)) {
        checkNullEntries(name, merged, layer, d);
        merged = Merge.over(merged, layer);
      }
      checkNullEntries(name, merged, whatIf.layerFor(app.name(), name), d);
      merged = whatIf.apply(app.name(), name, type, merged, d);
      merged = derive((MapNode) merged, type, env);
      trees.put(name, merged);
      ComponentSpec c = bind(name, type, merged, app, env, d);
      if (c != null) {
        bound.put(name, c);
      }
    }
    Map<String, Integer> waves = waves(app, bound, d);
    List<ComponentSpec> components = new ArrayList<>();
    for (ComponentSpec c : bound.values()) {
      components.add(withWave(c, waves.getOrDefault(c.name(), 0)));
    }
    return new ResolvedApplication(app, env, env.namespaceFor(app.name()), List.copyOf(components), trees, typed);
  }

  /** The type a component names (the override's when it sets one), or null. */
  private static String typeName(SpecNode base, SpecNode override) {
    SpecNode t = override instanceof MapNode m && m.get("type") != null ? m.get("type") : ((MapNode) base).get("type");
    return t instanceof Scalar s ? s.value() : null;
  }

  private static ComponentType typeOf(String name, SpecNode base, SpecNode override, ApplicationSpec app,
      java.util.Set<String> platformTypes, Diagnostics d) {
    SpecNode t = override instanceof MapNode m && m.get("type") != null ? m.get("type") : ((MapNode) base).get("type");
    String path = "spec.components." + name + ".type";
    List<String> all = ComponentTypeLoader.allTypeNames(platformTypes);
    if (t == null || t instanceof SpecNode.Null) {
      d.error("spec.required", base.position(), path,
          "component '" + name + "' needs a type: one of " + String.join(", ", all));
      return null;
    }
    if (!(t instanceof Scalar s) || !ComponentType.ids().contains(s.value())) {
      String v = t instanceof Scalar s ? s.value() : t.typeName();
      d.error("spec.unknown-type", t.position(), path, "unknown component type '" + v + "'"
          + Suggest.hint(v, all) + "; types: " + String.join(", ", all));
      return null;
    }
    return ComponentType.of(s.value());
  }

  /** The environment's {@code defaults}, minus the fields that do not apply to {@code type}. */
  private static SpecNode platformDefaults(EnvironmentSpec env, ComponentType type) {
    if (!(env.defaults() instanceof MapNode m)) {
      return null;
    }
    if (type.stateless()) {
      return m;
    }
    LinkedHashMap<String, SpecNode> entries = new LinkedHashMap<>(m.entries());
    Map<String, Position> keys = new LinkedHashMap<>();
    entries.keySet().removeIf(k -> k.equals("replicas") || k.equals("autoscaling"));
    for (String k : entries.keySet()) {
      keys.put(k, m.keyPosition(k));
    }
    return new MapNode(m.origin(), entries, keys);
  }

  /** Fills in values that follow from others: the postgres and redis images, resource limits. */
  private static SpecNode derive(MapNode tree, ComponentType type, EnvironmentSpec env) {
    MapNode out = tree;
    if ((type == ComponentType.POSTGRES || type == ComponentType.REDIS) && !(tree.get("image") instanceof Scalar)
        && tree.get("version") instanceof Scalar v) {
      Origin o = Origin.of(Layer.DERIVED, "from version " + v.value(), Position.NONE);
      out = out.with("image", new Scalar(o, "docker.io/library/" + type.id() + ":" + v.value() + "-alpine", Scalar.Kind.STRING),
          Position.NONE);
    }
    if (out.get("resources") instanceof MapNode res) {
      MapNode limits = res.get("limits") instanceof MapNode l ? l : MapNode.empty(Origin.of(Layer.DERIVED, "", Position.NONE));
      MapNode newLimits = limits;
      if (!limits.has("cpu") && res.get("cpu") instanceof Scalar cpu && Quantities.isValid(cpu.value())
          && Quantities.amount(cpu.value()).signum() > 0
          && Quantities.amount(cpu.value()).compareTo(Quantities.MAX_CONTAINER_CPU) <= 0) {
        // An out-of-range request is reported at the request; the derived limit stays within range.
        BigDecimal request = Quantities.amount(cpu.value());
        BigDecimal twice = request.multiply(BigDecimal.valueOf(2)).min(Quantities.MAX_CONTAINER_CPU.max(request));
        Origin o = Origin.of(Layer.DERIVED, "2 x resources.cpu", Position.NONE);
        newLimits = newLimits.with("cpu", new Scalar(o, cpuString(twice), Scalar.Kind.STRING), Position.NONE);
      }
      if (!limits.has("memory") && res.get("memory") instanceof Scalar mem && Quantities.isValid(mem.value())
          && Quantities.amount(mem.value()).signum() > 0) {
        Origin o = Origin.of(Layer.DERIVED, "= resources.memory", Position.NONE);
        newLimits = newLimits.with("memory", new Scalar(o, mem.value(), Scalar.Kind.STRING), Position.NONE);
      }
      if (newLimits != limits) {
        out = out.with("resources", res.with("limits", newLimits, res.keyPosition("limits")), out.keyPosition("resources"));
      }
    }
    return out;
  }

  /** A CPU amount in cores as Kubernetes writes it: whole cores plainly, else millicores. */
  static String cpuString(BigDecimal cores) {
    BigDecimal milli = cores.multiply(BigDecimal.valueOf(1000)).stripTrailingZeros();
    if (milli.remainder(BigDecimal.valueOf(1000)).signum() == 0) {
      return cores.stripTrailingZeros().toPlainString();
    }
    return milli.setScale(0, java.math.RoundingMode.CEILING).toPlainString() + "m";
  }

  private static ComponentSpec bind(String name, ComponentType type, SpecNode tree, ApplicationSpec app, EnvironmentSpec env,
      Diagnostics d) {
    Fields f = Fields.of(tree, "spec.components." + name, d);
    f.string("type");
    String image = f.string("image");
    String version = f.string("version");
    if (image == null && type != ComponentType.POSTGRES && type != ComponentType.REDIS) {
      d.error("spec.required", f.position(), f.path("image"), "component '" + name + "' (" + type.id() + ") needs an image");
    }
    String imageProblem = image == null ? null : ImageReference.problem(image);
    if (imageProblem != null) {
      // A postgres image derived from 'version' has no position of its own: report it at the version.
      boolean derived = f.node().writtenKeyPosition("image") == null && f.node().get("version") != null;
      d.error("spec.invalid-image", f.position(derived ? "version" : "image"), f.path(derived ? "version" : "image"),
          Fields.quote(f.path("image"), image) + " is not a valid image reference ([registry[:port]/]path[:tag][@digest]): " + imageProblem);
    }
    Integer port = f.integer("port", 1, 65535);
    TreeMap<String, Integer> ports = f.map("ports", e -> namedPort(e, d));
    List<String> command = f.stringList("command");
    List<String> args = f.stringList("args");
    TreeMap<String, String> envVars = f.stringMap("env");
    checkEnvNames(f, "env", envVars, d);
    TreeMap<String, SecretRef> secrets = f.map("secrets", e -> secretRef(e, d));
    checkEnvNames(f, "secrets", secrets, d);
    if (secrets != null && !secrets.isEmpty() && env.addons().secrets() == null) {
      d.error("spec.addon-missing", f.position("secrets"), f.path("secrets"),
          "environment '" + env.name() + "' has no secrets add-on (addons.secrets in slipway.yaml)");
    }
    if (envVars != null && secrets != null) {
      for (String k : secrets.keySet()) {
        if (envVars.containsKey(k)) {
          d.error("spec.duplicate-name", f.position("secrets"), f.path("secrets") + "." + k,
              "'" + k + "' is set both in env and in secrets");
        }
      }
    }
    ConfigFiles config = config(f.child("config"), d);
    Resources resources = resources(f.childOrEmpty("resources"), d);
    Probes probes = probes(f.child("probes"), d);
    Integer replicas = f.integer("replicas", 0, 1000);
    boolean queued = type == ComponentType.WORKER && f.node().get("queue") != null && !(f.node().get("queue") instanceof SpecNode.Null);
    Autoscaling autoscaling = autoscaling(f.child("autoscaling"), env, queued, d);
    Ingress ingress = ingress(f.child("ingress"), env, d);
    ServiceAccount sa = null;
    Fields saf = f.child("serviceAccount");
    if (saf != null) {
      sa = new ServiceAccount(saf.string("roleArn"), AccessRules.bind(saf, "rules", false, d), AccessRules.bind(saf, "clusterRules", true, d));
      saf.finish();
    }
    List<String> dependsOn = f.stringList("dependsOn");
    Metrics metrics = null;
    Fields mf = f.child("metrics");
    if (mf != null) {
      metrics = new Metrics(mf.string("path", "/metrics"), mf.integer("port", 1, 65535), mf.string("interval"));
      mf.finish();
    }
    Storage storage = null;
    Fields sf = f.child("storage");
    if (sf != null) {
      String size = sf.quantity("size", Quantities.MAX_STORAGE, "64Ti");
      String cls = sf.string("class");
      Names.checkSubdomain(cls, Names.SUBDOMAIN_MAX, "storage class", "the volume names it as storageClassName",
          sf.position("class"), sf.path("class"), d);
      storage = new Storage(size, cls, version, sf.string("database"));
      sf.finish();
    }
    Queue queue = Queues.bind(f, type, sa, env, d);
    if (queue != null) {
      autoscaling = scaledOnQueue(autoscaling, replicas == null ? 1 : replicas);
    }
    Schedule schedule = schedule(f, d);
    Security security = security(f.childOrEmpty("security"));
    TypeRules.check(f, type, d);
    EscapeHatches hatches = EscapeHatchBinder.bind(f, app, env, d);
    DeliveryStrategy strategy = type == ComponentType.WEB || type == ComponentType.API
        ? Strategies.bind(f, ingress, autoscaling, env, d) : null;
    if (ingress != null && port == null) {
      d.error("spec.required", f.position("ingress"), f.path("port"), "an ingress needs the component to have a port");
    }
    if (probes != null) {
      for (Probe p : new Probe[] {probes.liveness(), probes.readiness(), probes.startup()}) {
        if (p != null && p.exec().isEmpty() && p.port() == null && port == null && !(f.node().get("port") instanceof Scalar)) {
          d.error("spec.required", f.position("probes"), f.path("probes"),
              "an HTTP or TCP probe needs a port: set 'port' on the component or on the probe");
          break;
        }
      }
    }
    f.finish();
    return new ComponentSpec(name, type, image, port, ports == null ? new TreeMap<>() : ports, orEmpty(command), orEmpty(args),
        envVars == null ? new TreeMap<>() : envVars, secrets == null ? new TreeMap<>() : secrets, config, resources,
        probes == null ? new Probes(null, null, null) : probes, replicas == null ? 1 : replicas, autoscaling, ingress, sa,
        orEmpty(dependsOn), metrics, storage, schedule, security, 0, strategy, queue, hatches);
  }

  /**
   * Whether a component field applies to a type: the rule {@link TypeRules} enforces, and the one
   * the JSON schemas {@code slipway schema} writes are generated from.
   */
  public static boolean applies(String field, ComponentType type) {
    return TypeRules.applies(field, type);
  }

  private static final Pattern PORT_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Set<String> RESERVED_PORT_NAMES = Set.of("http", "metrics", "postgres", "redis");
  /** The secret a redis component's password is read from; its server is started with it as requirepass. */
  public static final String REDIS_PASSWORD = TypeRules.REDIS_PASSWORD;

  /** An extra port: a Kubernetes port name (IANA service name, at most 15 characters) and a number. */
  private static Integer namedPort(Fields.Entry e, Diagnostics d) {
    String n = e.key();
    if (!PORT_NAME.matcher(n).matches() || n.length() > 15 || !n.matches(".*[a-z].*")) {
      d.error("spec.invalid-name", e.keyPosition(), e.path(),
          "port name '" + n + "' must be at most 15 lowercase letters, digits and '-', with at least one letter");
      return null;
    }
    if (RESERVED_PORT_NAMES.contains(n)) {
      d.error("spec.invalid-name", e.keyPosition(), e.path(), "port name '" + n + "' is reserved; use 'port' or 'metrics.port'");
      return null;
    }
    if (e.node() instanceof Scalar s && s.kind() == Scalar.Kind.INT) {
      try {
        int v = Integer.parseInt(s.value());
        if (v >= 1 && v <= 65535) {
          return v;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      d.error("spec.out-of-range", e.node().position(), e.path(), "port " + s.value() + " must be between 1 and 65535");
      return null;
    }
    Fields.typeError(d, e.node(), e.path(), "a port number");
    return null;
  }

  private static SecretRef secretRef(Fields.Entry e, Diagnostics d) {
    if (!(e.node() instanceof Scalar s) || s.value().isBlank()) {
      Fields.typeError(d, e.node(), e.path(), "a secret store key such as 'myapp/database-url' or 'myapp-secret#API_KEY'");
      return null;
    }
    String v = s.value();
    int hash = v.indexOf('#');
    return hash < 0 ? new SecretRef(v, null) : new SecretRef(v.substring(0, hash), v.substring(hash + 1));
  }

  /**
   * Variable names as Kubernetes takes them. They are also keys of the component's ConfigMap or
   * Secret, so they are at most 253 letters, digits, '-', '_' and '.'; '=' and an empty name
   * are refused by Kubernetes itself. A name Kubernetes accepts only with relaxed validation
   * (1.34 on; a leading digit) is a warning: kubectl and older clusters refuse it, and an older
   * cluster silently skips it in envFrom.
   */
  private static void checkEnvNames(Fields f, String key, Map<String, ?> vars, Diagnostics d) {
    if (vars == null || !(f.node().get(key) instanceof MapNode m)) {
      return;
    }
    for (String k : vars.keySet()) {
      Position at = m.keyPosition(k);
      String path = f.path(key) + "." + Names.abbreviate(k);
      String shown = "'" + Names.abbreviate(k) + "'";
      if (k.isEmpty()) {
        d.error("spec.invalid-name", at, f.path(key), "an environment variable name must not be empty");
      } else if (k.contains("=")) {
        d.error("spec.invalid-name", at, path, shown + " is not a valid environment variable name: it must not contain '='");
      } else if (!ENV_KEY.matcher(k).matches() || k.length() > Names.SUBDOMAIN_MAX || k.equals(".") || k.startsWith("..")) {
        d.error("spec.invalid-name", at, path, shown + " is not a valid environment variable name here: at most 253 letters,"
            + " digits, '-', '_' and '.', not '.' and not starting with '..' (it is also a " + (key.equals("env") ? "ConfigMap" : "Secret")
            + " key)");
      } else if (!ENV_NAME_CLASSIC.matcher(k).matches()) {
        d.warning("spec.env-name-compat", at, path, shown + " starts with a digit: kubectl and clusters before Kubernetes 1.34"
            + " refuse it as a variable name" + (key.equals("env") ? ", and an older cluster skips it in envFrom without failing" : ""));
      }
    }
  }

  /**
   * A null entry in one of {@link #ENTRY_MAPS} removes the entry of a lower layer; where there is
   * nothing to remove it is almost always a value YAML read as null: {@code KEY: #value} (the
   * {@code #} starts a comment), {@code KEY:} or {@code KEY: ~}. Binding would drop it silently,
   * so it is an error naming the key.
   */
  private static void checkNullEntries(String component, SpecNode below, SpecNode layer, Diagnostics d) {
    for (List<String> path : ENTRY_MAPS) {
      if (!(at(layer, path) instanceof MapNode m)) {
        continue;
      }
      SpecNode lower = at(below, path);
      for (var e : m.entries().entrySet()) {
        boolean removesSomething = lower instanceof MapNode l && l.get(e.getKey()) != null
            && !(l.get(e.getKey()) instanceof SpecNode.Null);
        if (e.getValue() instanceof SpecNode.Null && !removesSomething) {
          d.error("spec.null-value", m.keyPosition(e.getKey()),
              "spec.components." + component + "." + String.join(".", path) + "." + Names.abbreviate(e.getKey()),
              "'" + Names.abbreviate(e.getKey()) + "' has no value: YAML reads an empty value, '~', 'null' and a value starting"
                  + " with '#' (a comment) as null; quote the value (KEY: \"#value\") or remove the entry");
        }
      }
    }
  }

  private static SpecNode at(SpecNode n, List<String> path) {
    for (String k : path) {
      if (!(n instanceof MapNode m)) {
        return null;
      }
      n = m.get(k);
    }
    return n;
  }

  private static ConfigFiles config(Fields f, Diagnostics d) {
    if (f == null) {
      return null;
    }
    String mount = f.string("mountPath", "/etc/config");
    TreeMap<String, String> files = f.stringMap("files");
    Fields filesNode = f.child("files");
    if (files != null && filesNode != null) {
      for (String name : files.keySet()) {
        // Each key is a ConfigMap key and a file name under mountPath: no '/', no '.' or '..'.
        if (!CONFIG_KEY.matcher(name).matches() || name.length() > Names.SUBDOMAIN_MAX || name.equals(".") || name.equals("..")) {
          d.error("spec.invalid-name", filesNode.position(name), filesNode.path(name),
              "config file name '" + Names.abbreviate(name) + "' must be at most 253 letters, digits, '-', '_' and '.'"
                  + " (it is a ConfigMap key and a file name in " + mount + "; folders are not supported)");
        }
      }
    }
    f.finish();
    return new ConfigFiles(mount, files == null ? new TreeMap<>() : files);
  }

  static Resources resources(Fields f, Diagnostics d) {
    String cpu = f.quantity("cpu", Quantities.MAX_CONTAINER_CPU, "1024 cores");
    String memory = f.quantity("memory", Quantities.MAX_CONTAINER_MEMORY, "64Ti");
    Fields l = f.childOrEmpty("limits");
    String cpuLimit = l.quantity("cpu", Quantities.MAX_CONTAINER_CPU, "1024 cores");
    String memLimit = l.quantity("memory", Quantities.MAX_CONTAINER_MEMORY, "64Ti");
    if (cpu != null && cpuLimit != null && Quantities.amount(cpuLimit).compareTo(Quantities.amount(cpu)) < 0) {
      d.error("spec.impossible-resources", l.position("cpu"), l.path("cpu"),
          "cpu limit " + cpuLimit + " is below the request " + cpu);
    }
    if (memory != null && memLimit != null && Quantities.amount(memLimit).compareTo(Quantities.amount(memory)) < 0) {
      d.error("spec.impossible-resources", l.position("memory"), l.path("memory"),
          "memory limit " + memLimit + " is below the request " + memory);
    }
    l.finish();
    f.finish();
    return new Resources(cpu, memory, cpuLimit, memLimit);
  }

  static Probes probes(Fields f, Diagnostics d) {
    if (f == null) {
      return null;
    }
    Probes p = new Probes(probe(f, "liveness", d), probe(f, "readiness", d), probe(f, "startup", d));
    f.finish();
    return p;
  }

  private static Probe probe(Fields parent, String key, Diagnostics d) {
    SpecNode n = parent.raw(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Scalar s && s.kind() == Scalar.Kind.STRING) {
      if (!s.value().startsWith("/")) {
        d.error("spec.invalid-value", n.position(), parent.path(key), "a probe path must start with '/', got '" + s.value() + "'");
      }
      return new Probe(s.value(), null, false, List.of(), null, null, null, null);
    }
    Fields f = Fields.of(n, parent.path(key), d);
    if (f == null) {
      return null;
    }
    String path = f.string("path");
    boolean tcp = f.bool("tcp", false);
    List<String> exec = f.stringList("exec");
    int kinds = (path != null ? 1 : 0) + (tcp ? 1 : 0) + (exec != null ? 1 : 0);
    if (kinds != 1) {
      d.error("spec.invalid-value", f.position(), f.path(), "a probe needs exactly one of 'path', 'tcp: true' or 'exec'");
    }
    Probe p = new Probe(path, f.integer("port", 1, 65535), tcp, orEmpty(exec), f.integer("initialDelaySeconds", 0, 3600),
        f.integer("periodSeconds", 1, 3600), f.integer("timeoutSeconds", 1, 3600), f.integer("failureThreshold", 1, 100));
    f.finish();
    return p;
  }

  /**
   * A queue worker's scaling: KEDA's SQS trigger added to what is written; without an autoscaling
   * block, from the component's replicas (the environment's default: production's floor) up to
   * {@link Queues#DEFAULT_MAX_REPLICAS}.
   */
  private static Autoscaling scaledOnQueue(Autoscaling written, int replicas) {
    Trigger sqs = new Trigger(SQS_TRIGGER, null, null, null, null, null, null, null);
    if (written == null) {
      return new Autoscaling(replicas, Math.max(replicas, Queues.DEFAULT_MAX_REPLICAS), null, null, List.of(sqs));
    }
    List<Trigger> triggers = new ArrayList<>(written.triggers());
    triggers.add(0, sqs);
    return new Autoscaling(written.min(), written.max(), written.cpu(), written.memory(), List.copyOf(triggers));
  }

  /** KEDA's trigger type for an SQS queue; its settings come from the component's {@code queue}. */
  public static final String SQS_TRIGGER = "aws-sqs-queue";

  private static Autoscaling autoscaling(Fields f, EnvironmentSpec env, boolean queued, Diagnostics d) {
    if (f == null) {
      return null;
    }
    Integer min = f.integer("min", 0, 1000);
    Integer max = f.integer("max", 1, 1000);
    Integer cpu = f.integer("cpu", 1, 100);
    Integer memory = f.integer("memory", 1, 100);
    List<Trigger> triggers = triggers(f, env, d);
    if (max == null && f.node().get("max") == null) {
      d.error("spec.required", f.position(), f.path("max"), "autoscaling needs 'max'");
    }
    int lo = min == null ? 1 : min;
    if (max != null && lo > max) {
      d.error("spec.invalid-value", f.position("min"), f.path("min"), "autoscaling min " + lo + " is greater than max " + max);
    }
    if (lo == 0 && triggers.isEmpty() && !queued) {
      d.error("spec.invalid-value", f.position("min"), f.path("min"), "scaling to zero needs KEDA triggers");
    }
    if (cpu == null && memory == null && triggers.isEmpty() && !queued) {
      cpu = 70;
    }
    f.finish();
    return new Autoscaling(lo, max == null ? lo : max, cpu, memory, triggers);
  }

  /** Presets of rules: what Slipway's own sync needs, generated from the kinds it manages. */
  public static final List<String> ACCESS_PRESETS = AccessRules.PRESETS;

  private static List<Trigger> triggers(Fields f, EnvironmentSpec env, Diagnostics d) {
    SpecNode n = f.raw("triggers");
    List<Trigger> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!(n instanceof ListNode list)) {
      Fields.typeError(d, n, f.path("triggers"), "a list of triggers");
      return out;
    }
    if (!env.addons().autoscaling().keda()) {
      d.error("spec.addon-missing", n.position(), f.path("triggers"),
          "KEDA triggers need the keda autoscaling add-on in environment '" + env.name() + "' (addons.autoscaling.engine: keda)");
    }
    for (int i = 0; i < list.items().size(); i++) {
      Fields t = Fields.of(list.items().get(i), f.path("triggers") + "[" + i + "]", d);
      if (t == null) {
        continue;
      }
      String type = t.oneOf("type", List.of("cron", "prometheus"), null);
      if (type == null && t.node().get("type") == null) {
        d.error("spec.required", t.position(), t.path("type"), "a trigger needs a type: cron or prometheus");
      }
      Trigger trig = null;
      if ("cron".equals(type)) {
        String tz = t.string("timezone", "UTC");
        try {
          ZoneId.of(tz);
        } catch (DateTimeException e) {
          d.error("spec.invalid-value", t.position("timezone"), t.path("timezone"), "unknown time zone '" + tz + "'");
        }
        String start = t.required("start");
        String end = t.required("end");
        checkCron(t, "start", start, d);
        checkCron(t, "end", end, d);
        Integer replicas = t.integer("replicas", 1, 1000);
        if (replicas == null && t.node().get("replicas") == null) {
          d.error("spec.required", t.position(), t.path("replicas"), "a cron trigger needs 'replicas' for its window");
        }
        trig = new Trigger("cron", tz, start, end, replicas, null, null, null);
      } else if ("prometheus".equals(type)) {
        String query = t.required("query");
        String threshold = t.required("threshold");
        if (threshold != null) {
          try {
            new BigDecimal(threshold);
          } catch (NumberFormatException e) {
            d.error("spec.invalid-value", t.position("threshold"), t.path("threshold"), "threshold must be a number");
          }
        }
        String server = t.string("serverAddress");
        trig = new Trigger("prometheus", null, null, null, null, query, threshold, server);
      }
      t.finish();
      if (trig != null) {
        out.add(trig);
      }
    }
    return out;
  }

  static void checkCron(Fields f, String key, String cron, Diagnostics d) {
    if (cron == null) {
      return;
    }
    String problem = Cron.problem(cron);
    if (problem != null) {
      d.error("spec.invalid-cron", f.position(key), f.path(key), Fields.quote(f.path(key), cron)
          + " is not a valid 5-field cron expression (minute hour day-of-month month day-of-week), e.g. '0 19 * * *': " + problem);
    }
  }

  private static Ingress ingress(Fields f, EnvironmentSpec env, Diagnostics d) {
    if (f == null) {
      return null;
    }
    if (env.addons().ingress() == null) {
      d.error("spec.addon-missing", f.position(), f.path(),
          "environment '" + env.name() + "' has no ingress add-on (addons.ingress in slipway.yaml)");
    }
    String host = f.string("host");
    String path = f.string("path", "/");
    if (!path.startsWith("/")) {
      d.error("spec.invalid-value", f.position("path"), f.path("path"), "an ingress path must start with '/'");
    }
    if (host == null && env.domain() == null) {
      d.error("spec.required", f.position(), f.path("host"),
          "no host: set ingress.host or the environment's domain in slipway.yaml");
    }
    Ingress i = new Ingress(host, path, f.bool("tls", true), f.bool("public"));
    f.finish();
    return i;
  }

  private static Schedule schedule(Fields f, Diagnostics d) {
    SpecNode n = f.raw("schedule");
    if (n == null) {
      if (f.node().get("type") instanceof Scalar s && s.value().equals("job")) {
        d.error("spec.required", f.position(), f.path("schedule"), "a job component needs a schedule (a cron expression)");
      }
      return null;
    }
    if (n instanceof Scalar s) {
      checkCron(f, "schedule", s.value(), d);
      return new Schedule(s.value(), null, "Forbid", 2, null);
    }
    Fields sf = Fields.of(n, f.path("schedule"), d);
    if (sf == null) {
      return null;
    }
    String cron = sf.string("cron");
    if (cron == null && f.node().get("type") instanceof Scalar s && s.value().equals("job")) {
      // The schedule map may come from the type defaults alone; report at the component then.
      Position at = sf.position().line() > 0 ? sf.position() : f.position();
      d.error("spec.required", at, f.path("schedule"), "a job component needs a schedule (a cron expression)");
    }
    checkCron(sf, "cron", cron, d);
    String tz = sf.string("timezone");
    if (tz != null) {
      try {
        ZoneId.of(tz);
      } catch (DateTimeException e) {
        d.error("spec.invalid-value", sf.position("timezone"), sf.path("timezone"), "unknown time zone '" + tz + "'");
      }
    }
    Schedule s = new Schedule(cron, tz, sf.oneOf("concurrencyPolicy", List.of("Allow", "Forbid", "Replace"), "Forbid"),
        sf.integer("backoffLimit", 0, 100), sf.integer("activeDeadlineSeconds", 1, 604800));
    sf.finish();
    return s;
  }

  static Security security(Fields f) {
    List<String> caps = f.stringList("addCapabilities");
    Security s = new Security(f.bool("runAsNonRoot", true), f.integer("runAsUser", 0, Integer.MAX_VALUE),
        f.integer("runAsGroup", 0, Integer.MAX_VALUE), f.integer("fsGroup", 0, Integer.MAX_VALUE),
        f.bool("readOnlyRootFilesystem", true), f.bool("allowPrivilegeEscalation", false), orEmpty(caps));
    f.finish();
    return s;
  }

  /** Wave of each component: the length of its longest {@code dependsOn} chain. */
  private static Map<String, Integer> waves(ApplicationSpec app, Map<String, ComponentSpec> comps, Diagnostics d) {
    Map<String, Integer> waves = new HashMap<>();
    for (ComponentSpec c : comps.values()) {
      for (String dep : c.dependsOn()) {
        if (!app.components().containsKey(dep)) {
          d.error("spec.unknown-dependency", dependsOnPosition(app, c.name()), "spec.components." + c.name() + ".dependsOn",
              "component '" + c.name() + "' depends on unknown component '" + dep + "'" + Suggest.hint(dep, app.components().keySet()));
        } else if (dep.equals(c.name())) {
          d.error("spec.dependency-cycle", dependsOnPosition(app, c.name()), "spec.components." + c.name() + ".dependsOn",
              "component '" + c.name() + "' depends on itself");
        }
      }
    }
    for (String name : comps.keySet()) {
      wave(name, comps, waves, new ArrayList<>(), app, d);
    }
    return waves;
  }

  private static int wave(String name, Map<String, ComponentSpec> comps, Map<String, Integer> waves,
      List<String> stack, ApplicationSpec app, Diagnostics d) {
    Integer known = waves.get(name);
    if (known != null) {
      return known;
    }
    int at = stack.indexOf(name);
    if (at >= 0) {
      List<String> cycle = new ArrayList<>(stack.subList(at, stack.size()));
      cycle.add(name);
      if (cycle.size() > 2) {
        d.error("spec.dependency-cycle", dependsOnPosition(app, name), "spec.components." + name + ".dependsOn",
            "dependsOn forms a cycle: " + String.join(" -> ", rotate(cycle)));
      }
      return 0;
    }
    ComponentSpec c = comps.get(name);
    if (c == null) {
      return 0;
    }
    stack.add(name);
    int w = 0;
    for (String dep : c.dependsOn()) {
      if (comps.containsKey(dep) && !dep.equals(name)) {
        w = Math.max(w, wave(dep, comps, waves, stack, app, d) + 1);
      }
    }
    stack.remove(stack.size() - 1);
    waves.put(name, w);
    return w;
  }

  /** Starts a cycle at its smallest name so the same cycle is reported once, the same way. */
  private static List<String> rotate(List<String> cycle) {
    List<String> ring = cycle.subList(0, cycle.size() - 1);
    int min = ring.indexOf(ring.stream().min(String::compareTo).orElseThrow());
    List<String> out = new ArrayList<>(ring.subList(min, ring.size()));
    out.addAll(ring.subList(0, min));
    out.add(out.get(0));
    return out;
  }

  private static Position dependsOnPosition(ApplicationSpec app, String component) {
    MapNode m = (MapNode) app.components().get(component);
    return m.has("dependsOn") ? m.keyPosition("dependsOn") : m.position();
  }

  private static ComponentSpec withWave(ComponentSpec c, int wave) {
    return new ComponentSpec(c.name(), c.type(), c.image(), c.port(), c.ports(), c.command(), c.args(), c.env(), c.secrets(), c.config(),
        c.resources(), c.probes(), c.replicas(), c.autoscaling(), c.ingress(), c.serviceAccount(), c.dependsOn(), c.metrics(),
        c.storage(), c.schedule(), c.security(), wave, c.strategy(), c.queue(), c.hatches());
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : List.copyOf(l);
  }

  private static Map<ComponentType, SpecNode> loadTypeDefaults() {
    try (InputStream in = ComponentResolver.class.getResourceAsStream("/dev/slipway/model/component-types.yaml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Diagnostics d = new Diagnostics();
      var docs = YamlLoader.forSpecs().load(text, "component-types.yaml", Layer.TYPE_DEFAULT, d);
      if (d.hasErrors() || docs.isEmpty()) {
        throw new IllegalStateException("bundled component-types.yaml is broken: " + d.list());
      }
      MapNode root = (MapNode) docs.get(0).root();
      Map<ComponentType, SpecNode> out = new EnumMap<>(ComponentType.class);
      for (ComponentType t : ComponentType.values()) {
        out.put(t, relabel(root.get(t.id()), t.id()));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled component-types.yaml", e);
    }
  }

  /** Type defaults have no user-facing position; their origin names the type instead. */
  private static SpecNode relabel(SpecNode n, String type) {
    Origin o = Origin.of(Layer.TYPE_DEFAULT, type, Position.NONE);
    return SpecNode.relabel(n, x -> o);
  }

}
