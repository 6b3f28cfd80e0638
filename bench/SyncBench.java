import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sync benchmark: syncs every application of a generated platform's dev environment into
 * fabric8's mock API server (CRUD mode), then re-syncs with nothing changed, and reports time
 * and API requests. No controller runs in the mock, so objects are created with the status a
 * controller would give them (an instantly healthy cluster): what is measured is Slipway's own
 * traffic. Run with bench/sync-bench.sh.
 */
public class SyncBench {
  /** Counts Slipway's API calls by verb and kind, and plays the controller on create. */
  static final class CountingClient extends ClusterClient {
    final Map<String, Integer> calls = new TreeMap<>();

    CountingClient(KubernetesClient client) {
      super(client);
    }

    void count(String verb, String kind) {
      calls.merge(verb + " " + kind, 1, Integer::sum);
    }

    int total(String verb) {
      return calls.entrySet().stream().filter(e -> e.getKey().startsWith(verb + " ")).mapToInt(Map.Entry::getValue).sum();
    }

    @Override
    public JsonNode get(String apiVersion, String kind, String namespace, String name) {
      count("get", kind);
      return super.get(apiVersion, kind, namespace, name);
    }

    @Override
    public List<JsonNode> list(String apiVersion, String kind, String namespace, Map<String, String> labels) {
      count("list", kind);
      return super.list(apiVersion, kind, namespace, labels);
    }

    @Override
    public JsonNode create(JsonNode obj) {
      count("create", obj.path("kind").asText());
      return super.create(withStatus(obj.deepCopy()));
    }

    @Override
    public JsonNode update(JsonNode obj) {
      count("update", obj.path("kind").asText());
      return super.update(obj);
    }

    @Override
    public void delete(JsonNode obj) {
      count("delete", obj.path("kind").asText());
      super.delete(obj);
    }

    static JsonNode withStatus(ObjectNode o) {
      switch (o.path("kind").asText()) {
        case "Deployment" -> o.putObject("status").put("observedGeneration", 1).put("replicas", 1).put("updatedReplicas", 1)
            .put("availableReplicas", 1).put("readyReplicas", 1);
        case "StatefulSet" -> o.putObject("status").put("observedGeneration", 1).put("replicas", 1).put("readyReplicas", 1)
            .put("updatedReplicas", 1).put("currentRevision", "r1").put("updateRevision", "r1");
        case "Ingress" -> o.putObject("status").putObject("loadBalancer").putArray("ingress").addObject().put("hostname", "alb.example");
        case "ExternalSecret", "SecretStore", "ScaledObject", "NodePool", "EC2NodeClass" ->
            o.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
        case "HorizontalPodAutoscaler" ->
            o.putObject("status").putArray("conditions").addObject().put("type", "AbleToScale").put("status", "True");
        default -> { }
      }
      return o;
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String env = args.length > 1 ? args[1] : "dev";
    long t0 = System.nanoTime();
    EnvironmentPlan e = new Planner().plan(Workspace.load(dir), new Planner.Scope(Set.of(env), Set.of())).environments().get(0);
    List<ApplicationBundle> bundles = new ArrayList<>();
    if (!e.clusterObjects().isEmpty()) {
      bundles.add(new ApplicationBundle(e.name(), SyncExecutor.CLUSTER, null, e.clusterObjects()));
    }
    e.applications().forEach(a -> bundles.add(a.bundle()));
    int objects = bundles.stream().mapToInt(b -> b.objects().size()).sum();
    System.out.printf(Locale.ROOT, "sync benchmark: %d applications, %,d objects in %s (planned in %d ms), %s%n",
        e.applications().size(), objects, env, (System.nanoTime() - t0) / 1_000_000, System.getProperty("java.version"));

    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    try (KubernetesClient kc = server.createClient()) {
      SyncExecutor.Options options = new SyncExecutor.Options(false, false, false, Duration.ofSeconds(30), Duration.ofMillis(10));
      run("first sync (creates everything)", kc, server, bundles, env, options);
      run("re-sync, nothing changed", kc, server, bundles, env, options);
    } finally {
      server.destroy();
    }
  }

  static void run(String label, KubernetesClient kc, KubernetesMockServer server, List<ApplicationBundle> bundles, String env,
      SyncExecutor.Options options) {
    CountingClient client = new CountingClient(kc);
    SyncExecutor executor = new SyncExecutor(client, Clock.systemUTC());
    int requestsBefore = server.getRequestCount();
    long start = System.nanoTime();
    int writes = 0;
    SyncExecutor.Snapshot snapshot = executor.snapshot(env);
    for (ApplicationBundle b : bundles) {
      SyncExecutor.Outcome o = executor.sync(env, b, options, m -> { }, snapshot);
      if (!o.succeeded()) {
        throw new IllegalStateException(b.application() + ": " + o.failure());
      }
      writes += o.writes();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    int reads = client.total("get") + client.total("list");
    System.out.printf(Locale.ROOT, "%-34s %7d ms  writes %6d  reads %6d (list %d, get %d)  HTTP requests %d%n", label, ms, writes, reads,
        client.total("list"), client.total("get"), server.getRequestCount() - requestsBefore);
    if (!client.calls.isEmpty() && System.getenv("SYNC_BENCH_DETAIL") != null) {
      client.calls.forEach((k, v) -> System.out.printf(Locale.ROOT, "    %-40s %d%n", k, v));
    }
  }
}
