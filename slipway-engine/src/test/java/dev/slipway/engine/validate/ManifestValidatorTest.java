package dev.slipway.engine.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.validate.ManifestValidator.Options;
import dev.slipway.engine.validate.ManifestValidator.Status;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ManifestValidatorTest {
  static final ManifestValidator STRICT = new ManifestValidator(Options.RENDERED);
  static final ManifestValidator LAX = new ManifestValidator(new Options(false, List.of(), false, Set.of(), Set.of(), null));

  static JsonNode yaml(String s) {
    try {
      return new YAMLMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: web
              image: nginx:1.27
              ports: [{containerPort: 80}]
              resources: {requests: {cpu: 100m, memory: 64Mi}}
              livenessProbe: {httpGet: {path: /, port: http}}
      """;

  @Test
  void acceptsAWellFormedDeployment() {
    assertThat(STRICT.validate(yaml(DEPLOYMENT)).status()).isEqualTo(Status.VALID);
  }

  @Test
  void reportsWrongTypesWithTheirPointer() {
    var r = STRICT.validate(yaml(DEPLOYMENT.replace("replicas: 2", "replicas: two")));
    assertThat(r.status()).isEqualTo(Status.INVALID);
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.pointer()).isEqualTo("/spec/replicas");
      assertThat(p.fieldPath()).isEqualTo("spec.replicas");
      assertThat(p.message()).contains("expected an integer");
    });
  }

  @Test
  void rejectsUnknownFieldsOnlyInStrictMode() {
    JsonNode n = yaml(DEPLOYMENT.replace("image: nginx:1.27", "image: nginx:1.27\n        imagePullPolicyy: Always"));
    assertThat(STRICT.validate(n).problems()).extracting(Problem::fieldPath)
        .containsExactly("spec.template.spec.containers[0].imagePullPolicyy");
    assertThat(LAX.validate(n).status()).isEqualTo(Status.VALID);
  }

  @Test
  void rejectsInvalidQuantities() {
    var r = STRICT.validate(yaml(DEPLOYMENT.replace("cpu: 100m", "cpu: lots")));
    assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("not a valid quantity"));
  }

  @Test
  void acceptsIntOrStringPortsAndNulls() {
    assertThat(STRICT.validate(yaml(DEPLOYMENT.replace("metadata: {name: web}", "metadata: {name: web, labels: null}"))).status())
        .isEqualTo(Status.VALID);
  }

  @Test
  void validatesAddOnKindsAgainstBundledSchemas() {
    String es = """
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata: {name: s}
        spec:
          refreshInterval: 15s
          secretStoreRef: {name: aws, kind: SecretStore}
          target: {name: s, creationPolicy: Owner}
          data: [{secretKey: A, remoteRef: {key: k}}]
        """;
    assertThat(STRICT.validate(yaml(es)).status()).isEqualTo(Status.VALID);
    var bad = STRICT.validate(yaml(es.replace("creationPolicy: Owner", "creationPolicy: Own").replace("remoteRef: {key: k}", "remoteRef: {kee: k}")));
    assertThat(bad.status()).isEqualTo(Status.INVALID);
    assertThat(bad.problems()).extracting(Problem::pointer).contains("/spec/target/creationPolicy", "/spec/data/0/remoteRef");
  }

  @Test
  void reportsMissingKindAndUnknownCustomResources() {
    assertThat(STRICT.validate(yaml("apiVersion: v1\nmetadata: {name: x}\n")).problems())
        .singleElement().satisfies(p -> assertThat(p.message()).contains("missing 'kind' key"));
    var r = STRICT.validate(yaml("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n"));
    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.problems().get(0).message()).contains("could not find schema for Widget");
  }

  @Test
  void skipsAndRejectsByKindOrVersionedKind() {
    var skip = new ManifestValidator(new Options(false, List.of(), false, Set.of("apps/v1/Deployment"), Set.of(), null));
    var reject = new ManifestValidator(new Options(false, List.of(), false, Set.of(), Set.of("Deployment"), null));
    var otherVersion = new ManifestValidator(new Options(false, List.of(), false, Set.of("apps/v2/Deployment"), Set.of(), null));
    assertThat(skip.validate(yaml(DEPLOYMENT)).status()).isEqualTo(Status.SKIPPED);
    assertThat(reject.validate(yaml(DEPLOYMENT)).status()).isEqualTo(Status.INVALID);
    assertThat(otherVersion.validate(yaml(DEPLOYMENT)).status()).isEqualTo(Status.VALID);
  }
}
