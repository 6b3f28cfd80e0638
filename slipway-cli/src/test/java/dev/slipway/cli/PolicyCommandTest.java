package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
  @TempDir
  Path tmp;

  @Test
  void runsKyvernoTestSuitesAndCountsResults() {
    CliRun r = CliRun.run("policy", "test", Path.of("..", "examples", "acme", "policies").toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("require-team-labels").contains("Deployment/unlabelled").containsPattern("(?m)^2 passed, 0 failed$");
  }

  @Test
  void exitsOneWhenAResultDiffersFromTheExpectation() throws Exception {
    Path suite = Files.createDirectories(tmp.resolve("suite"));
    Path src = Path.of("..", "examples", "acme", "policies");
    Files.copy(src.resolve("require-team-labels.yaml"), tmp.resolve("require-team-labels.yaml"));
    Files.copy(src.resolve("tests").resolve("resources.yaml"), suite.resolve("resources.yaml"));
    Files.writeString(suite.resolve("kyverno-test.yaml"), Files.readString(src.resolve("tests").resolve("kyverno-test.yaml"))
        .replace("resources: [unlabelled]\n  result: fail", "resources: [unlabelled]\n  result: pass"));
    CliRun r = CliRun.run("policy", "test", suite.toString(), "-o", "json");
    assertThat(r.exitCode()).isEqualTo(1);
    var json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("passed").asInt()).isEqualTo(1);
    assertThat(json.path("failed").asInt()).isEqualTo(1);
  }

  @Test
  void countsResultsItDidNotEvaluateApartAndExitsOne() throws Exception {
    Files.writeString(tmp.resolve("policy.yaml"), """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: labels}
        spec:
          rules:
          - name: add-team
            match: {any: [{resources: {kinds: [ConfigMap]}}]}
            mutate: {patchStrategicMerge: {metadata: {labels: {team: a}}}}
          - name: require-team
            match: {any: [{resources: {kinds: [ConfigMap]}}]}
            validate: {pattern: {metadata: {labels: {team: "?*"}}}}
        """);
    Files.writeString(tmp.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {team: a}}\n");
    Files.writeString(tmp.resolve("kyverno-test.yaml"), """
        name: labels
        policies: [policy.yaml]
        resources: [cm.yaml]
        results:
        - {policy: labels, rule: add-team, resources: [c], kind: ConfigMap, result: pass}
        - {policy: labels, rule: require-team, resources: [c], kind: ConfigMap, result: pass}
        """);
    CliRun r = CliRun.run("policy", "test", tmp.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("Not evaluated").contains("not evaluated: mutate rules")
        .containsPattern("(?m)^1 passed, 0 failed, 1 not evaluated$");
    var json = new ObjectMapper().readTree(CliRun.run("policy", "test", tmp.toString(), "-o", "json").out());
    assertThat(json.path("notEvaluated").asInt()).isEqualTo(1);
    assertThat(json.path("failed").asInt()).isZero();
  }

  @Test
  void checksManifestsAgainstPoliciesLikeKyvernoApply() throws Exception {
    Path manifest = tmp.resolve("pod.yaml");
    Files.writeString(manifest, """
        apiVersion: v1
        kind: Pod
        metadata: {name: root-pod}
        spec:
          containers:
          - name: app
            image: nginx:latest
        """);
    CliRun r = CliRun.run("policy", "check", "-p", "builtin:baseline", manifest.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("require-run-as-non-root").contains("Pod/root-pod").contains("fail");
  }

  @Test
  void reportsBrokenPoliciesWithPolicyRuleAndLineWithoutCrashing() throws Exception {
    Path policy = tmp.resolve("broken.yaml");
    Files.writeString(policy, """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: broken}
        spec:
          rules:
          - name: bad-operator
            match: {any: [{resources: {kinds: [Pod]}}]}
            validate:
              deny:
                conditions:
                  all:
                  - key: "{{ request.object.metadata.name }}"
                    operator: Equalz
                    value: x
        """);
    CliRun r = CliRun.run("policy", "check", "-p", policy.toString(), policy.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("broken.yaml:13:").contains("policy broken, rule bad-operator: unknown operator 'Equalz'")
        .doesNotContain("Exception");
  }

  @Test
  void reportsBrokenExpressionsAndMalformedPolicyFiles() throws Exception {
    Path jmes = tmp.resolve("jmes.yaml");
    Files.writeString(jmes, """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: broken-expression}
        spec:
          rules:
          - name: bad-jmespath
            match: {any: [{resources: {kinds: [Pod]}}]}
            validate:
              deny:
                conditions:
                  all:
                  - key: "{{ request.object.metadata.[name }}"
                    operator: Equals
                    value: x
        """);
    Path yaml = tmp.resolve("yaml.yaml");
    Files.writeString(yaml, "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x\n");
    CliRun r1 = CliRun.run("policy", "check", "-p", jmes.toString(), jmes.toString());
    CliRun r2 = CliRun.run("policy", "check", "-p", yaml.toString(), jmes.toString());
    assertThat(r1.exitCode()).isEqualTo(2);
    assertThat(r1.err()).contains("jmes.yaml:12:").contains("policy broken-expression, rule bad-jmespath: invalid JMESPath expression");
    assertThat(r2.exitCode()).isEqualTo(2);
    assertThat(r2.err()).contains("yaml.yaml:").contains("malformed YAML").doesNotContain("Exception");
  }

  @Test
  void reportsUnsupportedRuleTypesAsNotEvaluated() throws Exception {
    Path policy = tmp.resolve("mutate.yaml");
    Files.writeString(policy, """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: add-label}
        spec:
          rules:
          - name: add-label
            match: {any: [{resources: {kinds: [ConfigMap]}}]}
            mutate: {patchStrategicMerge: {metadata: {labels: {team: a}}}}
        """);
    Path cm = tmp.resolve("cm.yaml");
    Files.writeString(cm, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n");
    CliRun r = CliRun.run("policy", "check", "-p", policy.toString(), cm.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("not evaluated: mutate rules");
  }

  @Test
  void planFailsOnABrokenPlatformPolicyAndWritesNothing() throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    Files.writeString(dir.resolve("policies/require-team-labels.yaml"),
        Files.readString(dir.resolve("policies/require-team-labels.yaml")).replace("pattern:", "patern:\n        deny: {conditions: {all: [{key: a, operator: Bogus, value: b}]}}\n        pattern:"));
    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown operator 'Bogus'");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  /** A copy of the example's suite, with its kyverno-test.yaml edited by {@code edit}. */
  Path suite(java.util.function.UnaryOperator<String> edit) throws Exception {
    Path suite = Files.createDirectories(tmp.resolve("suite"));
    Path src = Path.of("..", "examples", "acme", "policies");
    Files.copy(src.resolve("require-team-labels.yaml"), tmp.resolve("require-team-labels.yaml"));
    Files.copy(src.resolve("tests").resolve("resources.yaml"), suite.resolve("resources.yaml"));
    Files.writeString(suite.resolve("kyverno-test.yaml"), edit.apply(Files.readString(src.resolve("tests").resolve("kyverno-test.yaml"))));
    return suite;
  }

  @Test
  void aSuiteWhosePolicyFileIsMissingFailsTheRunAndIsListed() throws Exception {
    Path suite = suite(t -> t.replace("../require-team-labels.yaml", "../no-such-policy.yaml"));
    CliRun r = CliRun.run("policy", "test", suite.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("broken suite").contains("no-such-policy.yaml: no such file").containsPattern("(?m)^0 passed, 2 failed$");
  }

  @Test
  void anUnparsableSuiteFailsTheRun() throws Exception {
    Path suite = suite(t -> t + "\n  : : [unbalanced\n");
    CliRun r = CliRun.run("policy", "test", suite.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("broken suite").containsPattern("(?m)^0 passed, 1 failed$");
  }

  @Test
  void aHarnessErrorNeverMatchesAnExpectedError() throws Exception {
    // The result expects "error" from a rule that does not exist: that must fail, not pass.
    Path suite = suite(t -> t.replace("resources: [unlabelled]\n  result: fail", "resources: [unlabelled]\n  result: error")
        .replaceFirst("rule: [a-z-]+", "rule: no-such-rule"));
    CliRun r = CliRun.run("policy", "test", suite.toString(), "-o", "json");
    assertThat(r.exitCode()).isEqualTo(1);
    var json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("failed").asInt()).isEqualTo(2);
    assertThat(json.path("results").get(0).path("actual").asText()).isEqualTo("harness error");
    assertThat(json.path("results").get(0).path("problem").asText()).contains("has no rule named no-such-rule");
  }

  @Test
  void aResultNamingAResourceThatIsNotInTheSuiteFails() throws Exception {
    Path suite = suite(t -> t.replace("resources: [unlabelled]", "resources: [ghost]"));
    CliRun r = CliRun.run("policy", "test", suite.toString(), "-o", "json");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("no Deployment named ghost in the suite's resource files");
  }
}
