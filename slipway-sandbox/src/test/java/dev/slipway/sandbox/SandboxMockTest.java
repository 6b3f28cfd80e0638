package dev.slipway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's clusters and controllers, through fabric8's client as Slipway reaches them. */
class SandboxMockTest {
  static Sandbox sandbox;
  static KubernetesClient dev;

  @BeforeAll
  static void start() {
    var platform = Workspace.load(Path.of("..", "examples", "acme")).platform();
    sandbox = Sandbox.start(platform, new SandboxOptions(Duration.ofMillis(300), Duration.ofMillis(800), null));
    dev = sandbox.cluster("dev").client();
  }

  @AfterAll
  static void stop() {
    String failure = sandbox.controllerFailure();
    sandbox.close();
    assertThat(failure).as("no simulated controller failed").isNull();
  }

  static JsonNode live(String apiVersion, String kind, String plural, String namespace, String name) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    var ctx = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1))
        .withKind(kind).withPlural(plural).withNamespaced(namespace != null).build();
    var op = dev.genericKubernetesResources(ctx);
    GenericKubernetesResource r = namespace == null ? op.withName(name).get() : op.inNamespace(namespace).withName(name).get();
    if (r == null) {
      return null;
    }
    var n = (com.fasterxml.jackson.databind.node.ObjectNode) SimulatedStatus.JSON.valueToTree(r);
    return n.put("apiVersion", apiVersion).put("kind", kind);
  }

  static HealthStatus deploymentHealth(String namespace, String name) {
    return Health.assess(live("apps/v1", "Deployment", "deployments", namespace, name)).status();
  }

  /** Polls until the value satisfies the condition, for at most 10 s. */
  static <T> T await(String what, Supplier<T> value, java.util.function.Predicate<T> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    T v = value.get();
    while (!condition.test(v)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; last: " + v);
      }
      Thread.sleep(25);
      v = value.get();
    }
    return v;
  }

  static Deployment deployment(String namespace, String name, String image) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec().endTemplate().endSpec().build();
  }

  @Test
  void kubeconfigHasOneContextPerEnvironmentNamedAsThePlatformSays(@TempDir Path tmp) throws Exception {
    assertThat(sandbox.isSimulated()).isTrue();
    assertThat(sandbox.contexts()).containsExactlyInAnyOrderEntriesOf(Map.of("dev", "acme-dev", "staging", "acme-staging", "prod", "acme-prod"));
    Path file = sandbox.writeKubeconfig(tmp.resolve("k/kubeconfig"));
    String text = Files.readString(file);
    assertThat(text).startsWith("# SIMULATED").contains("name: \"acme-dev\"").contains("name: \"acme-staging\"").contains("name: \"acme-prod\"")
        .contains("name: \"simulated-acme-prod\"");
    assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
    for (String env : sandbox.environments()) {
      assertThat(text).contains("server: \"" + sandbox.cluster(env).url() + "\"");
      assertThat(sandbox.cluster(env).url()).startsWith("http://127.0.0.1:");
    }
    assertThat(sandbox.cluster("dev").url()).isNotEqualTo(sandbox.cluster("prod").url());
    assertThat(sandbox.banner()).startsWith("SIMULATED:").contains("environment prod: context acme-prod");
    var config = io.fabric8.kubernetes.client.Config.fromKubeconfig("acme-staging", text, file.toString());
    assertThat(config.getMasterUrl()).startsWith(sandbox.cluster("staging").url());
  }

  @Test
  void aDeploymentBecomesAvailableAfterTheDelayAndEachNewGenerationRollsOutAgain() throws Exception {
    dev.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("roll").endMetadata().build()).create();
    dev.apps().deployments().inNamespace("roll").resource(deployment("roll", "web", "nginx:1")).create();
    assertThat(deploymentHealth("roll", "web")).isIn(HealthStatus.PROGRESSING, HealthStatus.HEALTHY);
    await("web healthy", () -> deploymentHealth("roll", "web"), HealthStatus.HEALTHY::equals);
    var status = dev.apps().deployments().inNamespace("roll").withName("web").get().getStatus();
    assertThat(status.getAvailableReplicas()).isEqualTo(2);
    assertThat(status.getObservedGeneration()).isEqualTo(1);

    // A plain update (as Slipway's apply sends it, without status) wipes the status on the mock: it comes back.
    Deployment v2 = dev.apps().deployments().inNamespace("roll").withName("web").get();
    v2.setStatus(null);
    v2.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:2");
    dev.apps().deployments().inNamespace("roll").resource(v2).update();
    await("rollout of generation 2 seen", () -> live("apps/v1", "Deployment", "deployments", "roll", "web"),
        d -> d.path("status").path("observedGeneration").asLong() == 2);
    assertThat(Health.assess(live("apps/v1", "Deployment", "deployments", "roll", "web")).message())
        .as("old pods serve while the new ones start").contains("old replicas are pending termination");
    await("web healthy again", () -> deploymentHealth("roll", "web"), HealthStatus.HEALTHY::equals);
    assertThat(dev.apps().deployments().inNamespace("roll").withName("web").get().getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable"));
  }

  @Test
  void injectedFaultsKeepADeploymentFromBecomingAvailableUntilCleared() throws Exception {
    sandbox.failDeployment("dev", "faulty", "api", "ImagePullBackOff");
    dev.apps().deployments().inNamespace("faulty").resource(deployment("faulty", "api", "nginx:1")).create();
    JsonNode degraded = await("api degraded", () -> live("apps/v1", "Deployment", "deployments", "faulty", "api"),
        d -> Health.assess(d).status() == HealthStatus.DEGRADED);
    assertThat(degraded.path("status").path("availableReplicas").asInt()).isZero();
    assertThat(degraded.path("status").path("conditions").toString()).contains("ProgressDeadlineExceeded").contains("ImagePullBackOff");
    sandbox.clearFault("dev", "apps/v1", "Deployment", "faulty", "api");
    await("api healthy once the fault is gone", () -> deploymentHealth("faulty", "api"), HealthStatus.HEALTHY::equals);

    Deployment annotated = deployment("faulty", "worker", "nginx:1");
    annotated.getSpec().getTemplate().getMetadata().setAnnotations(Map.of(SimulatedStatus.FAIL_ANNOTATION, "CrashLoopBackOff"));
    dev.apps().deployments().inNamespace("faulty").resource(annotated).create();
    await("worker degraded", () -> deploymentHealth("faulty", "worker"), HealthStatus.DEGRADED::equals);
  }

  @Test
  void driftChangesALiveFieldAndSaysWhatItReplaced() throws Exception {
    dev.apps().deployments().inNamespace("drift").resource(deployment("drift", "web", "nginx:1")).create();
    JsonNode before = sandbox.drift("dev", "apps/v1", "Deployment", "drift", "web", "spec.template.spec.containers[0].image", "nginx:evil");
    assertThat(before.asText()).isEqualTo("nginx:1");
    assertThat(dev.apps().deployments().inNamespace("drift").withName("web").get().getSpec().getTemplate().getSpec().getContainers()
        .get(0).getImage()).isEqualTo("nginx:evil");
    sandbox.drift("dev", "apps/v1", "Deployment", "drift", "web", "metadata.labels[\"team.acme.example/owner\"]", "mallory");
    assertThat(dev.apps().deployments().inNamespace("drift").withName("web").get().getMetadata().getLabels())
        .containsEntry("team.acme.example/owner", "mallory");
    assertThatThrownBy(() -> sandbox.drift("dev", "apps/v1", "Deployment", "drift", "nope", "spec.replicas", 3))
        .hasMessageContaining("does not exist in dev");
    assertThatThrownBy(() -> sandbox.drift("dev", "apps/v1", "Deployment", "drift", "web", "spec.template.spec.containers[5].image", "x"))
        .hasMessageContaining("no spec.template.spec.containers[5]");
  }

  @Test
  void addOnsBecomeReadyAndExternalSecretsMakeTheirSecret() throws Exception {
    String es = """
        {"apiVersion":"external-secrets.io/v1","kind":"ExternalSecret","metadata":{"name":"db","namespace":"addons"},
         "spec":{"target":{"name":"db-creds"},"data":[{"secretKey":"DATABASE_URL","remoteRef":{"key":"shop/db"}}]}}""";
    var esCtx = new ResourceDefinitionContext.Builder().withGroup("external-secrets.io").withVersion("v1").withKind("ExternalSecret")
        .withPlural("externalsecrets").withNamespaced(true).build();
    dev.genericKubernetesResources(esCtx).inNamespace("addons").resource(SimulatedStatus.JSON.readValue(es, GenericKubernetesResource.class))
        .create();
    dev.persistentVolumeClaims().inNamespace("addons").resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("5Gi")).endResources().endSpec().build()).create();
    dev.network().v1().ingresses().inNamespace("addons").resource(new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder()
        .withNewMetadata().withName("web").endMetadata().build()).create();

    await("secret made", () -> dev.secrets().inNamespace("addons").withName("db-creds").get(), java.util.Objects::nonNull);
    await("claim bound", () -> Health.assess(live("v1", "PersistentVolumeClaim", "persistentvolumeclaims", "addons", "data")).status(),
        HealthStatus.HEALTHY::equals);
    assertThat(dev.persistentVolumeClaims().inNamespace("addons").withName("data").get().getStatus().getCapacity().get("storage"))
        .hasToString("5Gi");
    await("ingress addressed", () -> Health.assess(live("networking.k8s.io/v1", "Ingress", "ingresses", "addons", "web")).status(),
        HealthStatus.HEALTHY::equals);
    assertThat(dev.network().v1().ingresses().inNamespace("addons").withName("web").get().getStatus().getLoadBalancer().getIngress()
        .get(0).getHostname()).contains(".us-east-1.elb.simulated.invalid");
    assertThat(Health.assess(live("external-secrets.io/v1", "ExternalSecret", "externalsecrets", "addons", "db")).status())
        .isEqualTo(HealthStatus.HEALTHY);

    // No garbage collector in the mock: the simulated one deletes the Secret with its ExternalSecret.
    dev.genericKubernetesResources(esCtx).inNamespace("addons").withName("db").delete();
    await("secret collected", () -> dev.secrets().inNamespace("addons").withName("db-creds").get(), java.util.Objects::isNull);
  }

  @Test
  void environmentsHaveTheirOwnClusters() throws Exception {
    sandbox.cluster("prod").client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("only-prod").endMetadata().build())
        .create();
    assertThat(dev.namespaces().withName("only-prod").get()).isNull();
    await("namespace active", () -> sandbox.cluster("prod").client().namespaces().withName("only-prod").get().getStatus(),
        s -> s != null && "Active".equals(s.getPhase()));
    assertThatThrownBy(() -> sandbox.cluster("qa")).hasMessageContaining("no environment qa");
  }

  @Test
  void countsRequestsAtTheServerByUserAgent() throws Exception {
    String url = sandbox.cluster("staging").url();
    var config = new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url).withUserAgent("counted-client").build();
    long before = sandbox.cluster("staging").requestsByUserAgent().getOrDefault("counted-client", 0L);
    try (KubernetesClient counted = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
      for (int i = 0; i < 3; i++) {
        counted.namespaces().withName("nothing-" + i).get();
      }
    }
    Map<String, Long> requests = sandbox.cluster("staging").requestsByUserAgent();
    assertThat(requests.get("counted-client") - before).isEqualTo(3);
    assertThat(requests).containsKey(SimulatedCluster.USER_AGENT);
  }
}
