package dev.slipway.engine.kyverno;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine features from Kyverno's documentation on variables, foreach, autogen and policy settings. */
class KyvernoEngineFeaturesTest {
  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 3
        template:
          metadata: {labels: {app: web}}
          spec:
            initContainers: [{name: init, image: "busybox"}]
            containers:
            - {name: app, image: "ghcr.io/acme/web:1.4@sha256:abc"}
            - {name: proxy, image: "envoyproxy/envoy:v1.29"}
      """;

  private static KyvernoPolicy policy(String rules, String annotations) {
    Diagnostics d = new Diagnostics();
    List<KyvernoPolicy> ps = PolicyLoader.load("""
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: p
          annotations: %s
        spec:
          rules:
        %s""".formatted(annotations, rules.indent(2)), "p.yaml", d);
    assertThat(d.list()).filteredOn(x -> x.severity() == Diagnostic.Severity.ERROR).isEmpty();
    return ps.get(0);
  }

  private static RuleResult only(KyvernoPolicy p, String resource) {
    List<RuleResult> rs = KyvernoEngine.apply(p, PatternMatcherTest.yaml(resource));
    assertThat(rs).hasSize(1);
    return rs.get(0);
  }

  @Test
  void imagesVariableDescribesEveryContainerOfThePodTemplate() {
    KyvernoPolicy p = policy("""
        - name: images
          match: {any: [{resources: {kinds: [Pod]}}]}
          validate:
            message: "{{ images.containers.app.registry }}/{{ images.containers.app.path }}@{{ images.containers.app.digest }} {{ images.containers.proxy.reference }} {{ images.initContainers.init.tag }}"
            deny: {}
        """, "{}");
    RuleResult r = only(p, DEPLOYMENT);
    assertThat(r.status()).isEqualTo(RuleResult.Status.FAIL);
    assertThat(r.message()).startsWith("ghcr.io/acme/web@sha256:abc docker.io/envoyproxy/envoy:v1.29 latest");
  }

  @Test
  void underAutogenRequestObjectIsTheControllerAndPodReferencesReadTheTemplate() {
    KyvernoPolicy p = policy("""
        - name: kind-and-labels
          match: {any: [{resources: {kinds: [Pod]}}]}
          validate:
            message: "{{ request.object.kind }} {{ request.object.metadata.labels.app }} {{ request.object.spec.containers[0].name }}"
            deny: {}
        """, "{}");
    assertThat(only(p, DEPLOYMENT).message()).startsWith("Deployment web app");
  }

  @Test
  void autogenControllersAnnotationLimitsTheControllers() {
    KyvernoPolicy p = policy("""
        - name: r
          match: {any: [{resources: {kinds: [Pod]}}]}
          validate: {deny: {}}
        """, "{pod-policies.kyverno.io/autogen-controllers: 'StatefulSet,CronJob'}");
    assertThat(KyvernoEngine.apply(p, PatternMatcherTest.yaml(DEPLOYMENT))).isEmpty();
  }

  @Test
  void elementScopeFalseMatchesThePatternAgainstTheWholeResource() {
    KyvernoPolicy p = policy("""
        - name: replicas-per-container
          match: {any: [{resources: {kinds: [Deployment]}}]}
          validate:
            foreach:
            - list: request.object.spec.template.spec.containers
              elementScope: false
              pattern:
                spec: {replicas: "<=2"}
        """, "{}");
    assertThat(only(p, DEPLOYMENT).status()).isEqualTo(RuleResult.Status.FAIL);
  }

  @Test
  void foreachContextAndNestedVariablesInJmesPathAndDefault() {
    KyvernoPolicy p = policy("""
        - name: limits
          match: {any: [{resources: {kinds: [Deployment]}}]}
          context:
          - name: allowed
            variable:
              value: {app: "ghcr.io/*", proxy: "quay.io/*"}
          validate:
            message: "{{ element.name }} image {{ element.image }} is not from {{ expected }}"
            foreach:
            - list: request.object.spec.template.spec.containers
              context:
              - name: expected
                variable:
                  jmesPath: allowed."{{ element.name }}"
                  default: "{{ to_upper('none') }}"
              deny:
                conditions:
                  all:
                  - {key: "{{ element.image }}", operator: NotEquals, value: "{{ expected }}"}
        """, "{}");
    RuleResult r = only(p, DEPLOYMENT);
    assertThat(r.status()).isEqualTo(RuleResult.Status.FAIL);
    assertThat(r.message()).startsWith("proxy image envoyproxy/envoy:v1.29 is not from quay.io/*");
  }

  @Test
  void unknownFunctionsAndUnsupportedRuleFormsAreNotEvaluated() {
    Diagnostics d = new Diagnostics();
    KyvernoPolicy p = PolicyLoader.load("""
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: p}
        spec:
          rules:
          - name: future-function
            match: {any: [{resources: {kinds: [Deployment]}}]}
            validate:
              deny: {conditions: {all: [{key: "{{ some_future_function(request.object) }}", operator: Equals, value: true}]}}
          - name: pss
            match: {any: [{resources: {kinds: [Deployment]}}]}
            validate: {podSecurity: {level: restricted, version: latest}}
        """, "p.yaml", d).get(0);
    assertThat(d.list()).extracting(Diagnostic::code).containsExactly("policy.unsupported-function");
    List<RuleResult> rs = KyvernoEngine.apply(p, PatternMatcherTest.yaml(DEPLOYMENT));
    assertThat(rs).extracting(RuleResult::status).containsOnly(RuleResult.Status.NOT_EVALUATED);
    assertThat(rs).extracting(RuleResult::message)
        .containsExactly("not evaluated: function some_future_function (not in Slipway's Kyverno function library)",
            "not evaluated: validate.podSecurity");
  }

  @Test
  void matchByUserWithoutUserInfoIsNotEvaluatedAndExcludeByUserDoesNotExclude() {
    KyvernoPolicy p = policy("""
        - name: for-admins
          match: {any: [{resources: {kinds: [Deployment]}, clusterRoles: [cluster-admin]}]}
          validate: {deny: {}}
        - name: except-admins
          match: {any: [{resources: {kinds: [Deployment]}}]}
          exclude: {any: [{clusterRoles: [cluster-admin]}]}
          validate: {deny: {}}
        """, "{}");
    JsonNode d = PatternMatcherTest.yaml(DEPLOYMENT);
    assertThat(KyvernoEngine.apply(p, d)).extracting(RuleResult::status)
        .containsExactly(RuleResult.Status.NOT_EVALUATED, RuleResult.Status.FAIL);
    var admin = new EvaluationInputs("CREATE", new EvaluationInputs.UserInfo("alice", List.of(), List.of(), List.of("cluster-admin")),
        null, EvaluationInputs.ValuesSource.NONE, List.of(), List.of(), java.time.Clock.systemUTC());
    assertThat(KyvernoEngine.apply(p, KyvernoEngine.subject(d), null, admin)).extracting(RuleResult::status)
        .containsExactly(RuleResult.Status.FAIL, RuleResult.Status.SKIP);
  }
}
