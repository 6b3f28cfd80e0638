package dev.slipway.server.dashboard;

import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.kube.ClusterClient;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.sandbox.Sandbox;
import dev.slipway.sandbox.SandboxOptions;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.SyncState;
import dev.slipway.server.auth.AccessPolicy;
import dev.slipway.server.auth.Principal;
import dev.slipway.server.auth.TokenStore;
import dev.slipway.server.control.Controller;
import dev.slipway.server.control.PlatformSource;
import dev.slipway.server.http.ApiServer;
import dev.slipway.server.http.ServerOptions;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.Git;

/**
 * {@code slipway serve DIR --sandbox} as the CLI wires it (Sandbox, Controller, ApiServer), in the
 * test's process so that the test can reach the simulated clusters and the platform's Git
 * repository: a copy of examples/acme, committed, with an admin and a viewer token.
 */
public final class SandboxServer implements AutoCloseable {
  public static final String ADMIN_TOKEN = "dashboard-admin-token-0123456789";
  public static final String VIEWER_TOKEN = "dashboard-viewer-token-0123456789";

  public final Path dir;
  public final Git git;
  public final Sandbox sandbox;
  public final Controller controller;
  public volatile ApiServer api;
  private final ServerOptions options;
  private final ServerMetrics metrics;
  private final JsonLog.Sink sink;

  public SandboxServer(Path example, Path work, Duration delay, Set<String> environments) throws Exception {
    this.dir = work.resolve("platform");
    dev.slipway.server.control.ControllerTest.copy(example, dir);
    this.git = Git.init().setInitialBranch("main").setDirectory(dir.toFile()).call();
    commit("the example platform");
    PlatformSpec platform = Workspace.load(dir).platform();
    this.sandbox = Sandbox.start(platform, SandboxOptions.DEFAULT.withDelay(delay));
    String kubeconfig = sandbox.kubeconfig();
    PrintStream log = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    if (System.getenv("SLIPWAY_TEST_LOGS") != null) {
      log = System.err;
    }
    JsonLog.Sink sink = new JsonLog.Sink(log, Clock.systemUTC(), JsonLog.Level.INFO);
    ServerMetrics metrics = new ServerMetrics();
    this.controller = new Controller(PlatformSource.directory(dir),
        env -> new KubernetesClientBuilder().withConfig(ClusterClient.configure(
            Config.fromKubeconfig(env.cluster().context(), kubeconfig, null), Duration.ofSeconds(30))).build(),
        Controller.Settings.defaults().withWorkers(4).withPoll(Duration.ofHours(1)).withSyncTimeout(Duration.ofMinutes(2))
            .withEnvironments(environments).withSimulated(true),
        Controller.Responsibility.ALL, metrics, sink, Clock.systemUTC());
    List<Map<String, Object>> access = new ArrayList<>();
    access.add(Map.of("group", "admins", "role", "admin"));
    access.add(Map.of("group", "viewers", "role", "viewer"));
    TokenStore tokens = TokenStore.of(List.of(new Principal("ada", List.of("admins"), false),
        new Principal("victor", List.of("viewers"), false)), List.of(ADMIN_TOKEN, VIEWER_TOKEN));
    this.metrics = metrics;
    this.sink = sink;
    this.api = ApiServer.start(controller, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), tokens,
        AccessPolicy.fromList(access, Optional.empty())), metrics, sink);
    this.options = ServerOptions.defaults(new InetSocketAddress("127.0.0.1", api.port()), tokens,
        AccessPolicy.fromList(access, Optional.empty()));
    controller.start();
  }

  /** Stops the HTTP server (the controller goes on): open pages lose their event stream. */
  public void stopApi() {
    api.close();
  }

  /** Starts the HTTP server again on the same port. */
  public void startApi() throws java.io.IOException {
    api = ApiServer.start(controller, options, metrics, sink);
  }

  public String url() {
    return "http://127.0.0.1:" + api.port() + "/";
  }

  public String commit(String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call().getName();
  }

  public ApplicationStatus status(String app, String env) {
    return controller.applications().stream().filter(s -> s.application().equals(app) && s.environment().equals(env))
        .findFirst().orElseThrow(() -> new AssertionError("no " + app + " in " + env));
  }

  /** Whether every application of {@code env} is Synced and Healthy. */
  public boolean converged(String env) {
    List<ApplicationStatus> m = controller.applications().stream().filter(s -> s.environment().equals(env)).toList();
    return !m.isEmpty() && m.stream().allMatch(s -> s.sync() == SyncState.SYNCED && s.health() == HealthStatus.HEALTHY);
  }

  public static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }


  @Override
  public void close() {
    api.close();
    controller.close();
    sandbox.close();
    git.close();
  }
}
