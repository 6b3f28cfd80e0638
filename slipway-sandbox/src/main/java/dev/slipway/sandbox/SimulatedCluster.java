package dev.slipway.sandbox;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;

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

  private SimulatedCluster(String context, KubernetesMockServer server, KubernetesClient client, SimulatedControllers controllers) {
    this.context = context;
    this.server = server;
    this.client = client;
    this.controllers = controllers;
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

  SimulatedControllers controllers() {
    return controllers;
  }

  @Override
  public void close() {
    controllers.close();
    client.close();
    server.destroy();
  }
}
