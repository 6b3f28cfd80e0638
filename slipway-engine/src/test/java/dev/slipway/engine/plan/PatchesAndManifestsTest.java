package dev.slipway.engine.plan;

import static dev.slipway.engine.plan.EscapeHatchesTest.WEB;
import static dev.slipway.engine.plan.EscapeHatchesTest.app;
import static dev.slipway.engine.plan.EscapeHatchesTest.errors;
import static dev.slipway.engine.plan.EscapeHatchesTest.object;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.render.ArgoSyncWave;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.Diagnostic;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Patches change the rendered objects before validation and policy; extra manifests join the application in a wave of their own. */
class PatchesAndManifestsTest {
  @TempDir
  Path dir;

  Plan plan(String components, String... files) throws IOException {
    EscapeHatchesTest t = new EscapeHatchesTest();
    t.dir = dir;
    return t.plan(components, files);
  }

  @Test
  void jsonAndMergePatchesChangeTheTargetedObjects() throws IOException {
    Plan p = plan(WEB + """
          patches:
          - target: {kind: Deployment, name: web}
            patch:
            - {op: test, path: /spec/revisionHistoryLimit, value: 5}
            - {op: replace, path: /spec/revisionHistoryLimit, value: 2}
            - {op: add, path: /spec/template/spec/containers/0/env, value: [{name: GOMAXPROCS, value: "2"}]}
          - target: {kind: Service}
            merge: {metadata: {annotations: {example.com/owner: storefront}}}
        """);
    assertThat(errors(p)).isEmpty();
    ApplicationPlan a = app(p, "dev");
    RenderedObject d = object(a, "Deployment", "web");
    assertThat(d.body().path("spec").path("revisionHistoryLimit").asInt()).isEqualTo(2);
    assertThat(d.body().path("spec").path("template").path("spec").path("containers").get(0).path("env").get(0).path("name").asText())
        .isEqualTo("GOMAXPROCS");
    assertThat(object(a, "Service", "web").body().path("metadata").path("annotations").path("example.com/owner").asText())
        .isEqualTo("storefront");
    assertThat(a.bundle().sources()).containsEntry("Deployment/shop/web", "patched by spec.components.web.patches[0] (apps/shop/app.yaml:10:9)");
  }

