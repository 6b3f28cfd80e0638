package dev.slipway.sandbox;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One simulated Kubernetes API: fabric8's mock server in CRUD mode on 127.0.0.1 (an ephemeral
 * port), with the simulated controllers watching it. It stores and serves what it is sent, keeps
 * {@code metadata.generation} and {@code resourceVersion}, and answers watches; it has no
 * admission, no defaulting, no server-side apply and no garbage collector (see docs/sandbox.md).
 */
public final class SimulatedCluster implements AutoCloseable {
  /** The mock server logs every request at INFO; kept referenced so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /** User agent of the simulated controllers' own requests. */
  static final String USER_AGENT = "slipway-sandbox-controllers";

  private final String context;
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final SimulatedControllers controllers;
  /** Requests received, by User-Agent: tallied from the mock's record of requests, which is drained as it goes. */
  private final Map<String, Long> requests = new TreeMap<>();
  private final ScheduledExecutorService drainer;

  private SimulatedCluster(String context, KubernetesMockServer server, KubernetesClient client, SimulatedControllers controllers) {
    this.context = context;
    this.server = server;
    this.client = client;
    this.controllers = controllers;
    // The mock keeps every request it receives (body included) until someone takes it: a sandbox
    // serving a controller for hours would hold them all. Taking them once a second bounds that.
    this.drainer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sandbox-" + context + "-requests");
      t.setDaemon(true);
      return t;
    });
    drainer.scheduleWithFixedDelay(this::drain, 1, 1, TimeUnit.SECONDS);
  }

  static SimulatedCluster start(String context, SandboxOptions options, Clock clock) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("127.0.0.1 is not an address here", e);
    }
    KubernetesClient client = null;
    try {
      Config config = new ConfigBuilder().withMasterUrl(url(server)).withTrustCerts(true).withUserAgent(USER_AGENT)
          .withRequestRetryBackoffLimit(0).withNamespace(null).build();
      client = new KubernetesClientBuilder().withConfig(config).build();
      SimulatedControllers controllers = new SimulatedControllers(context, client, options, clock).start();
      return new SimulatedCluster(context, server, client, controllers);
    } catch (RuntimeException e) {
      if (client != null) {
        client.close();
      }
      server.destroy();
      throw e;
    }
  }

  private static String url(KubernetesMockServer server) {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** The kubeconfig context that names this cluster. */
  public String context() {
    return context;
  }

  /** The API server's address, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return url(server);
  }

  /** A client of this cluster, for drift injection and tests; closed with the cluster. */
  public KubernetesClient client() {
    return client;
  }

  /**
   * Every request this API server has received since it started, by the client's User-Agent (the
   * simulated controllers' own are {@value #USER_AGENT}): what a benchmark counts at the server,
   * not in the client that sends them.
   */
  public synchronized Map<String, Long> requestsByUserAgent() {
    drain();
    return new TreeMap<>(requests);
  }

  private synchronized void drain() {
    try {
      for (RecordedRequest r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null; r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
        String agent = r.getHeader("User-Agent");
        requests.merge(agent == null ? "(none)" : agent, 1L, Long::sum);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  SimulatedControllers controllers() {
    return controllers;
  }

  @Override
  public void close() {
    drainer.shutdownNow();
    controllers.close();
    client.close();
    server.destroy();
  }
}
