package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The live objects the analyzers read, indexed by kind and identity, with the relations between
 * them that Kubernetes keeps in references: a pod's owning workload (through its ReplicaSet or
 * Job), an object's events, a Service's endpoints. Only the kinds the analyzers read are kept;
 * anything else (and every Secret) is dropped on the way in, so nothing else can be printed.
 */
public final class LiveObjects {
  /** The kinds the analyzers read. */
  public static final Set<String> KINDS = Set.of("Pod", "Event", "Node", "Deployment", "ReplicaSet", "StatefulSet", "Service",
      "Endpoints", "EndpointSlice", "Ingress", "IngressClass", "HorizontalPodAutoscaler", "ScaledObject", "ExternalSecret",
      "SecretStore", "PersistentVolumeClaim", "StorageClass", "CronJob", "Job", "PodDisruptionBudget", "NodePool", "PodMetrics",
      "ServiceAccount");

  private final Map<String, List<JsonNode>> byKind = new HashMap<>();
  private final Map<String, JsonNode> byId = new HashMap<>();
  private final Map<String, List<JsonNode>> eventsFor = new HashMap<>();

  public LiveObjects(List<JsonNode> objects) {
    for (JsonNode o : objects) {
      String kind = o.path("kind").asText();
      if (!KINDS.contains(kind) || name(o) == null) {
        continue;
      }
      String id = id(kind, namespace(o), name(o));
      if (byId.putIfAbsent(id, o) != null) {
        continue; // the same object twice in a dump: the first counts
      }
      byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(o);
      if (kind.equals("Event")) {
        JsonNode about = o.has("involvedObject") ? o.path("involvedObject") : o.path("regarding");
        String ns = about.path("namespace").asText(null);
        if (ns == null || ns.isEmpty()) {
          ns = about.path("kind").asText().equals("Node") ? null : namespace(o);
        }
        eventsFor.computeIfAbsent(id(about.path("kind").asText(), ns, about.path("name").asText()), k -> new ArrayList<>()).add(o);
      }
    }
    Comparator<JsonNode> order = Comparator.comparing((JsonNode o) -> namespace(o) == null ? "" : namespace(o)).thenComparing(LiveObjects::name);
    byKind.values().forEach(l -> l.sort(order));
    eventsFor.values().forEach(l -> l.sort(Comparator.comparing(LiveObjects::eventTime).thenComparing(LiveObjects::name)));
  }

  private static String id(String kind, String namespace, String name) {
    return kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
  }

  public static String name(JsonNode o) {
    return o.path("metadata").path("name").asText(null);
  }

  public static String namespace(JsonNode o) {
    String ns = o.path("metadata").path("namespace").asText(null);
    return ns == null || ns.isEmpty() ? null : ns;
  }

  public static ObjectRef ref(JsonNode o) {
    return new ObjectRef(o.path("kind").asText(), namespace(o), name(o));
  }

  public static String label(JsonNode o, String key) {
    return o.path("metadata").path("labels").path(key).asText(null);
  }

