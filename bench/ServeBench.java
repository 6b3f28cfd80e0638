import com.sun.management.OperatingSystemMXBean;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.kube.ClusterClient;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.sandbox.Sandbox;
import dev.slipway.sandbox.SandboxOptions;
import dev.slipway.sandbox.SimulatedCluster;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.SyncState;
import dev.slipway.server.control.Controller;
import dev.slipway.server.control.PlatformSource;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The {@code slipway serve --sandbox} benchmark: the continuous controller over the sandbox's
 * simulated cluster, wired as ServeCommand wires it (default settings: 4 workers, 30 s poll, 5 min
 * resync, the default client rate limit; 2 s simulated rollouts), reconciling environment dev of a
 * generated platform. Measures convergence from empty, a quiet steady state, drift correction and
 * webhook-to-synced latency. Requests are counted at the simulated API server, by User-Agent;
 * CPU per thread is grouped into Slipway's, the mock server's and the simulated controllers'.
 * Run with bench/serve-bench.sh.
 */
public class ServeBench {
  static final String ENV = "dev";
  static final String AGENT = "slipway-serve";
  static final String IMAGE_PATH = "spec.template.spec.containers[0].image";

  static Sandbox sandbox;
  static SimulatedCluster cluster;
  static Controller controller;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Duration steady = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 300);
    int drifts = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    PlatformSpec platform = Workspace.load(dir).platform();
    EnvironmentSpec dev = platform.environments().stream().filter(e -> e.name().equals(ENV)).findFirst().orElseThrow();
    System.out.printf(Locale.ROOT, "serve benchmark: %s sync policy %s, java %s, %d cores, -Xmx %d MB%n", ENV, dev.sync(),
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

    sandbox = Sandbox.start(platform, SandboxOptions.DEFAULT);
    cluster = sandbox.cluster(ENV);
    String kubeconfig = sandbox.kubeconfig();
    Controller.Clusters clusters = env -> new KubernetesClientBuilder().withConfig(ClusterClient.configure(
        withAgent(Config.fromKubeconfig(env.cluster().context(), kubeconfig, null)), Duration.ofSeconds(30))).build();
    Path logFile = Files.createTempFile("serve-bench-", ".log");
    JsonLog.Sink sink = new JsonLog.Sink(new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8), Clock.systemUTC(),
        JsonLog.Level.INFO);
    Controller.Settings settings = Controller.Settings.defaults().withEnvironments(Set.of(ENV)).withSimulated(true);
    if (System.getenv("WORKERS") != null) {
      settings = settings.withWorkers(Integer.parseInt(System.getenv("WORKERS")));
    }
    if (System.getenv("QPS") != null) {
      settings = settings.withRateLimit(Double.parseDouble(System.getenv("QPS")), Integer.parseInt(System.getenv("QPS")));
    }
    System.out.printf(Locale.ROOT, "controller: %d workers, client rate limit %.0f QPS burst %d, poll %s, resync %s%n", settings.workers(),
        settings.qps(), settings.burst(), settings.poll(), settings.resync());
    controller = new Controller(PlatformSource.directory(dir), clusters,
        settings, Controller.Responsibility.ALL, new ServerMetrics(),
        sink, Clock.systemUTC());
    try {
      run(dir, steady, drifts);
    } finally {
      if (controller != null) {
        controller.close();
      }
      sandbox.close();
      System.out.println("controller log: " + logFile);
    }
  }

  static Config withAgent(Config c) {
    c.setUserAgent(AGENT);
    return c;
  }

  static void run(Path dir, Duration steady, int drifts) throws Exception {
    // 1. Converge from empty.
    Sample s0 = Sample.take();
    long t0 = System.nanoTime();
    controller.start();
    int apps = -1;
    long allSynced = -1;
    long lastReport = t0;
    while (true) {
      List<ApplicationStatus> m = controller.applications();
      boolean synced = !m.isEmpty() && m.stream().allMatch(a -> a.sync() == SyncState.SYNCED);
      if (synced && allSynced < 0) {
        allSynced = System.nanoTime();
      }
      if (synced && m.stream().allMatch(a -> a.health() == HealthStatus.HEALTHY)) {
        apps = m.size();
        break;
      }
      if (System.nanoTime() - t0 > Duration.ofMinutes(60).toNanos()) {
        throw new IllegalStateException("no convergence in 60 min: " + summary(m));
      }
      if (System.nanoTime() - lastReport > Duration.ofSeconds(60).toNanos()) {
        lastReport = System.nanoTime();
        System.out.printf(Locale.ROOT, "  %.0f s: %s%n", (lastReport - t0) / 1e9, summary(m));
      }
      Thread.sleep(100);
    }
    long t1 = System.nanoTime();
    Sample s1 = Sample.take();
    System.out.printf(Locale.ROOT, "converge from empty: %d applications Synced and Healthy in %.1f s (all Synced at %.1f s)%n", apps,
        (t1 - t0) / 1e9, (allSynced - t0) / 1e9);
    s1.since(s0, "  during convergence");
    controller.awaitIdle(Duration.ofMinutes(2));

    // 2. Steady state: nothing changes.
    Thread.sleep(5_000);
    Sample s2 = Sample.take();
    Thread.sleep(steady.toMillis());
    Sample s3 = Sample.take();
    List<ApplicationStatus> m = controller.applications();
    System.out.printf(Locale.ROOT, "steady state for %d s, nothing changing (%s):%n", steady.toSeconds(), summary(m));
    s3.since(s2, "  steady");
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    System.out.printf(Locale.ROOT, "  heap after GC: %d MB used, %d MB committed (max %d MB); whole process, mock and its objects included%n",
        heap.getUsed() >> 20, heap.getCommitted() >> 20, heap.getMax() >> 20);

    // 3. Drift: change a Deployment's image as kubectl would; time until the live image is the rendered one again.
    List<Deployment> deployments = new ArrayList<>(cluster.client().apps().deployments().inAnyNamespace().list().getItems());
    if (System.getenv("SERVE_BENCH_DEBUG") != null) {
      deployments.forEach(d -> System.out.println("  deployment " + d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + " "
          + d.getMetadata().getLabels()));
    }
    Collections.shuffle(deployments, new java.util.Random(11));
    List<Double> latencies = new ArrayList<>();
    Sample s4 = Sample.take();
    for (int i = 0; i < drifts; i++) {
      Deployment d = deployments.get(i % deployments.size());
      String ns = d.getMetadata().getNamespace();
      String name = d.getMetadata().getName();
      var live = cluster.client().apps().deployments().inNamespace(ns).withName(name);
      String rendered = live.get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
      sandbox.drift(ENV, "apps/v1", "Deployment", ns, name, IMAGE_PATH, "drifted.example/bench:" + i);
      long start = System.nanoTime();
      await(ns + "/" + name + " corrected", Duration.ofSeconds(60),
          () -> rendered.equals(live.get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
      latencies.add((System.nanoTime() - start) / 1e6);
      Thread.sleep(200); // spaces the injected drifts out, as separate edits would be; nothing to wait for
    }
    Sample s5 = Sample.take();
    Collections.sort(latencies);
    System.out.printf(Locale.ROOT, "drift correction over %d injected image drifts: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        latencies.size(), pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), latencies.get(latencies.size() - 1));
    s5.since(s4, "  during drifts");

    // 4. Webhook: one app.yaml changes, the push names it; time until the new image is live and the matrix says Synced.
    List<Double> pushes = new ArrayList<>();
    List<String> names = controller.applications().stream().map(ApplicationStatus::application).sorted().toList();
    for (int i = 0; i < 5; i++) {
      String app = names.get((i * 197 + 3) % names.size());
      Path file = dir.resolve("apps").resolve(app).resolve("app.yaml");
      String yaml = Files.readString(file);
      String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + app + "-backend:";
      int at = yaml.indexOf(image);
      String newImage = image + "9.9." + i;
      Files.writeString(file, yaml.substring(0, at) + newImage + yaml.substring(yaml.indexOf('\n', at)));
      long start = System.nanoTime();
      controller.onPush("main", "bench-" + i, List.of("apps/" + app + "/app.yaml"));
      await(app + " synced at " + newImage, Duration.ofSeconds(60), () -> {
        Deployment d = cluster.client().apps().deployments().inNamespace(app).withName("backend").get();
        boolean live = d != null && newImage.equals(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        ApplicationStatus st = controller.applications().stream().filter(a -> a.application().equals(app)).findFirst().orElseThrow();
        return live && st.sync() == SyncState.SYNCED && st.images().contains(newImage);
      });
      pushes.add((System.nanoTime() - start) / 1e6);
    }
    Collections.sort(pushes);
    System.out.printf(Locale.ROOT, "webhook to synced, one changed application (%d pushes): median %.0f ms, worst %.0f ms%n", pushes.size(),
        pct(pushes, 50), pushes.get(pushes.size() - 1));

    // 5. Whose heap: the controller's share is what closing it frees; the rest is the mock API
    // server (its stored objects and their indexes), the simulated controllers and this harness.
    long with = heapAfterGc();
    controller.close();
    controller = null;
    long without = heapAfterGc();
    System.out.printf(Locale.ROOT, "heap after GC: %d MB with the controller, %d MB once it is closed: the controller (informer caches,"
        + " rendered platform, state) holds %d MB; the mock API server, its objects, the simulated controllers and the harness %d MB%n",
        with >> 20, without >> 20, (with - without) >> 20, without >> 20);
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200); // no condition to wait on: lets finalization and reference processing finish between collections
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static String summary(List<ApplicationStatus> m) {
    Map<String, Integer> counts = new TreeMap<>();
    m.forEach(a -> counts.merge(a.sync() + "/" + a.health(), 1, Integer::sum));
    return m.size() + " applications: " + counts;
  }

  static double pct(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Requests at the dev API server, process CPU, CPU per thread group and the load average at one instant. */
  record Sample(long nanos, Map<String, Long> requests, long processCpu, Map<Long, Long> threadCpu, Map<Long, String> threadGroup,
      String load) {
    static Sample take() throws Exception {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Map<Long, Long> cpu = new HashMap<>();
      Map<Long, String> groups = new HashMap<>();
      for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (t != null) {
          long c = threads.getThreadCpuTime(t.getThreadId());
          if (c > 0) {
            cpu.put(t.getThreadId(), c);
            groups.put(t.getThreadId(), group(t.getThreadName()));
          }
        }
      }
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      String load = Files.readString(Path.of("/proc/loadavg")).trim();
      return new Sample(System.nanoTime(), cluster.requestsByUserAgent(), os.getProcessCpuTime(), cpu, groups, load.substring(0, load.lastIndexOf(' ')));
    }

    /** Whose work a thread does, by its name. */
    static String group(String name) {
      if (name.startsWith("vert.x")) {
        return "mock API server (vert.x)";
      }
      if (name.startsWith("sandbox-")) {
        return "simulated controllers";
      }
      if (name.startsWith("slipway-")) {
        return "Slipway controller";
      }
      if (name.startsWith("HttpClient") || name.contains("executor") || name.startsWith("OkHttp") || name.startsWith("pool-")) {
        return "HTTP clients and informers (both sides)";
      }
      if (name.startsWith("main")) {
        return "benchmark driver";
      }
      return "other JVM threads";
    }

    void since(Sample before, String label) {
      double minutes = (nanos - before.nanos) / 6e10;
      Map<String, Long> delta = new TreeMap<>();
      requests.forEach((k, v) -> delta.put(k, v - before.requests.getOrDefault(k, 0L)));
      long slipway = delta.getOrDefault(AGENT, 0L);
      System.out.printf(Locale.ROOT, "%s: %.2f min; requests at the dev API server: %d from Slipway (%.1f/min), by user agent %s%n", label,
          minutes, slipway, slipway / minutes, delta);
      double cpu = (processCpu - before.processCpu) / 1e9;
      System.out.printf(Locale.ROOT, "%s: process CPU %.1f s (%.1f%% of one core); load average %s -> %s%n", label, cpu,
          100 * cpu / (minutes * 60), before.load, load);
      // Threads alive at the end, by what they did since the start; threads that exited in between count as not attributed.
      Map<String, Long> groups = new TreeMap<>();
      threadCpu.forEach((id, v) -> groups.merge(threadGroup.get(id), v - before.threadCpu.getOrDefault(id, 0L), Long::sum));
      long attributed = groups.values().stream().mapToLong(Long::longValue).sum();
      groups.put("not attributed (GC, JIT, exited threads)", processCpu - before.processCpu - attributed);
      groups.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s:     %-42s %7.1f s CPU%n", label, k, v / 1e9));
    }
  }
}
