package dev.slipway.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class HealthTest {
  static JsonNode yaml(String s) {
    try {
      return new YAMLMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Stream<Arguments> addOns() {
    String es = "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: s}\n";
    return Stream.of(
        Arguments.of(es + "status: {conditions: [{type: Ready, status: 'True', reason: SecretSynced}]}", HealthStatus.HEALTHY),
        Arguments.of(es + "status: {conditions: [{type: Ready, status: 'False', reason: SecretSyncedError, message: denied}]}",
            HealthStatus.DEGRADED),
        Arguments.of(es, HealthStatus.PROGRESSING),
        Arguments.of("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s}\n"
            + "status: {conditions: [{type: Ready, status: Unknown}]}", HealthStatus.PROGRESSING),
        Arguments.of("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\n"
            + "status: {conditions: [{type: Ready, status: 'True'}]}", HealthStatus.HEALTHY),
        Arguments.of("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {suspend: true}\n", HealthStatus.SUSPENDED));
  }

  @ParameterizedTest
  @MethodSource("addOns")
  void judgesAddOnResourcesByTheirReadyCondition(String yaml, HealthStatus expected) {
    assertThat(Health.assess(yaml(yaml)).status()).isEqualTo(expected);
  }

  @Test
  void reportsMissingObjectsAndNoHealthForUnknownCustomResources() {
    assertThat(Health.assess(null).status()).isEqualTo(HealthStatus.MISSING);
    assertThat(Health.assess(yaml("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"))).isNull();
  }

  @Test
  void combinesByWorstWins() {
    assertThat(HealthStatus.HEALTHY.worst(HealthStatus.PROGRESSING)).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(HealthStatus.DEGRADED.worst(HealthStatus.SUSPENDED)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(HealthStatus.MISSING.worst(HealthStatus.DEGRADED)).isEqualTo(HealthStatus.DEGRADED);
  }
}
