package dev.slipway.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test against fabric8's mock API server (CRUD mode, faults injectable in front of it) with a
 * fake controller setting status as Kubernetes' controllers would; a fresh pair for every test.
 */
public abstract class MockClusterTest {
  protected FaultyApiServer server;
  protected KubernetesClient client;
  protected FakeController controller;

  @BeforeEach
  void startMockCluster() {
    server = new FaultyApiServer();
    client = server.client();
    controller = FakeController.start(server.controllerClient());
  }

  @AfterEach
  void stopMockCluster() {
    controller.close();
    server.close();
  }
}
