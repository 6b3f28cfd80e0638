package dev.slipway.engine.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.kyverno.KyvernoPolicy;
import dev.slipway.engine.kyverno.PolicySources;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ApplicationSpec.Waiver;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests: each rule of the built-in baseline (Kyverno policies run by Slipway's engine)
 * against an object that passes and objects that fail it.
 */
class BaselineRulesTest {
  static final ObjectMapper YAML = new YAMLMapper();
  static final List<KyvernoPolicy> BASELINE = PolicySources.baseline();

  static final String GOOD = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 3
        template:
          metadata: {labels: {app: web}}
          spec:
            securityContext: {runAsNonRoot: true}
            containers:
            - name: web
              image: registry.example.com/web:1.2.3
              env: [{name: LOG_LEVEL, value: info}, {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: s, key: k}}}]
              resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 128Mi}}
              livenessProbe: {httpGet: {path: /, port: 8080}}
              readinessProbe: {httpGet: {path: /, port: 8080}}
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
      """;

  static final String PDB = """
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: {name: web, namespace: shop}
      spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
      """;

  static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static RenderedObject object(String yaml) {
    ObjectNode n = yaml(yaml);
    return new RenderedObject(n.path("apiVersion").asText(), n.path("kind").asText(), "shop",
        n.path("metadata").path("name").asText(), "web", 0, n);
  }

  static dev.slipway.model.spec.EnvironmentSpec env(boolean production, boolean mutableTags) {
    var policy = new dev.slipway.model.spec.EnvironmentSpec.PolicySettings(
        dev.slipway.model.spec.EnvironmentSpec.Enforcement.ENFORCE, List.of("registry.example.com"), mutableTags);
    return new dev.slipway.model.spec.EnvironmentSpec("prod", Position.NONE, production, null, null, "{app}", policy, List.of(),
        null, null, false, null);
  }

  static List<PolicyFinding> findings(List<RenderedObject> objects, dev.slipway.model.spec.EnvironmentSpec env,
      List<Waiver> waivers) {
    return PolicyStep.evaluate(BASELINE, env, objects, waivers, x -> "f.yaml");
  }

  static List<PolicyFinding> failures(String objectYaml, boolean production, String... siblings) {
    RenderedObject o = object(objectYaml);
    List<RenderedObject> all = new java.util.ArrayList<>(Stream.of(siblings).map(BaselineRulesTest::object).toList());
    all.add(o);
    return findings(all, env(production, false), List.of()).stream()
        .filter(f -> f.outcome() == PolicyFinding.Outcome.FAIL && f.objectRef().equals(o.ref())).toList();
  }

  @Test
  void passesAHardenedProductionDeployment() {
    assertThat(failures(GOOD, true, PDB)).isEmpty();
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        Arguments.of("runAsNonRoot missing", GOOD.replace("securityContext: {runAsNonRoot: true}", "securityContext: {}"), "require-run-as-non-root"),
        Arguments.of("runs as uid 0", GOOD.replace("{runAsNonRoot: true}", "{runAsNonRoot: true, runAsUser: 0}"), "require-run-as-non-root"),
        Arguments.of("writable root filesystem", GOOD.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"), "require-ro-rootfs"),
        Arguments.of("privilege escalation", GOOD.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true"), "disallow-privilege-escalation"),
        Arguments.of("capabilities kept", GOOD.replace("drop: [ALL]", "drop: [NET_RAW]"), "require-drop-all"),
        Arguments.of("no readiness probe", GOOD.replace("readinessProbe: {httpGet: {path: /, port: 8080}}", ""), "require-probes"),
        Arguments.of("no memory limit", GOOD.replace(", limits: {cpu: 200m, memory: 128Mi}", ""), "require-requests-limits"),
        Arguments.of("latest tag", GOOD.replace("web:1.2.3", "web:latest"), "disallow-latest-tag"),
        Arguments.of("untagged image", GOOD.replace("web:1.2.3", "web"), "disallow-latest-tag"),
        Arguments.of("foreign registry", GOOD.replace("registry.example.com/web", "docker.io/someone/web"), "restrict-image-registries"),
        Arguments.of("Docker Hub short name", GOOD.replace("registry.example.com/web", "nginx"), "restrict-image-registries"),
        Arguments.of("one replica in prod", GOOD.replace("replicas: 3", "replicas: 1"), "require-min-replicas-prod"),
        Arguments.of("password literal", GOOD.replace("{name: LOG_LEVEL, value: info}", "{name: DB_PASSWORD, value: hunter22}"), "disallow-secrets-in-env"),
        Arguments.of("AWS key literal", GOOD.replace("{name: LOG_LEVEL, value: info}", "{name: CONFIG, value: AKIAABCDEFGHIJKLMNOP}"), "disallow-secrets-in-env"),
        Arguments.of("credentials in URL", GOOD.replace("{name: LOG_LEVEL, value: info}", "{name: DB_URL, value: 'postgres://app:pw@db/app'}"), "disallow-secrets-in-env"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void flagsEachViolation(String name, String yaml, String rule) {
    assertThat(failures(yaml, true, PDB)).extracting(PolicyFinding::rule).containsExactly(rule);
  }

  @Test
  void requiresAPodDisruptionBudgetInProduction() {
    assertThat(failures(GOOD, true)).extracting(PolicyFinding::rule).containsExactly("require-pdb-prod");
    assertThat(failures(GOOD, false)).isEmpty();
  }

  @Test
  void countsAutoscalerMinimumAsReplicas() {
    String hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
        + "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 1, maxReplicas: 5}\n";
    assertThat(failures(GOOD, true, PDB, hpa)).extracting(PolicyFinding::rule).containsExactly("require-min-replicas-prod");
  }

  @Test
  void rejectsNodePortAndPlainHttpOnlyInProduction() {
    String svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}\n";
    String ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: [{host: a.example}]}\n";
    assertThat(failures(svc, true)).extracting(PolicyFinding::rule).containsExactly("restrict-service-type-prod");
    assertThat(failures(ing, true)).extracting(PolicyFinding::rule).containsExactly("require-ingress-tls-prod");
    assertThat(failures(svc, false)).isEmpty();
    assertThat(failures(ing, false)).isEmpty();
  }

  @Test
  void appliesPodRulesToCronJobTemplates() {
    String cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: web}\nspec:\n  schedule: '0 1 * * *'\n"
        + "  jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: 'registry.example.com/c:1', "
        + "resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 1Mi}}}]}}}}\n";
    assertThat(failures(cron, false)).extracting(PolicyFinding::rule)
        .containsExactlyInAnyOrder("require-run-as-non-root", "require-ro-rootfs", "disallow-privilege-escalation", "require-drop-all");
  }

  @Test
  void neverPrintsTheSecretValue() {
    var f = failures(GOOD.replace("{name: LOG_LEVEL, value: info}", "{name: API_TOKEN, value: s3cr3t-value}"), true, PDB);
    assertThat(f).singleElement().satisfies(x -> assertThat(x.message()).doesNotContain("s3cr3t-value"));
  }

  @Test
  void waiverTurnsAFailureIntoAWaivedFindingWithItsReason() {
    RenderedObject o = object(GOOD.replace("readinessProbe: {httpGet: {path: /, port: 8080}}", ""));
    Waiver w = new Waiver("require-probes", "no endpoint yet", List.of("web"), List.of(), Position.NONE);
    List<PolicyFinding> fs = findings(List.of(o), env(false, false), List.of(w));
    assertThat(fs).filteredOn(f -> f.rule().equals("require-probes")).singleElement().satisfies(f -> {
      assertThat(f.outcome()).isEqualTo(PolicyFinding.Outcome.WAIVED);
      assertThat(f.waiver()).isEqualTo("no endpoint yet");
    });
  }

  @Test
  void toleratesMutableTagsWhereTheEnvironmentAllowsThem() {
    RenderedObject o = object(GOOD.replace("web:1.2.3", "web:latest"));
    assertThat(findings(List.of(o), env(false, true), List.of())).noneMatch(f -> f.outcome() == PolicyFinding.Outcome.FAIL);
  }

  @Test
  void normalisesImageReferences() {
    assertThat(Images.parse("nginx").repository()).isEqualTo("docker.io/library/nginx");
    assertThat(Images.parse("nginxinc/nginx-unprivileged:1.27").repository()).isEqualTo("docker.io/nginxinc/nginx-unprivileged");
    assertThat(Images.parse("localhost:5000/app:1").registry()).isEqualTo("localhost:5000");
    assertThat(Images.parse("r.example.com/a/b@sha256:abc").digest()).isEqualTo("sha256:abc");
    assertThat(Images.parse("docker.io/library/postgres:16-alpine").isFrom("docker.io/library")).isTrue();
    assertThat(Images.parse("docker.io/library/postgres:16").isFrom("docker.io/lib")).isFalse();
  }
}
