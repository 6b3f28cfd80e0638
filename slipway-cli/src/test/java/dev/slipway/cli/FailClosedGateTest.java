package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gates fail closed: in an environment that enforces, a rule that cannot be evaluated, or that
 * Slipway does not evaluate, blocks plan and sync like a failure unless waived in writing; in an
 * environment that warns it is reported.
 */
class FailClosedGateTest {
  @TempDir
  Path tmp;

  /** The example with one more Enforce policy whose rule needs the cluster (an API call): it cannot be evaluated offline. */
  Path platformWithUnevaluableRule(String ruleBody) throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    Files.writeString(dir.resolve("policies/needs-cluster.yaml"), """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: needs-cluster}
        spec:
          validationFailureAction: Enforce
          rules:
          - name: check-quota
            match:
              any:
              - resources: {kinds: [Deployment]}
        """ + ruleBody);
    Path platform = dir.resolve("slipway.yaml");
    Files.writeString(platform, Files.readString(platform).replace("policies/require-team-labels.yaml]",
        "policies/require-team-labels.yaml, policies/needs-cluster.yaml]"));
    return dir;
  }

  static final String API_CALL = """
            context:
            - name: quota
              apiCall: {urlPath: "/api/v1/namespaces/{{ request.namespace }}/resourcequotas", jmesPath: "items | length(@)"}
            validate:
              message: "namespaces need a quota"
              deny:
                conditions:
                  any:
                  - {key: "{{ quota }}", operator: Equals, value: 0}
        """;

  static final String MUTATE = """
            mutate:
              patchStrategicMerge:
                metadata:
                  labels: {team: platform}
        """;

  @Test
  void aRuleThatCannotBeEvaluatedBlocksAnEnforcingEnvironmentAndIsReportedElsewhere() throws Exception {
    Path dir = platformWithUnevaluableRule(API_CALL);
    CliRun prod = CliRun.run("plan", dir.toString(), "--env", "prod", "--no-write");
    assertThat(prod.exitCode()).as(prod.out() + prod.err()).isEqualTo(1);
    assertThat(prod.out() + prod.err()).containsAnyOf("rule could not be evaluated", "not evaluated").contains("fails closed");
    CliRun dev = CliRun.run("plan", dir.toString(), "--env", "dev", "--no-write");
    assertThat(dev.exitCode()).as(dev.out() + dev.err()).isZero();
    assertThat(dev.out() + dev.err()).containsAnyOf("rule could not be evaluated", "not evaluated").doesNotContain("fails closed");
  }

  @Test
  void aRuleTypeSlipwayDoesNotEvaluateBlocksAnEnforcingEnvironment() throws Exception {
    Path dir = platformWithUnevaluableRule(MUTATE);
    CliRun prod = CliRun.run("plan", dir.toString(), "--env", "prod", "--no-write");
    assertThat(prod.exitCode()).as(prod.out() + prod.err()).isEqualTo(1);
    assertThat(prod.out() + prod.err()).contains("not evaluated");
  }

  @Test
  void aWrittenWaiverAcceptsARuleThatCannotBeEvaluated() throws Exception {
    Path dir = platformWithUnevaluableRule(API_CALL);
    for (String app : java.util.List.of("hello-world", "proyecto06", "flask-otel-app")) {
      Path f = dir.resolve("apps").resolve(app).resolve("app.yaml");
      String s = Files.readString(f);
      Files.writeString(f, s.replaceFirst("(?m)^  components:", "  waivers:\n  - rule: check-quota\n    reason: quotas are checked by the"
          + " cluster's admission controller\n  components:"));
    }
    CliRun prod = CliRun.run("plan", dir.toString(), "--env", "prod", "--no-write");
    assertThat(prod.exitCode()).as(prod.out() + prod.err()).isZero();
  }

  @Test
  void syncRefusesABlockedEnvironmentBeforeTouchingTheCluster() throws Exception {
    Path dir = platformWithUnevaluableRule(API_CALL);
    CliRun sync = CliRun.run("sync", dir.toString(), "--env", "prod", "--kubeconfig", tmp.resolve("none").toString());
    assertThat(sync.exitCode()).isEqualTo(1);
    assertThat(sync.err()).contains("is blocked").contains("Nothing was applied");
  }
}
