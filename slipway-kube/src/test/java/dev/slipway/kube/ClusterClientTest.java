package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClusterClientTest {
  @Test
  void retriesServerErrorsWithBackoffButNotClientErrors() {
    ClusterClient c = new ClusterClient(null, 4, 1);
    AtomicInteger calls = new AtomicInteger();
    String result = c.retry(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new KubernetesClientException("unavailable", 503, null);
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    AtomicInteger conflicts = new AtomicInteger();
    assertThatThrownBy(() -> c.retry(() -> {
      conflicts.incrementAndGet();
      throw new KubernetesClientException("conflict", 409, null);
    })).isInstanceOf(KubernetesClientException.class);
    assertThat(conflicts).hasValue(1);
  }

  @Test
  void namesTheRestResourcesOfTheKindsSlipwayRenders() {
    assertThat(ClusterClient.plural("Ingress")).isEqualTo("ingresses");
    assertThat(ClusterClient.plural("NetworkPolicy")).isEqualTo("networkpolicies");
    assertThat(ClusterClient.plural("HorizontalPodAutoscaler")).isEqualTo("horizontalpodautoscalers");
    assertThat(ClusterClient.context("v1", "Namespace").isNamespaceScoped()).isFalse();
    assertThat(ClusterClient.context("apps/v1", "Deployment").getGroup()).isEqualTo("apps");
  }
}
