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

  @Test
  void handsTheReplicaCountOverBeforeApplyingAWorkloadThatGainedAnAutoscaler() throws Exception {
    var bundle = AutoscaledReplicasTest.helloWorld("hello-world.web.autoscaling.min=2", "hello-world.web.autoscaling.max=8");
    ObjectMapper json = new ObjectMapper();
    // What the cluster holds: the Deployment as Slipway applied it before, with 3 replicas owned by Slipway's manager.
    var deployment = (com.fasterxml.jackson.databind.node.ObjectNode) bundle.objects().stream()
        .filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow().body().deepCopy();
    deployment.with("spec").put("replicas", 3);
    deployment.with("metadata").put("resourceVersion", "7").putArray("managedFields").addObject().put("manager", "slipway")
        .put("operation", "Apply").putObject("fieldsV1").putObject("f:spec").putObject("f:replicas");
    String base = "/apis/apps/v1/namespaces/hello-world/deployments";
    server.expect().patch().withPath(base + "/web?fieldManager=slipway-handover").andReturn(200, json.writeValueAsString(deployment)).once();
    server.expect().patch().withPath(base + "/web?fieldManager=slipway&force=true").andReturn(200, json.writeValueAsString(deployment)).once();
    var only = new dev.slipway.engine.render.ApplicationBundle(bundle.environment(), bundle.application(), bundle.namespace(),
        bundle.objects().stream().filter(o -> o.kind().equals("Deployment") || o.kind().equals("ScaledObject")
            || o.kind().equals("HorizontalPodAutoscaler")).toList());
    var options = new SyncExecutor.Options(false, false, false, java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(10), true);
    var snapshot = new SyncExecutor.Snapshot(java.util.List.of(deployment));
    new SyncExecutor(new ClusterClient(client, 1, 1), java.time.Clock.systemUTC()).apply("dev", only, options, m -> { }, snapshot);
    java.util.List<String> patches = new java.util.ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      if (r.getMethod().equals("PATCH")) {
        patches.add(r.getPath() + " " + r.getBody().readUtf8());
      }
    }
    assertThat(patches).isNotEmpty();
    assertThat(patches.get(0)).startsWith(base + "/web?fieldManager=slipway-handover ");
    JsonNode handover = json.readTree(patches.get(0).substring(patches.get(0).indexOf(' ') + 1));
    assertThat(handover.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(handover.path("spec").size()).as("the hand-over applies the replica count alone").isEqualTo(1);
    assertThat(patches.get(1)).startsWith(base + "/web?fieldManager=slipway&force=true ");
    assertThat(json.readTree(patches.get(1).substring(patches.get(1).indexOf(' ') + 1)).path("spec").has("replicas")).isFalse();
  }
}

