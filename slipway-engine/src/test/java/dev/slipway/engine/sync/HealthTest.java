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
        Arguments.of("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {suspend: true}\n", HealthStatus.HEALTHY));
  }

  static Stream<Arguments> argoCdScriptedKinds() {
    String so = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s}\n";
    String pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n";
    String cj = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n";
    return Stream.of(
        Arguments.of(so + "status: {conditions: [{type: Ready, status: 'True', message: ok}, {type: Paused, status: 'True', message: paused}]}",
            HealthStatus.SUSPENDED, "paused"),
        Arguments.of(so + "status: {conditions: [{type: Ready, status: 'True', message: ok}, {type: Fallback, status: 'True', message: fb}]}",
            HealthStatus.DEGRADED, "fb"),
        Arguments.of(pdb, HealthStatus.PROGRESSING, "Waiting for status"),
        Arguments.of(pdb + "status: {conditions: [{type: DisruptionAllowed, status: 'False', reason: InsufficientPods}]}",
            HealthStatus.HEALTHY, "PodDisruptionBudget has InsufficientPods"),
        Arguments.of(pdb + "status: {conditions: [{type: DisruptionAllowed, status: 'False', reason: SyncFailed}]}",
            HealthStatus.DEGRADED, "PodDisruptionBudget has SyncFailed"),
        Arguments.of(cj + "status: {lastScheduleTime: '2026-01-02T00:00:00Z', lastSuccessfulTime: '2026-01-01T00:00:00Z'}",
            HealthStatus.DEGRADED, "CronJob has not completed its last execution successfully"),
        Arguments.of(cj + "status: {lastScheduleTime: '2026-01-02T00:00:00Z', lastSuccessfulTime: '2026-01-01T00:00:00Z', active: [{name: j}]}",
            HealthStatus.HEALTHY, "The job is running. Its last execution may not have been successful"));
  }

  @ParameterizedTest
  @MethodSource("argoCdScriptedKinds")
  void judgesPausedFallbackBudgetAndFailedCronJobAsArgoCdDoes(String yaml, HealthStatus expected, String message) {
    Health.Assessment a = Health.assess(yaml(yaml));
    assertThat(a.status()).isEqualTo(expected);
    assertThat(a.message()).isEqualTo(message);
  }

  @Test
  void givesNoHealthToAddOnKindsArgoCdHasNoRuleFor() {
    assertThat(Health.assess(yaml("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n"))).isNull();
    assertThat(Health.assess(yaml("apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata: {name: t}\n"))).isNull();
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
