package dev.slipway.engine.plan;

import static dev.slipway.engine.plan.EscapeHatchesTest.WEB;
import static dev.slipway.engine.plan.EscapeHatchesTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What would make a sync lose or fight over objects is an error in every environment: a
 * component of a platform type that cannot be rendered (a sync would prune its live objects), an
 * object a platform type or an extra manifest renders of a kind Slipway cannot prune, twice
 * under one name, or one that grants access to the Kubernetes API.
 */
class WhatNoSyncMayLoseTest {
  @TempDir
  Path dir;

  /** A copy of examples/kro-platform with {@code edit} applied to one of its files. */
  private Plan kro(String file, String from, String to, String file2, String from2, String to2) throws IOException {
    Path src = Path.of("..", "examples", "kro-platform");
    try (Stream<Path> w = Files.walk(src)) {
      for (Path p : w.filter(Files::isRegularFile).filter(p -> !src.relativize(p).startsWith("out")).toList()) {
        Path target = dir.resolve(src.relativize(p).toString());
        Files.createDirectories(target.getParent());
        Files.copy(p, target);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    edit(file, from, to);
    if (file2 != null) {
      edit(file2, from2, to2);
    }
    return new Planner().plan(Workspace.load(dir), Planner.Scope.ALL);
  }

  private void edit(String file, String from, String to) throws IOException {
    String text = Files.readString(dir.resolve(file));
    assertThat(text).contains(from);
    Files.writeString(dir.resolve(file), text.replace(from, to));
  }

  private static List<Diagnostic> gated(Plan p, String env) {
    return p.environments().stream().filter(e -> e.name().equals(env)).findFirst().orElseThrow().applications().stream()
        .flatMap(a -> PlanSummary.gateValidation(a).stream()).toList();
  }

  @Test
  void aPlatformTypeThatFailsToRenderBlocksEvenWhereTheEnvironmentOnlyWarns() throws IOException {
    Plan p = kro("componentTypes/web-application.yaml", "      path: string |",
        "      divisor: integer | default=1\n      path: string |",
        "apps/storefront/app.yaml", "      cdn: {enabled: true}", "      cdn: {enabled: true}\n      divisor: 0");
    edit("componentTypes/web-application.yaml", "        replicas: ${schema.spec.replicas}\n",
        "        replicas: ${schema.spec.replicas}\n        minReadySeconds: ${10 / schema.spec.divisor}\n");
    p = new Planner().plan(Workspace.load(dir), Planner.Scope.ALL);
    assertThat(errors(p)).isEmpty();
    assertThat(p.environments().stream().filter(e -> e.name().equals("dev")).findFirst().orElseThrow().enforced()).isFalse();
    assertThat(gated(p, "dev")).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("render.expression-failed");
      assertThat(d.isError()).isTrue();
    });
    assertThat(p.blocked()).isTrue();
  }

  @Test
  void aPlatformTypeMayRenderOnlyNamespacedKindsSlipwayManages() throws IOException {
    Plan p = kro("componentTypes/web-application.yaml", "  resources:\n  - id: deployment\n",
        "  resources:\n  - id: token\n    template:\n      apiVersion: v1\n      kind: Secret\n      metadata: {name: token}\n"
            + "      stringData: {password: hunter2}\n  - id: deployment\n", null, null, null);
    // Found before any application is planned, at the resource in the type file.
    assertThat(errors(p)).anySatisfy(d -> assertThat(d.location() + " " + d.code() + ": " + d.message())
        .startsWith("componentTypes/web-application.yaml:24:5 spec.type-sample")
        .contains("resource 'token' is a Secret: Slipway does not manage kind Secret, so it could not prune it"));
  }

