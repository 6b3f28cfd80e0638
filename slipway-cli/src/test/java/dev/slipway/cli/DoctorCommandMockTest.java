package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway doctor} reading the live cluster: fabric8's mock API server in CRUD mode, through a kubeconfig. */
@EnableKubernetesMockClient(crud = true, https = false)
class DoctorCommandMockTest {
  KubernetesClient client;
  @TempDir
  Path tmp;

  @Test
  void diagnosesAnOomKilledPodReadFromTheCluster() throws Exception {
    Pod pod = new PodBuilder().withNewMetadata().withName("web-6b8c9d7f4c-4hz8m").withNamespace("hello-world")
        .addToLabels("app.kubernetes.io/name", "web").addToLabels("slipway.dev/component", "web").addToLabels("pod-template-hash", "6b8c9d7f4c")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-6b8c9d7f4c").withController(true)
        .withUid("u1").endOwnerReference().endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage("docker.io/nginxinc/nginx-unprivileged:1.27-alpine")
        .withNewResources().addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("128Mi")).endResources().endContainer().endSpec()
        .withNewStatus().withPhase("Running").addToContainerStatuses(new ContainerStatusBuilder().withName("web").withRestartCount(4)
            .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
            .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endLastState().build())
        .endStatus().build();
    client.pods().inNamespace("hello-world").resource(pod).create();
    client.v1().events().inNamespace("hello-world").resource(new EventBuilder().withNewMetadata().withName("web.1").endMetadata()
        .withNewInvolvedObject().withKind("Pod").withName(pod.getMetadata().getName()).withNamespace("hello-world").endInvolvedObject()
        .withReason("BackOff").withType("Warning").withMessage("Back-off restarting failed container web").build()).create();
    Path kubeconfig = CliRun.kubeconfig(tmp.resolve("kubeconfig"), client.getMasterUrl().toString());

    CliRun r = CliRun.run("doctor", Path.of("..", "examples", "acme").toString(), "--env", "dev", "--kubeconfig", kubeconfig.toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("Environment dev (cluster acme-dev)")
        .contains("error  OOMKilled  Deployment/hello-world/web  (component web)")
        .contains("spec: apps/hello-world/app.yaml:14 (components.web.resources.memory)");
  }

  @Test
  void anUnreachableClusterIsBadInputNamingTheEnvironment() throws Exception {
    Path kubeconfig = CliRun.kubeconfig(tmp.resolve("kubeconfig"), "http://127.0.0.1:1");
    CliRun r = CliRun.run("doctor", Path.of("..", "examples", "acme").toString(), "--env", "dev", "--kubeconfig", kubeconfig.toString(),
        "--request-timeout", "2s");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("environment dev (context acme-dev");
  }
}