  @Test
  void aPatchThatCannotApplyIsAnErrorAtThePatchAndNothingIsRendered() throws IOException {
    Plan p = plan(WEB + """
          patches:
          - target: {kind: Deployment, name: api}
            patch: [{op: remove, path: /spec/replicas}]
          - target: {kind: Deployment}
            patch:
            - {op: test, path: /spec/replicas, value: 3}
          - target: {kind: Service}
            patch: [{op: remove, path: /spec/sessionAffinity}]
          - target: {kind: Deployment}
            patch: [{op: replace, path: /metadata/labels/app.kubernetes.io~1managed-by, value: helm}]
          - target: {kind: Service}
            merge: {metadata: {name: other}}
        """);
    assertThat(p.environments()).isEmpty();
    assertThat(errors(p)).extracting(d -> d.code() + " " + d.line() + ":" + d.column() + " " + d.path() + ": " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-target 10:9 spec.components.web.patches[0].target:")
            .contains("no object of component 'web' is a Deployment named 'api'", "it renders Deployment/web, Service/web, ServiceAccount/web"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-failed 14:11 spec.components.web.patches[1].patch[0]:")
            .contains("cannot apply 'test' to Deployment/web: test failed: /spec/replicas is 1, not 3"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-failed 16:17 spec.components.web.patches[2].patch[0]:")
            .contains("path /spec/sessionAffinity does not exist"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-ownership 17:9 spec.components.web.patches[3]:")
            .contains("changes label app.kubernetes.io/managed-by of Deployment/web"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-ownership 19:9 spec.components.web.patches[4]:")
            .contains("changes metadata.name of Service/web"));
  }

  @Test
  void aPatchThatBreaksValidationOrPolicyIsReportedAsSuchNamingThePatch() throws IOException {
    Plan p = plan(WEB + """
          patches:
          - target: {kind: Deployment}
            patch:
            - {op: replace, path: /spec/replicas, value: two}
            - {op: replace, path: /spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation, value: true}
        """);
    assertThat(errors(p)).isEmpty();
    List<Diagnostic> prod = p.summary().allDiagnostics().stream().filter(d -> d.message().startsWith("Deployment/shop/web")).toList();
    assertThat(prod).anySatisfy(d -> {
      assertThat(d.code()).startsWith("validate.");
      assertThat(d.path()).isEqualTo("spec.replicas");
      assertThat(d.message()).contains("expected an integer", "(patched by spec.components.web.patches[0] (apps/shop/app.yaml:10:9))");
    });
    assertThat(prod).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("policy.disallow-privilege-escalation");
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.message()).contains("(patched by spec.components.web.patches[0] (apps/shop/app.yaml:10:9))");
    });
    assertThat(p.blocked()).isTrue();
  }

  @Test
  void aDeploymentPatchOfAComponentWithAStrategyMakesANewRevision() throws IOException {
    String strategy = WEB + "  ingress: {path: /}\n  strategy: blueGreen\n";
    Plan plain = plan(strategy);
    Plan patched = plan(strategy + """
          patches:
          - target: {kind: Deployment, name: web}
            merge: {spec: {template: {spec: {containers: [{name: web, image: a.io/web:1, env: [{name: X, value: "1"}]}]}}}}
        """);
    assertThat(errors(patched)).isEmpty();
    RenderedObject before = deployment(app(plain, "dev"));
    RenderedObject after = deployment(app(patched, "dev"));
    assertThat(after.name()).startsWith("web-").isNotEqualTo(before.name());
    assertThat(after.body().path("spec").path("template").path("spec").path("containers").get(0).path("env").get(0).path("name").asText())
        .isEqualTo("X");
    assertThat(app(patched, "dev").bundle().sources()).containsKey(after.ref());
  }

  private static RenderedObject deployment(ApplicationPlan a) {
    return a.bundle().objects().stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow();
  }

  @Test
  void extraManifestsAreNamespacedLabelledAndSyncedInAWaveAfterTheComponents() throws IOException {
    Plan p = plan(WEB + """
          extraManifests: [extras.yaml]
        """, "extras.yaml", """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web-extra}
        spec:
          maxUnavailable: 1
          selector: {matchLabels: {app.kubernetes.io/instance: shop-web}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-monitoring, labels: {team: storefront}}
        spec:
          podSelector: {}
          ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        dataa: {mode: fast}
        """);
    assertThat(errors(p)).isEmpty();
    assertThat(p.specDiagnostics()).noneMatch(d -> d.code().equals("spec.ignored-file"));
    ApplicationPlan a = app(p, "prod");
    RenderedObject pdb = object(a, "PodDisruptionBudget", "web-extra");
    RenderedObject np = object(a, "NetworkPolicy", "allow-monitoring");
    int componentWave = object(a, "Deployment", "web").wave();
    assertThat(pdb.wave()).isEqualTo(np.wave()).isEqualTo(componentWave + 1);
    assertThat(pdb.namespace()).isEqualTo("shop");
    assertThat(pdb.body().path("metadata").path("namespace").asText()).isEqualTo("shop");
    assertThat(np.body().path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText()).isEqualTo("slipway");
    assertThat(np.body().path("metadata").path("labels").path("slipway.dev/component").asText()).isEqualTo("web");
    assertThat(np.body().path("metadata").path("labels").path("team").asText()).isEqualTo("storefront");
    assertThat(np.body().path("metadata").path("annotations").path(ArgoSyncWave.ANNOTATION).asInt())
        .isGreaterThan(object(a, "Deployment", "web").body().path("metadata").path("annotations").path(ArgoSyncWave.ANNOTATION).asInt());
    // Last in sync order, and validated and checked like every other object.
    List<RenderedObject> objects = a.bundle().objects();
    assertThat(objects.subList(objects.size() - 3, objects.size())).extracting(RenderedObject::name)
        .containsExactlyInAnyOrder("web-extra", "allow-monitoring", "settings");
    assertThat(a.bundle().sources()).containsEntry("NetworkPolicy/shop/allow-monitoring", "from apps/shop/extras.yaml:8:1");
    assertThat(a.validation()).anySatisfy(d -> assertThat(d.message()).startsWith("ConfigMap/shop/settings: ")
        .contains("dataa").endsWith("(from apps/shop/extras.yaml:15:1)"));
  }

  @Test
  void extraManifestsThatCannotBePlacedAreErrorsWithPositions() throws IOException {
    Plan p = plan(WEB + """
          extraManifests: [extras.yaml]
        """, "extras.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: payments}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: token}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: other, labels: {slipway.dev/application: billing}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        """);
    assertThat(p.environments()).isEmpty();
    assertThat(errors(p)).extracting(d -> d.code() + " " + d.location() + " " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("spec.manifest-namespace apps/shop/extras.yaml:3:")
            .contains("ConfigMap/settings in extras.yaml names namespace 'payments'", "live in 'shop'"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.manifest-kind apps/shop/extras.yaml:6:").contains("ClusterRole is cluster-scoped"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.manifest-kind apps/shop/extras.yaml:10:")
            .contains("Slipway does not manage kind Secret, so it could not prune it"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.reserved-label apps/shop/extras.yaml:15:")
            .contains("sets label slipway.dev/application='billing'"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.duplicate-name apps/shop/extras.yaml:19:").contains("Service/web"));
  }

  @Test
  void aMissingOrOutsideManifestFileIsAnErrorAtTheField() throws IOException {
    Plan p = plan(WEB + """
          extraManifests: [missing.yaml, ../escape.yaml, notes.txt]
        """, "notes.txt", "x");
    assertThat(errors(p)).extracting(d -> d.code() + " " + d.location() + " " + d.message()).containsExactly(
        "spec.missing-file apps/shop/app.yaml:9:24 no file apps/shop/missing.yaml",
        "spec.invalid-value apps/shop/app.yaml:9:38 '../escape.yaml' must stay inside the application's folder (no '.', '..' or empty parts)",
        "spec.invalid-value apps/shop/app.yaml:9:54 'notes.txt' is not a YAML file (.yaml or .yml)");
  }

  @Test
  void anExtraDeploymentOfAComponentWithAStrategyIsRefused() throws IOException {
    Plan p = plan(WEB + """
          strategy: blueGreen
          ingress: {path: /}
          extraManifests: [more.yaml]
        """, "more.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: helper}
        """);
    assertThat(errors(p)).extracting(d -> d.code() + " " + d.location() + " " + d.message()).contains(
        "spec.manifest-kind apps/shop/more.yaml:2:1 Deployment/helper in more.yaml: component 'web' has a delivery strategy, whose"
            + " rollouts own every Deployment of the component; list this file under a component without a strategy");
  }
}
