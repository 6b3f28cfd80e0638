package dev.slipway.engine.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.sync.ManagedKinds;
import dev.slipway.model.load.Workspace;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Slipway deploys itself (examples/ops): what its own deployment renders, and that it plans clean. */
class SelfDeploymentTest {
  static final Plan PLAN = new Planner().plan(Workspace.load(Path.of("..", "examples", "ops")), Planner.Scope.ALL);

  static List<RenderedObject> objects() {
    return PLAN.environments().get(0).applications().stream().filter(a -> a.name().equals("slipway")).findFirst().orElseThrow()
        .bundle().objects();
  }

  static JsonNode only(String kind) {
    List<RenderedObject> found = objects().stream().filter(o -> o.kind().equals(kind)).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.get(0).body();
  }

  @Test
  void plansCleanUnderTheBaselinePolicyInAnEnforcingEnvironment() {
    assertThat(PLAN.hasSpecErrors()).isFalse();
    assertThat(PLAN.hasValidationErrors()).isFalse();
    assertThat(PLAN.enforcedViolations()).isZero();
    assertThat(PLAN.blocked()).isFalse();
    assertThat(PLAN.environments().get(0).enforced()).isTrue();
  }

  @Test
  void theClusterRoleGrantsExactlyTheVerbsTheSyncUsesOnExactlyTheKindsItManages() {
    JsonNode role = only("ClusterRole");
    Map<String, Set<String>> verbsByResource = new HashMap<>();
    for (JsonNode rule : role.get("rules")) {
      assertThat(rule.get("apiGroups")).hasSize(1);
      String group = rule.get("apiGroups").get(0).asText();
      for (JsonNode r : rule.get("resources")) {
        Set<String> verbs = new HashSet<>();
        rule.get("verbs").forEach(v -> verbs.add(v.asText()));
        assertThat(verbsByResource.put(group + "/" + r.asText(), verbs)).as("listed once: " + r).isNull();
      }
    }
    Map<String, Set<String>> expected = new HashMap<>();
    for (ManagedKinds.Kind k : ManagedKinds.all()) {
      expected.put(k.group() + "/" + k.resource(), Set.copyOf(ManagedKinds.SYNC_VERBS));
    }
    expected.put("coordination.k8s.io/leases", Set.copyOf(ManagedKinds.LEASE_VERBS));
    ManagedKinds.DIAGNOSIS_READS.forEach((group, resources) -> resources.forEach(
        r -> expected.put(group + "/" + r, Set.copyOf(ManagedKinds.READ_VERBS))));
    assertThat(verbsByResource).isEqualTo(expected);
    assertThat(role.toString()).doesNotContain("\"*\"");
    JsonNode binding = only("ClusterRoleBinding");
    assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(role.path("metadata").path("name").asText());
    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("server");
    assertThat(role.path("metadata").has("namespace")).isFalse();
  }

  @Test
  void leaderElectionLeasesAndTheTokenSecretAreGrantedInItsOwnNamespaceOnly() {
    JsonNode role = only("Role");
    assertThat(role.path("metadata").path("namespace").asText()).isEqualTo("slipway");
    assertThat(role.get("rules").toString()).contains("leases").contains("\"resourceNames\":[\"slipway-tokens\"]");
    assertThat(only("RoleBinding").path("roleRef").path("kind").asText()).isEqualTo("Role");
  }

  @Test
  void runsTwoReplicasWithAServiceAMonitorAndANetworkPolicy() {
    JsonNode deployment = only("Deployment");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(deployment.path("spec").path("template").path("spec").path("containers").get(0).path("args").toString())
        .contains("serve").contains("--leader-election");
    assertThat(only("Service").path("spec").path("ports").toString()).contains("8080");
    assertThat(only("ServiceMonitor").path("spec").path("endpoints").toString()).contains("/metrics");
    assertThat(objects()).anySatisfy(o -> assertThat(o.kind()).isEqualTo("NetworkPolicy"));
    JsonNode sa = objects().stream().filter(o -> o.kind().equals("ServiceAccount") && o.name().equals("server")).findFirst()
        .orElseThrow().body();
    assertThat(sa.path("automountServiceAccountToken").asBoolean()).as("it talks to the API: its token is mounted").isTrue();
    assertThat(deployment.path("spec").path("template").path("spec").path("automountServiceAccountToken").asBoolean()).isTrue();
  }
}
