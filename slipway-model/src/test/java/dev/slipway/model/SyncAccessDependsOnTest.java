package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.EnvironmentSpec.SyncPolicy;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.spec.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's settings in the specs: an environment's sync policy, the platform's access list, applications' dependsOn. */
class SyncAccessDependsOnTest {
  @TempDir
  Path dir;

  private static final String HEAD = """
      apiVersion: slipway.dev/v1alpha1
      kind: Platform
      metadata: {name: test}
      spec:
        environments:
        - name: dev
      """;

  /** A platform with three environments, {@code dev}'s sync block and an access list written after them. */
  private static String platform(String devSync, String access) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: Platform
        metadata: {name: test}
        spec:
          environments:
          - name: dev
        """ + (devSync.isEmpty() ? "" : "    sync: " + devSync + "\n") + """
          - name: staging
            sync: {automated: true}
          - name: prod
        """ + access;
  }

  private static String app(String name, String dependsOn) {
    return "apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata: {name: " + name + "}\nspec:\n"
        + (dependsOn.isEmpty() ? "" : "  dependsOn: " + dependsOn + "\n")
        + "  components:\n    web: {type: web, image: 'a:1'}\n";
  }

  private Workspace load(String platform, String... apps) {
    SpecFixture.write(dir, platform, apps);
    return Workspace.load(dir);
  }

  private static List<Diagnostic> errors(Workspace ws) {
    return ws.diagnostics().list().stream().filter(Diagnostic::isError).toList();
  }

  @Test
  void syncPolicyDefaultsToManualAndReadsEachFlag() {
    Workspace ws = load(platform("{automated: true, selfHeal: true, prune: true}", ""));
    assertThat(errors(ws)).isEmpty();
    PlatformSpec p = ws.platform();
    assertThat(p.environment("dev").orElseThrow().sync()).isEqualTo(new SyncPolicy(true, true, true));
    assertThat(p.environment("dev").orElseThrow().selfHeal()).isTrue();
    assertThat(p.environment("staging").orElseThrow().sync()).isEqualTo(new SyncPolicy(true, false, false));
    assertThat(p.environment("prod").orElseThrow().sync()).isEqualTo(SyncPolicy.MANUAL);
  }

  @Test
  void aSyncFlagThatIsNotABooleanIsAnErrorAtItsLine() {
    Workspace ws = load(platform("{automated: sometimes}", ""));
    assertThat(errors(ws)).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("spec.environments[0].sync.automated");
      assertThat(d.file()).isEqualTo("slipway.yaml");
      assertThat(d.line()).isEqualTo(7);
      assertThat(d.message()).contains("true or false");
    });
  }

  @Test
  void anUnknownSyncFieldIsRejectedWithASuggestion() {
    Workspace ws = load(platform("{automatic: true}", ""));
    assertThat(errors(ws)).singleElement().satisfies(d -> {
      assertThat(d.line()).isEqualTo(7);
      assertThat(d.message()).contains("automatic").contains("automated");
    });
  }

  @Test
  void accessGivesTheHighestRoleOfTheUsersGroupsPerEnvironment() {
    Workspace ws = load(platform("", """
          access:
          - {group: platform-admins, role: admin}
          - {group: developers, role: deployer, environments: [dev, staging]}
          - {group: developers, role: viewer, environments: [prod]}
          - {group: auditors, role: viewer}
        """));
    assertThat(errors(ws)).isEmpty();
    PlatformSpec p = ws.platform();
    assertThat(p.access()).hasSize(4);
    assertThat(p.role(Set.of("developers"), "dev")).contains(Role.DEPLOYER);
    assertThat(p.role(Set.of("developers"), "staging")).contains(Role.DEPLOYER);
    assertThat(p.role(Set.of("developers"), "prod")).contains(Role.VIEWER);
    assertThat(p.role(Set.of("developers", "platform-admins"), "prod")).contains(Role.ADMIN);
    assertThat(p.role(Set.of("developers", "auditors"), "dev")).contains(Role.DEPLOYER);
    assertThat(p.role(Set.of("auditors"), "prod")).contains(Role.VIEWER);
    assertThat(p.role(Set.of("strangers"), "dev")).isEmpty();
    assertThat(p.role(Set.of(), "dev")).isEmpty();
    assertThat(p.role(Set.of("platform-admins"), "qa")).as("not an environment of the platform").isEmpty();
  }

  @Test
  void withoutAnAccessListNoGroupHasAccess() {
    Workspace ws = load(platform("", ""));
    assertThat(ws.platform().access()).isEmpty();
    assertThat(ws.platform().role(Set.of("platform-admins"), "dev")).isEqualTo(Optional.empty());
  }

  @Test
  void rolesAreOrderedViewerDeployerAdmin() {
    assertThat(Role.ADMIN.atLeast(Role.DEPLOYER)).isTrue();
    assertThat(Role.DEPLOYER.atLeast(Role.VIEWER)).isTrue();
    assertThat(Role.DEPLOYER.atLeast(Role.DEPLOYER)).isTrue();
    assertThat(Role.VIEWER.atLeast(Role.DEPLOYER)).isFalse();
    assertThat(Role.DEPLOYER.atLeast(Role.ADMIN)).isFalse();
  }

  @Test
  void anUnknownRoleIsAnErrorAtItsLineWithASuggestion() {
    Workspace ws = load(platform("", """
          access:
          - {group: developers, role: deployer}
          - {group: ops, role: deployr}
        """));
    assertThat(errors(ws)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.invalid-value");
      assertThat(d.path()).isEqualTo("spec.access[1].role");
      assertThat(d.location()).startsWith("slipway.yaml:12:");
      assertThat(d.message()).contains("'deployr'").contains("viewer, deployer, admin").contains("did you mean 'deployer'");
    });
    assertThat(ws.platform().access()).hasSize(1);
  }

  @Test
  void anUnknownEnvironmentInAccessIsAnErrorAtTheEntry() {
    Workspace ws = load(platform("", """
          access:
          - group: developers
            role: viewer
            environments: [dev, prdo]
        """));
    assertThat(errors(ws)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.unknown-environment");
      assertThat(d.path()).isEqualTo("spec.access[0].environments[1]");
      assertThat(d.line()).isEqualTo(13);
      assertThat(d.message()).contains("'prdo'").contains("did you mean 'prod'");
    });
  }

  @Test
  void anAccessEntryNeedsAGroupAndARole() {
    Workspace ws = load(platform("", """
          access:
          - {role: admin}
          - {group: ops}
          - {group: ops, role: admin, env: [dev]}
        """));
    assertThat(errors(ws)).extracting(Diagnostic::path)
        .containsExactlyInAnyOrder("spec.access[0].group", "spec.access[1].role", "spec.access[2].env");
  }

  @Test
  void accessThatIsNotAListIsATypeError() {
    Workspace ws = load(platform("", "  access: {group: ops, role: admin}\n"));
    assertThat(errors(ws)).singleElement().satisfies(d -> assertThat(d.path()).isEqualTo("spec.access"));
  }

  @Test
  void dependsOnIsExposedInTheOrderWritten() {
    Workspace ws = load(HEAD, app("shop", "[payments, catalog]"), app("payments", ""), app("catalog", "[payments]"));
    assertThat(errors(ws)).isEmpty();
    assertThat(ws.applications()).filteredOn(a -> a.name().equals("shop")).singleElement()
        .satisfies(a -> assertThat(a.dependsOn()).containsExactly("payments", "catalog"));
    assertThat(ws.applications()).filteredOn(a -> a.name().equals("payments")).singleElement()
        .satisfies(a -> assertThat(a.dependsOn()).isEmpty());
  }

  @Test
  void anUnknownApplicationInDependsOnIsAnErrorAtTheEntryWithASuggestion() {
    Workspace ws = load(HEAD, app("shop", "[paymnts]"), app("payments", ""));
    assertThat(errors(ws)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.unknown-dependency");
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isEqualTo(5);
      assertThat(d.path()).isEqualTo("spec.dependsOn[0]");
      assertThat(d.message()).contains("'shop' depends on unknown application 'paymnts'").contains("did you mean 'payments'");
    });
  }

  @Test
  void aCycleOfApplicationsIsReportedOnceNamingEveryApplicationInIt() {
    Workspace ws = load(HEAD, app("c", "[a]"), app("a", "[b]"), app("b", "[c]"), app("d", "[a]"));
    assertThat(errors(ws)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.dependency-cycle");
      assertThat(d.message()).contains("a -> b -> c -> a");
      assertThat(d.file()).as("at a's dependsOn, the cycle's first application").isEqualTo("apps/app1/app.yaml");
      assertThat(d.line()).isEqualTo(5);
    });
  }

  @Test
  void twoApplicationsDependingOnEachOtherAreACycle() {
    Workspace ws = load(HEAD, app("shop", "[payments]"), app("payments", "[shop]"));
    assertThat(errors(ws)).singleElement().satisfies(d -> assertThat(d.message()).contains("payments -> shop -> payments"));
  }

  @Test
  void anApplicationDependingOnItselfIsACycle() {
    Workspace ws = load(HEAD, app("shop", "[shop]"));
    assertThat(errors(ws)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.dependency-cycle");
      assertThat(d.message()).contains("'shop' depends on itself");
    });
  }

  @Test
  void dependsOnThatIsNotAListOfNamesIsATypeError() {
    Workspace ws = load(HEAD, app("shop", "payments"), app("payments", ""));
    assertThat(errors(ws)).singleElement().satisfies(d -> assertThat(d.path()).isEqualTo("spec.dependsOn"));
    Workspace nested = load(HEAD, app("shop", "[{name: payments}]"), app("payments", ""));
    assertThat(errors(nested)).singleElement().satisfies(d -> assertThat(d.path()).isEqualTo("spec.dependsOn[0]"));
  }

  @Test
  void aDiamondIsNotACycle() {
    Workspace ws = load(HEAD, app("top", "[left, right]"), app("left", "[base]"), app("right", "[base]"), app("base", ""));
    assertThat(errors(ws)).isEmpty();
  }
}
