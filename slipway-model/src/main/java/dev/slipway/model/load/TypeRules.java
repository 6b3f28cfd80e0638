package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentType;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each built-in component type takes: the fields that apply only to some types (with, for
 * the others, the field that does what the user likely meant), and what a type demands of its
 * fields (one postgres or redis instance, a cache's password from the secret store, the redis
 * flags Slipway sets itself).
 */
final class TypeRules {
  /** The secret a redis component's password is read from; its server is started with it as requirepass. */
  static final String REDIS_PASSWORD = "REDIS_PASSWORD";
  /** redis-server flags Slipway sets, or through which a password would be written into the manifest. */
  private static final Set<String> REDIS_OWN_FLAGS = Set.of("--requirepass", "--masterauth", "--user", "--aclfile", "--dir", "--save",
      "--appendonly", "--maxmemory");

  private TypeRules() {}

  private static final Map<String, Set<ComponentType>> ONLY_FOR = Map.of(
      "ingress", Set.of(ComponentType.WEB, ComponentType.API),
      "strategy", Set.of(ComponentType.WEB, ComponentType.API),
      "autoscaling", Set.of(ComponentType.WEB, ComponentType.API, ComponentType.WORKER),
      "storage", Set.of(ComponentType.POSTGRES, ComponentType.REDIS),
      "version", Set.of(ComponentType.POSTGRES, ComponentType.REDIS),
      "schedule", Set.of(ComponentType.JOB),
      "queue", Set.of(ComponentType.WORKER),
      "probes", Set.of(ComponentType.WEB, ComponentType.API, ComponentType.WORKER, ComponentType.POSTGRES, ComponentType.REDIS),
      "replicas", Set.of(ComponentType.WEB, ComponentType.API, ComponentType.WORKER, ComponentType.POSTGRES, ComponentType.REDIS));

  /** Whether a component field applies to a type. */
  static boolean applies(String field, ComponentType type) {
    Set<ComponentType> only = ONLY_FOR.get(field);
    return only == null || only.contains(type);
  }

  /** For a field that does not apply to a type, the field that does what the user likely meant. */
  private static final Map<String, String> INSTEAD = Map.ofEntries(
      Map.entry("queue@web", "a worker consumes a queue and is scaled on it: make the consumer a worker component"),
      Map.entry("queue@api", "a worker consumes a queue and is scaled on it: make the consumer a worker component"),
      Map.entry("autoscaling@redis", "a cache runs one instance: give it more memory with resources.memory (maxmemory follows the limit)"),
      Map.entry("ingress@redis", "reach the cache from components that list it in dependsOn"),
      Map.entry("strategy@redis", "a cache is not run twice side by side: its StatefulSet replaces its pod"),
      Map.entry("replicas@job", "a job runs one pod per scheduled run: schedule decides how often it runs"),
      Map.entry("autoscaling@job", "a job runs one pod per scheduled run: schedule decides how often it runs"),
      Map.entry("autoscaling@postgres", "postgres runs one instance: give it more with resources.cpu and resources.memory"),
      Map.entry("ingress@worker", "a worker takes no traffic: make it a web or api component to expose it"),
      Map.entry("ingress@postgres", "reach the database from components that list it in dependsOn"),
      Map.entry("strategy@worker", "a worker takes no traffic to shift or switch: its Deployment's rolling update replaces it"),
      Map.entry("strategy@postgres", "a database is not run twice side by side: its StatefulSet replaces its pod"),
      Map.entry("probes@job", "a job's pod runs to completion; use schedule.activeDeadlineSeconds to bound it"));

  /** Every field that does not apply to the component's type, and what each type demands of its fields. */
  static void check(Fields f, ComponentType type, Diagnostics d) {
    for (var e : new TreeMap<>(ONLY_FOR).entrySet()) {
      SpecNode n = f.node().get(e.getKey());
      if (n != null && !(n instanceof SpecNode.Null) && !e.getValue().contains(type)) {
        boolean set = n.origin().layer() == Layer.WHAT_IF;
        String hint = INSTEAD.get(e.getKey() + "@" + type.id());
        d.error("spec.not-applicable", set ? Position.file("--set") : f.position(e.getKey()), f.path(e.getKey()),
            (set ? n.origin().source().split(";")[0] + ": " : "") + "'" + e.getKey() + "' does not apply to a " + type.id()
                + " component (only to " + String.join(", ", java.util.Arrays.stream(ComponentType.values()).filter(e.getValue()::contains)
                    .map(ComponentType::id).toList()) + ")"
                + (hint == null ? "" : "; " + hint));
      }
    }
    if (type == ComponentType.POSTGRES && f.node().get("replicas") instanceof Scalar s && !s.value().equals("1")) {
      d.error("spec.not-applicable", f.position("replicas"), f.path("replicas"),
          "a postgres component runs one instance (replication is not managed by Slipway)");
    }
    if (type == ComponentType.REDIS && f.node().get("replicas") instanceof Scalar s && !s.value().equals("1")) {
      d.error("spec.not-applicable", f.position("replicas"), f.path("replicas"),
          "a redis component is one cache: more replicas would be independent caches, each with its own keys"
              + " (replication and Sentinel are not managed by Slipway; use a managed cache such as ElastiCache for that)");
    }
    if (type == ComponentType.REDIS && !(f.node().get("secrets") instanceof MapNode m && m.get(REDIS_PASSWORD) instanceof Scalar)) {
      d.error("spec.required", f.position(), f.path("secrets." + REDIS_PASSWORD),
          "a redis component needs its password from the secret store: secrets: {" + REDIS_PASSWORD + ": <key in the store>};"
              + " clients read the same key");
    }
    if (type == ComponentType.REDIS && f.node().get("args") instanceof ListNode args) {
      for (int i = 0; i < args.items().size(); i++) {
        if (args.items().get(i) instanceof Scalar a && REDIS_OWN_FLAGS.contains(a.value().toLowerCase(java.util.Locale.ROOT))) {
          d.error("spec.not-applicable", a.position(), f.path("args") + "[" + i + "]", "'" + a.value() + "' is set by Slipway for a"
              + " redis component (the password from secrets." + REDIS_PASSWORD + ", the data directory, persistence from storage,"
              + " maxmemory from the memory limit); a later flag would override it, and a password here would be in the manifest");
        }
      }
    }
    if (type == ComponentType.REDIS && f.node().get("storage") instanceof MapNode st && st.get("database") != null) {
      d.error("spec.not-applicable", st.keyPosition("database"), f.path("storage.database"),
          "'storage.database' names a postgres database; a redis cache has none");
    }
  }
}