  public static Map<String, String> labels(JsonNode o) {
    Map<String, String> out = new LinkedHashMap<>();
    o.path("metadata").path("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Objects of a kind, by namespace and name. */
  public List<JsonNode> ofKind(String kind) {
    return byKind.getOrDefault(kind, List.of());
  }

  public boolean hasKind(String kind) {
    return byKind.containsKey(kind);
  }

  public Optional<JsonNode> get(String kind, String namespace, String name) {
    return Optional.ofNullable(byId.get(id(kind, namespace, name)));
  }

  /** The events about an object, oldest first. */
  public List<JsonNode> events(ObjectRef ref) {
    return eventsFor.getOrDefault(id(ref.kind(), ref.namespace(), ref.name()), List.of());
  }

  /** The events about an object with one of {@code reasons}, oldest first. */
  public List<JsonNode> events(ObjectRef ref, String... reasons) {
    Set<String> wanted = Set.of(reasons);
    return events(ref).stream().filter(e -> wanted.contains(e.path("reason").asText())).toList();
  }

  /** An event's message ({@code note} in events.k8s.io/v1). */
  public static String message(JsonNode event) {
    return event.has("message") ? event.path("message").asText() : event.path("note").asText();
  }

  /** {@code Warning BackOff (x12): Back-off restarting failed container}: how an event reads in evidence. */
  public static String describeEvent(JsonNode e) {
    int count = e.path("count").asInt(e.path("series").path("count").asInt(e.path("deprecatedCount").asInt(1)));
    String source = e.path("source").path("component").asText(e.path("reportingComponent").asText(e.path("reportingController").asText("")));
    return "event " + e.path("type").asText("Normal") + " " + e.path("reason").asText() + (count > 1 ? " (x" + count + ")" : "")
        + (source.isEmpty() ? "" : " from " + source) + ": " + message(e).strip().replaceAll("\\s+", " ");
  }

  private static String eventTime(JsonNode e) {
    for (String f : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
      String t = e.path(f).asText("");
      if (!t.isEmpty() && !t.equals("null")) {
        return t;
      }
    }
    return e.path("metadata").path("creationTimestamp").asText("");
  }

  /** The owner of {@code o} named by its controller reference, if that owner is in the dump, or a reference to it. */
  public static Optional<ObjectRef> controller(JsonNode o) {
    for (JsonNode r : o.path("metadata").path("ownerReferences")) {
      if (r.path("controller").asBoolean(false) || o.path("metadata").path("ownerReferences").size() == 1) {
        return Optional.of(new ObjectRef(r.path("kind").asText(), namespace(o), r.path("name").asText()));
      }
    }
    return Optional.empty();
  }

  /**
   * The workload a pod belongs to as a person names it: its Deployment (through its ReplicaSet,
   * or the ReplicaSet's name less the pod-template-hash when the ReplicaSet is not in the dump),
   * StatefulSet, or CronJob (through its Job); the pod itself when it has no owner.
   */
  public ObjectRef workload(JsonNode pod) {
    Optional<ObjectRef> owner = controller(pod);
    if (owner.isEmpty()) {
      return ref(pod);
    }
    ObjectRef o = owner.get();
    if (o.kind().equals("ReplicaSet")) {
      Optional<ObjectRef> up = get("ReplicaSet", o.namespace(), o.name()).flatMap(LiveObjects::controller);
      if (up.isPresent()) {
        return up.get();
      }
      String hash = label(pod, "pod-template-hash");
      if (hash != null && o.name().endsWith("-" + hash)) {
        return new ObjectRef("Deployment", o.namespace(), o.name().substring(0, o.name().length() - hash.length() - 1));
      }
      return o;
    }
    if (o.kind().equals("Job")) {
      Optional<ObjectRef> up = get("Job", o.namespace(), o.name()).flatMap(LiveObjects::controller);
      return up.orElse(o);
    }
    return o;
  }

  /** The pods whose workload is {@code workload}, by name. */
  public List<JsonNode> podsOf(ObjectRef workload) {
    return ofKind("Pod").stream().filter(p -> workload(p).equals(workload)).toList();
  }

  /** Whether {@code labels} carries every key and value of {@code selector}. */
  public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  public static Map<String, String> map(JsonNode n) {
    Map<String, String> out = new java.util.TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** The condition of {@code type} in {@code status.conditions}, or a missing node. */
  public static JsonNode condition(JsonNode o, String type) {
    for (JsonNode c : o.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** {@code Ready=False (SecretSyncedError): could not get secret data}: how a condition reads in evidence. */
  public static String describeCondition(JsonNode c) {
    String reason = c.path("reason").asText("");
    String msg = c.path("message").asText("");
    return "condition " + c.path("type").asText() + "=" + c.path("status").asText() + (reason.isEmpty() ? "" : " (" + reason + ")")
        + (msg.isEmpty() ? "" : ": " + msg.strip());
  }
}
