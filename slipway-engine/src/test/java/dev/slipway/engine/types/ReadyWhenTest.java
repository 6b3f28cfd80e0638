package dev.slipway.engine.types;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.HealthStatus;
import org.junit.jupiter.api.Test;

class ReadyWhenTest {
  static JsonNode deployment(String readyWhen, String status) throws Exception {
    String annotation = new ObjectMapper().writeValueAsString("{\"id\":\"deployment\",\"conditions\":[" + readyWhen + "]}");
    return new ObjectMapper().readTree("""
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "web", "generation": 1, "annotations": {"slipway.dev/ready-when": %s}},
         "spec": {"replicas": 2}, "status": %s}
        """.formatted(annotation, status));
  }

  static final String SAME = "\"deployment.status.readyReplicas == deployment.spec.replicas\"";

  @Test
  void isHealthyWhenEveryConditionHolds() throws Exception {
    Health.Assessment a = Health.assess(deployment(SAME, ROLLED_OUT));
    assertThat(a.status()).isEqualTo(HealthStatus.HEALTHY);
  }

  static final String ROLLED_OUT = """
      {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}""";

  @Test
  void aDeploymentPastItsProgressDeadlineIsDegradedWhateverItsConditionsSay() throws Exception {
    Health.Assessment a = Health.assess(deployment(SAME, """
        {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 1, "readyReplicas": 2, "availableReplicas": 2,
         "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}"""));
    assertThat(a.status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void aRolloutStillUnderWayIsProgressingThoughTheOldPodsSatisfyTheConditions() throws Exception {
    Health.Assessment a = Health.assess(deployment(SAME, """
        {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 1, "readyReplicas": 2, "availableReplicas": 2}"""));
    assertThat(a.status()).isEqualTo(HealthStatus.PROGRESSING);
  }

  @Test
  void isProgressingWhileAConditionIsFalseOrItsFieldIsNotThereYet() throws Exception {
    assertThat(Health.assess(deployment(SAME, "{\"readyReplicas\": 1}"))).satisfies(a -> {
      assertThat(a.status()).isEqualTo(HealthStatus.PROGRESSING);
      assertThat(a.message()).contains("is false");
    });
    assertThat(Health.assess(deployment(SAME, "{}"))).satisfies(a -> {
      assertThat(a.status()).isEqualTo(HealthStatus.PROGRESSING);
      assertThat(a.message()).contains("cannot be judged yet");
    });
  }

  @Test
  void isDegradedWithTheReasonWhenAConditionCannotBeEvaluated() throws Exception {
    assertThat(Health.assess(deployment("\"deployment.status.readyReplicas +\"", "{}"))).satisfies(a -> {
      assertThat(a.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(a.message()).contains("does not compile");
    });
    assertThat(Health.assess(deployment("\"deployment.spec.replicas\"", "{}")).status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void leavesObjectsWithoutTheAnnotationToTheBuiltInRules() throws Exception {
    JsonNode plain = new ObjectMapper().readTree("""
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
        """);
    assertThat(ReadyWhen.judge(plain)).isNull();
  }
}
