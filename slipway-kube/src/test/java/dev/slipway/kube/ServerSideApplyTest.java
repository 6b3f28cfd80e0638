package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * {@code --server-side}: fabric8's mock server cannot perform server-side apply, so the test
 * checks the request Slipway sends, which is what a real API server acts on.
 */
@EnableKubernetesMockClient
class ServerSideApplyTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void sendsAnApplyPatchWithSlipwaysFieldManagerAndForcedConflicts() throws Exception {
    String body = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop","resourceVersion":"41",
         "labels":{"app.kubernetes.io/managed-by":"slipway"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}""";
    server.expect().patch().withPath("/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=slipway&force=true")
        .andReturn(200, body).once();
    JsonNode desired = new ObjectMapper().readTree(body);

    JsonNode applied = new ClusterClient(client, 1, 1).serverSideApply(desired);

    RecordedRequest request = server.getLastRequest();
    assertThat(request.getMethod()).isEqualTo("PATCH");
    assertThat(request.getPath()).isEqualTo("/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=slipway&force=true");
    assertThat(request.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
    JsonNode sent = new ObjectMapper().readTree(request.getBody().readUtf8());
    assertThat(sent.path("metadata").has("resourceVersion")).as("apply is not a compare-and-swap").isFalse();
    assertThat(sent.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText()).isEqualTo("nginx:1.27");
    assertThat(applied.path("kind").asText()).isEqualTo("Deployment");
  }
}
