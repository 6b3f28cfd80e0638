package dev.slipway.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

class ThreeWayMergeTest {
  static JsonNode yaml(String s) {
    try {
      return new YAMLMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final String DESIRED = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, labels: {app: web}}
      spec:
        template:
          spec:
            containers:
            - name: web
              image: web:2
              env: [{name: A, value: "1"}]
      """;

  @Test
  void writesNothingWhenLiveAlreadyMatchesAndOnlyOthersAddedFields() {
    JsonNode live = yaml(DESIRED.replace("metadata: {name: web, labels: {app: web}}",
        "metadata: {name: web, labels: {app: web}, resourceVersion: '7', uid: u}")
        + "status: {replicas: 2}\n");
    ThreeWayMerge.Result r = ThreeWayMerge.merge(yaml(DESIRED), yaml(DESIRED), live);
    assertThat(r.changed()).isFalse();
  }

  @Test
  void appliesNewValuesAndKeepsFieldsOwnedByOthers() {
    JsonNode live = yaml(DESIRED.replace("image: web:2", "image: web:1") + "status: {replicas: 2}\n")
        .deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) live.get("spec")).put("replicas", 5); // set by the HPA
    ThreeWayMerge.Result r = ThreeWayMerge.merge(yaml(DESIRED.replace("web:2", "web:1")), yaml(DESIRED), live);
    assertThat(r.changed()).isTrue();
    assertThat(r.merged().at("/spec/template/spec/containers/0/image").asText()).isEqualTo("web:2");
    assertThat(r.merged().at("/spec/replicas").asInt()).isEqualTo(5);
    assertThat(r.merged().at("/status/replicas").asInt()).isEqualTo(2);
  }

  @Test
  void removesWhatSlipwayStoppedRenderingButNotWhatOthersSet() {
    String lastApplied = DESIRED.replace("labels: {app: web}", "labels: {app: web, tier: front}")
        .replace("env: [{name: A, value: \"1\"}]", "env: [{name: A, value: \"1\"}, {name: B, value: \"2\"}]");
    String live = lastApplied.replace("labels: {app: web, tier: front}", "labels: {app: web, tier: front, injected: sidecar}");
    ThreeWayMerge.Result r = ThreeWayMerge.merge(yaml(lastApplied), yaml(DESIRED), yaml(live));
    assertThat(r.merged().at("/metadata/labels").has("tier")).isFalse();
    assertThat(r.merged().at("/metadata/labels/injected").asText()).isEqualTo("sidecar");
    assertThat(r.merged().at("/spec/template/spec/containers/0/env")).hasSize(1);
  }

  @Test
  void mergesContainersByNameAndKeepsAnInjectedSidecar() {
    String live = DESIRED.replace("        env: [{name: A, value: \"1\"}]\n",
        "        env: [{name: A, value: \"1\"}]\n      - name: istio-proxy\n        image: proxy:1\n");
    ThreeWayMerge.Result r = ThreeWayMerge.merge(yaml(DESIRED), yaml(DESIRED.replace("web:2", "web:3")), yaml(live));
    JsonNode containers = r.merged().at("/spec/template/spec/containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).path("image").asText()).isEqualTo("web:3");
    assertThat(containers.get(1).path("name").asText()).isEqualTo("istio-proxy");
  }

  @Test
  void replacesListsWithoutAMergeKey() {
    String d = "kind: NetworkPolicy\nspec: {policyTypes: [Ingress]}\n";
    String l = "kind: NetworkPolicy\nspec: {policyTypes: [Ingress, Egress]}\n";
    assertThat(ThreeWayMerge.merge(yaml(d), yaml(d), yaml(l)).merged().at("/spec/policyTypes")).hasSize(1);
  }

  @Test
  void createsTheWholeObjectWhenNothingWasAppliedBefore() {
    ThreeWayMerge.Result r = ThreeWayMerge.merge(null, yaml(DESIRED), yaml("metadata: {name: web}\n"));
    assertThat(r.changed()).isTrue();
    assertThat(r.merged().at("/spec/template/spec/containers/0/image").asText()).isEqualTo("web:2");
  }

  @Test
  void claimTemplateFieldsTheApiServerFillsInAreNotDrift() {
    String desired = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], storageClassName: gp3, resources: {requests: {storage: 5Gi}}}
        """;
    JsonNode live = yaml("""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          volumeClaimTemplates:
          - apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}, storageClassName: gp3, volumeMode: Filesystem}
            status: {phase: Pending}
        """);
    assertThat(ThreeWayMerge.merge(yaml(desired), yaml(desired), live).changed()).isFalse();
    JsonNode bigger = yaml(desired.replace("5Gi", "10Gi"));
    assertThat(ThreeWayMerge.merge(yaml(desired), bigger, live).changed()).as("a change Slipway makes is still seen").isTrue();
  }
}
