package dev.slipway.engine.kyverno;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kyverno test} suites with values and userinfo files, written from Kyverno's
 * documentation of the test command, in the older plain shape and the newer
 * {@code cli.kyverno.io/v1alpha1} kinds. Each suite states its expected results; the runner must
 * agree with all of them.
 */
class KyvernoTestInputsTest {
  @TempDir
  Path dir;

  private Map<String, String> run(Map<String, String> files) throws Exception {
    for (var f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
    KyvernoTestRunner.Report report = KyvernoTestRunner.run(dir);
    assertThat(report.diagnostics().hasErrors()).as(report.diagnostics().list().toString()).isFalse();
    return report.cases().stream().collect(Collectors.toMap(c -> c.rule() + "/" + c.resource(),
        c -> c.actual() + (c.agrees() ? "" : " (expected " + c.expected() + ": " + c.message() + ")"), (a, b) -> a + "; " + b));
  }

  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: %s, namespace: %s}
      spec:
        containers:
        - {name: app, image: %s}
      """;

  @Test
  void valuesMockAConfigMapPerRuleAndSetTheOperationGloballyAndPerResource() throws Exception {
    var results = run(Map.of("policy.yaml", """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: registries}
        spec:
          rules:
          - name: allowed-registry
            match: {any: [{resources: {kinds: [Pod]}}]}
            context:
            - name: allowed
              configMap: {name: registries, namespace: platform}
            validate:
              message: "{{ images.containers.app.registry }} is not allowed"
              deny:
                conditions:
                  all:
                  - key: "{{ images.containers.app.registry }}"
                    operator: AnyNotIn
                    value: "{{ allowed.data.registries | split(@, ',') }}"
          - name: no-updates
            match: {any: [{resources: {kinds: [Pod], operations: [UPDATE]}}]}
            validate:
              deny: {}
        """, "resources.yaml", POD.formatted("good", "default", "ghcr.io/acme/app:1") + "---\n"
            + POD.formatted("bad", "default", "nginx:1.25") + "---\n" + POD.formatted("changed", "default", "ghcr.io/acme/app:1"),
        "values.yaml", """
        policies:
        - name: registries
          rules:
          - name: allowed-registry
            values:
              allowed.data.registries: "ghcr.io,quay.io"
          resources:
          - name: changed
            values:
              request.operation: UPDATE
        """, "kyverno-test.yaml", """
        name: registries
        policies: [policy.yaml]
        resources: [resources.yaml]
        variables: values.yaml
        results:
        - {policy: registries, rule: allowed-registry, resources: [good, changed], kind: Pod, result: pass}
        - {policy: registries, rule: allowed-registry, resources: [bad], kind: Pod, result: fail}
        - {policy: registries, rule: no-updates, resources: [changed], kind: Pod, result: fail}
        """));
    assertThat(results).containsEntry("allowed-registry/good", "pass").containsEntry("allowed-registry/changed", "pass")
        .containsEntry("allowed-registry/bad", "fail").containsEntry("no-updates/changed", "fail");
  }

  @Test
  void newerShapeWithUserInfoNamespaceLabelsAndGlobalValues() throws Exception {
    var results = run(Map.of("policy.yaml", """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: guard}
        spec:
          rules:
          - name: admins-only-in-prod
            match:
              any:
              - resources:
                  kinds: [Pod]
                  namespaceSelector: {matchLabels: {env: prod}}
            exclude:
              any:
              - clusterRoles: [cluster-admin]
            validate:
              message: "only admins deploy to production, not {{ request.userInfo.username }}"
              deny: {}
          - name: service-accounts
            match:
              any:
              - resources: {kinds: [Pod]}
                subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
            validate:
              deny:
                conditions:
                  all:
                  - {key: "{{ serviceAccountName }}", operator: Equals, value: deployer}
                  - {key: "{{ request.operation }}", operator: Equals, value: DELETE}
        """, "resources.yaml", POD.formatted("web", "shop-prod", "nginx:1") + "---\n" + POD.formatted("tool", "dev", "nginx:1"),
        "values.yaml", """
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Values
        metadata: {name: values}
        globalValues:
          request.operation: DELETE
        namespaceSelector:
        - name: shop-prod
          labels: {env: prod}
        """, "user.yaml", """
        apiVersion: cli.kyverno.io/v1alpha1
        kind: UserInfo
        metadata: {name: user}
        userInfo:
          username: system:serviceaccount:ci:deployer
          groups: [system:serviceaccounts]
        clusterRoles: [edit]
        """, "kyverno-test.yaml", """
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Test
        metadata: {name: guard}
        policies: [policy.yaml]
        resources: [resources.yaml]
        variables: values.yaml
        userinfo: user.yaml
        results:
        - {policy: guard, rule: admins-only-in-prod, resources: [web], kind: Pod, result: fail}
        - {policy: guard, rule: service-accounts, resources: [web, tool], kind: Pod, result: fail}
        """));
    assertThat(results).containsEntry("admins-only-in-prod/web", "fail").containsEntry("service-accounts/web", "fail")
        .containsEntry("service-accounts/tool", "fail");
  }

  @Test
  void foreachContextReadsPerElementValuesAndAllSkippedElementsSkipTheRule() throws Exception {
    var results = run(Map.of("policy.yaml", """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: image-check
          annotations: {policies.kyverno.io/scored: "false"}
        spec:
          rules:
          - name: trusted
            match: {any: [{resources: {kinds: [Pod]}}]}
            validate:
              message: "{{ element.image }} is not trusted"
              foreach:
              - list: request.object.spec.containers
                context:
                - name: scan
                  apiCall: {urlPath: "/scans/{{ element.name }}"}
                preconditions:
                  all:
                  - {key: "{{ element.image }}", operator: NotEquals, value: "skip/*"}
                deny:
                  conditions:
                    all:
                    - {key: "{{ scan.trusted }}", operator: Equals, value: false}
          - name: trusted-each
            match: {any: [{resources: {kinds: [Pod]}}]}
            validate:
              message: "{{ element.image }} is not trusted"
              foreach:
              - list: request.object.spec.containers
                context:
                - name: scan
                  apiCall: {urlPath: "/scans/{{ element.name }}"}
                preconditions:
                  all:
                  - {key: "{{ element.image }}", operator: NotEquals, value: "skip/*"}
                deny:
                  conditions:
                    all:
                    - {key: "{{ scan.trusted }}", operator: Equals, value: false}
        """, "resources.yaml", POD.formatted("ok", "default", "ghcr.io/a:1") + "---\n" + POD.formatted("risky", "default", "ghcr.io/b:1")
            + "---\n" + POD.formatted("skipped", "default", "skip/c:1") + "---\n" + """
            apiVersion: v1
            kind: Pod
            metadata: {name: pair}
            spec:
              containers: [{name: a, image: "ghcr.io/a:1"}, {name: b, image: "ghcr.io/b:1"}]
            """,
        "values.yaml", """
        policies:
        - name: image-check
          rules:
          - name: trusted-each
            foreachValues:
              scan: [{trusted: true}, {trusted: false}]
          resources:
          - name: ok
            values:
              scan.trusted: true
          - name: risky
            values:
              scan.trusted: false
        """, "kyverno-test.yaml", """
        name: image-check
        policies: [policy.yaml]
        resources: [resources.yaml]
        variables: values.yaml
        results:
        - {policy: image-check, rule: trusted, resources: [ok], kind: Pod, result: pass}
        - {policy: image-check, rule: trusted, resources: [risky], kind: Pod, result: warn}
        - {policy: image-check, rule: trusted, resources: [skipped], kind: Pod, result: skip}
        - {policy: image-check, rule: trusted-each, resources: [pair], kind: Pod, result: warn}
        - {policy: image-check, rule: trusted-each, resources: [ok], kind: Pod, result: pass}
        """));
    // A failure of a policy that is not scored is a warning; an element skipped by preconditions
    // leaves nothing applied, so the rule is skipped.
    assertThat(results).containsEntry("trusted/ok", "pass").containsEntry("trusted/risky", "warn")
        .containsEntry("trusted/skipped", "skip").containsEntry("trusted-each/pair", "warn").containsEntry("trusted-each/ok", "pass");
  }

  @Test
  void autogenResultNamesAndControllersWithoutTemplates() throws Exception {
    var results = run(Map.of("policy.yaml", """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: no-latest}
        spec:
          rules:
          - name: tag
            match: {any: [{resources: {kinds: [Pod]}}]}
            preconditions:
              all:
              - {key: "{{ request.object.kind }}", operator: AnyIn, value: [Deployment, CronJob, Pod]}
            validate:
              message: "{{ request.object.metadata.labels.app }} uses latest"
              pattern:
                spec:
                  containers:
                  - image: "!*:latest"
        """, "resources.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: "nginx:latest"}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 0 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: c, image: "busybox:1.36"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: hollow}
        spec: {replicas: 1}
        """, "kyverno-test.yaml", """
        name: no-latest
        policies: [policy.yaml]
        resources: [resources.yaml]
        results:
        - {policy: no-latest, rule: autogen-tag, resources: [web], kind: Deployment, result: fail}
        - {policy: no-latest, rule: autogen-cronjob-tag, resources: [nightly], kind: CronJob, result: pass}
        - {policy: no-latest, rule: autogen-tag, resources: [hollow], kind: Deployment, result: fail}
        """));
    assertThat(results).containsEntry("autogen-tag/web", "fail").containsEntry("autogen-cronjob-tag/nightly", "pass")
        .containsEntry("autogen-tag/hollow", "fail");
  }

  @Test
  void unsupportedFeaturesAreNotEvaluatedNeverPassed() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: mixed}
        spec:
          rules:
          - name: add-label
            match: {any: [{resources: {kinds: [Pod]}}]}
            mutate: {patchStrategicMerge: {metadata: {labels: {team: a}}}}
          - name: remote
            match: {any: [{resources: {kinds: [Pod]}}]}
            context:
            - {name: quota, apiCall: {urlPath: /api/v1/resourcequotas}}
            validate:
              deny: {conditions: {all: [{key: "{{ quota.items | length(@) }}", operator: Equals, value: 0}]}}
          - name: by-user
            match: {any: [{resources: {kinds: [Pod]}, clusterRoles: [admin]}]}
            validate: {deny: {}}
        """);
    Files.writeString(dir.resolve("resources.yaml"), POD.formatted("p", "default", "nginx:1"));
    Files.writeString(dir.resolve("kyverno-test.yaml"), """
        name: mixed
        policies: [policy.yaml]
        resources: [resources.yaml]
        results:
        - {policy: mixed, rule: add-label, resources: [p], kind: Pod, result: pass}
        - {policy: mixed, rule: remote, resources: [p], kind: Pod, result: pass}
        - {policy: mixed, rule: by-user, resources: [p], kind: Pod, result: fail}
        """);
    KyvernoTestRunner.Report report = KyvernoTestRunner.run(dir);
    // by-user: without a userinfo file Kyverno's CLI drops the user part of the filter.
    assertThat(report.passed()).isEqualTo(1);
    assertThat(report.failed()).isZero();
    assertThat(report.notEvaluated()).isEqualTo(2);
    assertThat(report.cases()).filteredOn(c -> !c.agrees()).extracting(KyvernoTestRunner.Case::message)
        .allMatch(m -> m.startsWith("not evaluated: "));
  }

  /** The first example of Kyverno's test command documentation: a match by cluster role, no userinfo file. */
  @Test
  void documentationExampleMatchByClusterRoleWithoutUserInfo() throws Exception {
    var results = run(Map.of("disallow_latest_tag.yaml", """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: disallow-latest-tag
        spec:
          validationFailureAction: Audit
          rules:
          - name: require-image-tag
            match:
              any:
              - resources:
                  kinds:
                  - Pod
                clusterRoles:
                - cluster-admin
            validate:
              message: "An image tag is required."
              pattern:
                spec:
                  containers:
                  - image: "*:*"
          - name: validate-image-tag
            match:
              any:
              - resources:
                  kinds:
                  - Pod
            validate:
              message: "Using a mutable image tag e.g. 'latest' is not allowed."
              pattern:
                spec:
                  containers:
                  - image: "!*:latest"
        """, "resource.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: myapp-pod
          labels:
            app: myapp
        spec:
          containers:
          - name: nginx
            image: nginx:1.12
        """, "kyverno-test.yaml", """
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Test
        metadata:
          name: disallow_latest_tag
        policies:
          - disallow_latest_tag.yaml
        resources:
          - resource.yaml
        results:
          - policy: disallow-latest-tag
            rule: require-image-tag
            resource: myapp-pod
            kind: Pod
            result: pass
          - policy: disallow-latest-tag
            rule: validate-image-tag
            resource: myapp-pod
            kind: Pod
            result: pass
        """));
    assertThat(results).containsEntry("require-image-tag/myapp-pod", "pass").containsEntry("validate-image-tag/myapp-pod", "pass");
  }

  /** The PolicyException example of Kyverno's test command documentation. */
  @Test
  void documentationExamplePolicyException() throws Exception {
    String deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
          labels:
            app: busybox
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: busybox
          template:
            metadata:
              labels:
                app: busybox
            spec:
              hostIPC: true
              containers:
              - image: busybox:1.35
                name: busybox
                command: ["sleep", "1d"]
        """;
    var results = run(Map.of("disallow-host-namespace.yaml", """
        apiVersion: kyverno.io/v2beta1
        kind: ClusterPolicy
        metadata:
          name: disallow-host-namespaces
        spec:
          validationFailureAction: Enforce
          background: false
          rules:
            - name: host-namespaces
              match:
                any:
                - resources:
                    kinds:
                      - Pod
              validate:
                message: >-
                  Sharing the host namespaces is disallowed.
                pattern:
                  spec:
                    =(hostPID): "false"
                    =(hostIPC): "false"
                    =(hostNetwork): "false"
        """, "delta-exception.yaml", """
        apiVersion: kyverno.io/v2beta1
        kind: PolicyException
        metadata:
          name: delta-exception
          namespace: delta
        spec:
          exceptions:
          - policyName: disallow-host-namespaces
            ruleNames:
            - host-namespaces
            - autogen-host-namespaces
          match:
            any:
            - resources:
                kinds:
                - Pod
                - Deployment
                namespaces:
                - delta
                names:
                - important-tool*
        """, "resource.yaml", deployment.formatted("important-tool", "delta") + "---\n" + deployment.formatted("not-important", "gamma"),
        "kyverno-test.yaml", """
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Test
        metadata:
          name: disallow-host-namespaces-test-exception
        policies:
        - disallow-host-namespace.yaml
        resources:
        - resource.yaml
        exceptions:
        - delta-exception.yaml
        results:
          - kind: Deployment
            policy: disallow-host-namespaces
            resources:
            - important-tool
            rule: host-namespaces
            result: skip
          - kind: Deployment
            policy: disallow-host-namespaces
            resources:
            - not-important
            rule: host-namespaces
            result: fail
        """));
    assertThat(results).containsEntry("host-namespaces/important-tool", "skip").containsEntry("host-namespaces/not-important", "fail");
  }

  @Test
  void listValuesWrittenAsJsonStrings() throws Exception {
    var results = run(Map.of("policy.yaml", """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: exclude-namespaces-example}
        spec:
          rules:
          - name: exclude-namespaces-dynamically
            match: {any: [{resources: {kinds: [Pod]}}]}
            context:
            - name: namespacefilters
              configMap: {name: namespace-filters, namespace: default}
            preconditions:
              all:
              - {key: "{{ request.object.metadata.namespace }}", operator: AnyNotIn, value: "{{ namespacefilters.data.exclude }}"}
            validate:
              deny: {}
        """, "resources.yaml", POD.formatted("in-tenant", "tenant-admin", "nginx:1") + "---\n" + POD.formatted("elsewhere", "apps", "nginx:1"),
        "values.yaml", """
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Values
        metadata: {name: values}
        policies:
        - name: exclude-namespaces-example
          rules:
          - name: exclude-namespaces-dynamically
            values:
              namespacefilters.data.exclude: "[\\"cluster-admin\\", \\"cluster-operator\\", \\"tenant-admin\\"]"
        """, "kyverno-test.yaml", """
        name: t
        policies: [policy.yaml]
        resources: [resources.yaml]
        variables: values.yaml
        results:
        - {policy: exclude-namespaces-example, rule: exclude-namespaces-dynamically, resources: [in-tenant], kind: Pod, result: skip}
        - {policy: exclude-namespaces-example, rule: exclude-namespaces-dynamically, resources: [elsewhere], kind: Pod, result: fail}
        """));
    assertThat(results).containsEntry("exclude-namespaces-dynamically/in-tenant", "skip")
        .containsEntry("exclude-namespaces-dynamically/elsewhere", "fail");
  }

  @Test
  void subresourceKindsMatchTheKindTheyCarry() throws Exception {
    KyvernoPolicy policy = PolicyLoader.load("""
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: scale}
        spec:
          rules:
          - name: max-replicas
            match: {any: [{resources: {kinds: [Deployment/scale]}}]}
            validate: {pattern: {spec: {replicas: "<=5"}}}
          - name: no-exec
            match: {any: [{resources: {kinds: [Pod/exec]}}]}
            validate: {deny: {}}
        """, "p.yaml", new dev.slipway.model.Diagnostics()).get(0);
    var scale = PatternMatcherTest.yaml("apiVersion: autoscaling/v1\nkind: Scale\nmetadata: {name: web}\nspec: {replicas: 9}");
    var pod = PatternMatcherTest.yaml(POD.formatted("p", "default", "nginx"));
    assertThat(KyvernoEngine.apply(policy, scale)).extracting(RuleResult::rule, RuleResult::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("max-replicas", RuleResult.Status.FAIL));
    assertThat(KyvernoEngine.apply(policy, pod)).isEmpty();
    assertThat(List.of()).isEmpty();
  }
}