  @Test
  void twoObjectsUnderOneNameAreAnErrorNamingBoth() throws IOException {
    Plan p = kro("componentTypes/web-application.yaml", "name: ${component.name}-from-alb", "name: default-deny", null, null, null);
    // Found before any application is planned, by the sample instance every type is checked with.
    assertThat(errors(p)).anySatisfy(d -> assertThat(d.file() + " " + d.code() + ": " + d.message())
        .startsWith("componentTypes/web-application.yaml spec.type-sample")
        .contains("resource 'allowAlb' renders NetworkPolicy/default-deny, which application sample already has"));
  }

  private Plan shop(String components, String... files) throws IOException {
    EscapeHatchesTest t = new EscapeHatchesTest();
    t.dir = dir;
    return t.plan(components, files);
  }

  @Test
  void anExtraManifestCannotTakeTheNameOfAnApplicationWideObjectNorGrantApiAccess() throws IOException {
    Plan p = shop(WEB + "  metrics: {path: /metrics}\n  extraManifests: [m.yaml]\n", "m.yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: admin}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: ServiceAccount, name: web}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny}
        spec: {podSelector: {}}
        """);
    assertThat(errors(p)).extracting(d -> d.code() + ": " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("spec.manifest-kind").contains("RoleBinding/admin", "serviceAccount.rules"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.duplicate-name").contains("NetworkPolicy/default-deny"));
  }

  @Test
  void anExtraManifestLinkedFromOutsideTheApplicationFolderIsNotRead() throws IOException {
    Path outside = Files.writeString(dir.resolve("outside.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    Files.createDirectories(dir.resolve("apps/shop"));
    Files.createSymbolicLink(dir.resolve("apps/shop/m.yaml"), outside);
    Plan p = shop(WEB + "  extraManifests: [m.yaml]\n");
    assertThat(errors(p)).anySatisfy(d -> assertThat(d.message()).contains("apps/shop/m.yaml leads outside the application's folder"));
  }

  @Test
  void aPatchCannotWidenApiAccessNorRunPodsAsAnotherAccount() throws IOException {
    Plan p = shop(WEB + """
          serviceAccount:
            clusterRules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
          patches:
          - target: {kind: ClusterRoleBinding}
            patch: [{op: replace, path: /roleRef/name, value: cluster-admin}]
          - target: {kind: Deployment}
            patch:
            - {op: remove, path: /spec/template/spec/serviceAccountName}
            - {op: add, path: /spec/template/spec/serviceAccount, value: other}
        """);
    assertThat(errors(p)).extracting(d -> d.code() + ": " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-ownership").contains("the ClusterRoleBinding (API access is granted with"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-ownership").contains("serviceAccountName"));
  }

  @Test
  void anExtraManifestCannotTakeAnIamRoleNorAComponentsServiceAccount() throws IOException {
    Plan p = shop(WEB + "  extraManifests: [m.yaml]\n", "m.yaml", """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: robot
          annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/admin"}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: sidekick}
        spec:
          selector: {matchLabels: {x: y}}
          template:
            metadata: {labels: {x: y}}
            spec:
              serviceAccountName: web
              containers: [{name: c, image: a.io/c:1}]
        """);
    assertThat(errors(p)).extracting(d -> d.code() + ": " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("spec.manifest-identity").contains("ServiceAccount/robot", "serviceAccount.roleArn"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.manifest-identity").contains("Deployment/sidekick", "ServiceAccount web"));
  }

  @Test
  void aPatchCannotChangeTheRoleAServiceAccountAssumes() throws IOException {
    Plan p = shop(WEB + """
          serviceAccount: {roleArn: "arn:aws:iam::123456789012:role/shop"}
          patches:
          - target: {kind: ServiceAccount}
            merge: {metadata: {annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/admin"}}}
          - target: {kind: Deployment}
            merge: {spec: {template: {spec: {serviceAccountName: default}}}}
        """);
    assertThat(errors(p)).extracting(d -> d.code() + ": " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-ownership").contains("annotation eks.amazonaws.com/role-arn"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-ownership").contains("serviceAccountName"));
  }
}
