package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.kube.HistoryStore.Revision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class HistoryStoreMockTest {
  KubernetesClient client;

  static Revision draft(String commit, int rollbackOf) {
    return new Revision(0, "2026-11-23T10:00:00Z", "ana", commit, false, List.of(), "abc", List.of("nginx:1.27"), "Succeeded", 3,
        rollbackOf);
  }

  @Test
  void numbersRevisionsAndKeepsOnlyTheNewest() {
    HistoryStore store = new HistoryStore(new ClusterClient(client, 3, 10));
    ApplicationBundle bundle = SyncExecutorMockTest.bundle("hello-world");
    assertThat(store.list("dev", bundle)).isEmpty();
    for (int i = 1; i <= HistoryStore.KEEP + 3; i++) {
      assertThat(store.record("dev", bundle, draft("c" + i, 0)).number()).isEqualTo(i);
    }
    List<Revision> revisions = store.list("dev", bundle);
    assertThat(revisions).hasSize(HistoryStore.KEEP);
    assertThat(revisions.get(0).number()).isEqualTo(4);
    assertThat(revisions.get(revisions.size() - 1).commit()).isEqualTo("c" + (HistoryStore.KEEP + 3));
    assertThat(store.list("staging", bundle)).as("each environment has its own history").isEmpty();
  }

  @Test
  void historyIsNotSomethingSyncOwnsOrPrunes() {
    HistoryStore store = new HistoryStore(new ClusterClient(client, 3, 10));
    ApplicationBundle bundle = SyncExecutorMockTest.bundle("hello-world");
    store.record("dev", bundle, draft("c1", 0));
    assertThat(new SyncExecutor(new ClusterClient(client, 3, 10), java.time.Clock.systemUTC()).owned("dev", bundle))
        .noneMatch(o -> o.path("metadata").path("name").asText().startsWith("slipway-history"));
  }

  @Test
  void aDirtyOrUncommittedRevisionCannotBeReproduced() {
    assertThat(draft("c1", 0).reproducible()).isTrue();
    assertThat(draft(null, 0).reproducible()).isFalse();
    Revision dirty = new Revision(1, "t", "ana", "c1", true, List.of(), "h", List.of(), "Succeeded", 0, 0);
    assertThat(dirty.reproducible()).isFalse();
  }
}
