package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A component's Kubernetes API permissions (serviceAccount.rules, clusterRules) are checked at spec time. */
class AccessRulesTest {
  @TempDir
  Path dir;

  private static String sa(String body) {
    return SpecFixture.app("web:\n  type: web\n  image: a:1\n  serviceAccount:\n" + body);
  }

  static Stream<Arguments> bad() {
    String rules = "spec.components.web.serviceAccount.rules[0]";
    return Stream.of(
        Arguments.of("wildcard verb", sa("    rules:\n    - {apiGroups: [''], resources: [pods], verbs: ['*']}\n"), 11,
            rules + ".verbs", "'*' grants everything"),
        Arguments.of("wildcard resource", sa("    rules:\n    - {apiGroups: [''], resources: ['*'], verbs: [get]}\n"), 11,
            rules + ".resources", "name the resources"),
        Arguments.of("unknown verb", sa("    rules:\n    - {apiGroups: [''], resources: [pods], verbs: [read]}\n"), 11,
            rules + ".verbs", "unknown verb 'read'"),
        Arguments.of("no verbs", sa("    rules:\n    - {apiGroups: [''], resources: [pods]}\n"), 11,
            rules + ".verbs", "needs verbs"),
        Arguments.of("no apiGroups", sa("    rules:\n    - {resources: [pods], verbs: [get]}\n"), 11,
            rules + ".apiGroups", "needs apiGroups"),
        Arguments.of("unknown preset", sa("    clusterRules:\n    - {preset: everything}\n"), 11,
            "spec.components.web.serviceAccount.clusterRules[0].preset", "slipway-sync"),
        Arguments.of("cluster preset in a namespace", sa("    rules:\n    - {preset: slipway-sync}\n"), 11,
            rules + ".preset", "clusterRules"),
        Arguments.of("misspelt field", sa("    rules:\n    - {apiGroups: [''], resource: [pods], verbs: [get]}\n"), 11,
            null, "resource"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void refusesRulesKubernetesWouldRefuseOrThatGrantEverything(String name, String app, int line, String path, String message) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, app);
    assertThat(SpecFixture.diagnostics(dir)).as(name).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isEqualTo(line);
      if (path != null) {
        assertThat(d.path()).isEqualTo(path);
      }
      assertThat(d.message()).contains(message);
    });
  }

  @Test
  void acceptsNamedRulesAndTheSyncPreset() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, sa("    rules:\n    - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, update]}\n"
        + "    - {apiGroups: [''], resources: [secrets], resourceNames: [tokens], verbs: [get]}\n"
        + "    clusterRules:\n    - {preset: slipway-sync}\n"));
    assertThat(SpecFixture.diagnostics(dir)).isEmpty();
  }
}
