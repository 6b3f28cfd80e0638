package dev.slipway.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.Diagnostics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading dumps: lists, streams, JSON, the raw metrics list, what is dropped, and when the dump was taken. */
class LiveDumpTest {
  @Test
  void readsListsStreamsAndJsonAndDropsKindsNoAnalyzerReads() {
    Diagnostics d = new Diagnostics();
    List<JsonNode> objects = LiveDump.parse("""
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: n}}
        - {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: n}, data: {password: c2VjcmV0}}
        ---
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "n"}}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        """, "dump.yaml", d);
    assertThat(d.list()).isEmpty();
    assertThat(objects).extracting(o -> o.path("kind").asText()).containsExactly("Pod", "Event");
  }

  @Test
  void itemsOfARawMetricsListTakeTheListsKind() {
    Diagnostics d = new Diagnostics();
    List<JsonNode> objects = LiveDump.parse("""
        {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": [
          {"metadata": {"name": "web-1", "namespace": "n"}, "containers": [{"name": "web", "usage": {"memory": "120Mi"}}]}]}
        """, "metrics.json", d);
    assertThat(d.list()).isEmpty();
    assertThat(objects).singleElement().satisfies(o -> assertThat(o.path("kind").asText()).isEqualTo("PodMetrics"));
  }

  @Test
  void theDumpWasTakenAtItsLatestTimestamp() {
    List<JsonNode> objects = LiveDump.parse("""
        apiVersion: v1
        kind: Event
        metadata: {name: e, namespace: n, creationTimestamp: "2025-03-14T08:00:00Z"}
        lastTimestamp: "2025-03-14T08:59:30Z"
        """, "dump.yaml", new Diagnostics());
    assertThat(LiveDump.observedAt(objects)).contains(Instant.parse("2025-03-14T08:59:30Z"));
  }
}
