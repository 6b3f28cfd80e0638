package dev.slipway.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every spec value that becomes a Kubernetes name, a label value or an output path follows Kubernetes' rules. */
class NameRulesTest {
  @TempDir
  Path dir;

  private static final String APP = SpecFixture.app("web: {type: web, image: a:1}\n");

  private static String env(String fields) {
    return SpecFixture.PLATFORM.replace("  - name: dev\n    domain: dev.example.com\n",
        "  - name: dev\n    domain: dev.example.com\n" + fields.indent(4));
  }

  static Stream<Arguments> platformCases() {
    return Stream.of(
        Arguments.of("platform name with upper case", SpecFixture.PLATFORM.replace("metadata: {name: test}", "metadata: {name: Test}"),
            "slipway.yaml", 3, "metadata.name", "platform name 'Test' must be a DNS label"),
        Arguments.of("environment name of 64 characters", SpecFixture.PLATFORM.replace("- name: dev", "- name: " + "d".repeat(64))
                .replace("from: dev", "from: " + "d".repeat(64)),
            "slipway.yaml", 12, "spec.environments[0].name", "at most 63"),
        Arguments.of("environment name with a slash", SpecFixture.PLATFORM.replace("- name: dev", "- name: dev/../x"),
            "slipway.yaml", 12, "spec.environments[0].name", "environment name 'dev/../x' must be a DNS label"),
        Arguments.of("node pool name that is a path", env("nodePools:\n- {name: a/-, instanceTypes: [m5.large]}\n"),
            "slipway.yaml", 15, "spec.environments[0].nodePools[0].name", "node pool name 'a/-' must be a DNS label"),
        Arguments.of("node pool name that escapes out/",
            env("nodePools:\n- {name: a/../../../../../../elsewhere/ESCAPED, instanceTypes: [m5.large]}\n"),
            "slipway.yaml", 15, "spec.environments[0].nodePools[0].name", "must be a DNS label"),
        Arguments.of("namespace pattern with upper case", env("namespace: Team-{app}\n"),
            "slipway.yaml", 14, "spec.environments[0].namespace", "gives 'Team-shop' for application 'shop'"),
        Arguments.of("namespace pattern longer than 63 once expanded", env("namespace: " + "n".repeat(55) + "-{app}-{env}\n"),
            "slipway.yaml", 14, "spec.environments[0].namespace", "not a namespace name"),
        Arguments.of("shared namespace with a dot", env("namespace: shared.{env}\n"),
            "slipway.yaml", 14, "spec.environments[0].namespace", "gives 'shared.dev'"),
        Arguments.of("secret store name", SpecFixture.PLATFORM.replace("refreshInterval: 15s}", "refreshInterval: 15s, name: My Store}"),
            "slipway.yaml", 8, "spec.addons.secrets.name", "secret store name 'My Store' must be a DNS subdomain"),
        Arguments.of("metrics namespace", SpecFixture.PLATFORM.replace("serviceMonitor: true}", "serviceMonitor: true, namespace: Mon}"),
            "slipway.yaml", 9, "spec.addons.metrics.namespace", "namespace 'Mon' must be a DNS label"),
        Arguments.of("storage class", SpecFixture.PLATFORM.replace("autoscaling: {engine: keda}", "autoscaling: {engine: keda}\n    storage: {class: GP_3}"),
            "slipway.yaml", 11, "spec.addons.storage.class", "storage class 'GP_3' must be a DNS subdomain"),
        Arguments.of("cluster name taken from an ARN context, with node pools",
            env("cluster: {context: 'arn:aws:eks:us-east-1:123456789012:cluster/dev'}\n"
                + "nodePools:\n- {name: default, instanceTypes: [m5.large]}\n"),
            "slipway.yaml", 14, "spec.environments[0].cluster.name", "(taken from cluster.context)"),
        Arguments.of("blank context", env("cluster: {context: ' '}\n"),
            "slipway.yaml", 14, "spec.environments[0].cluster.context", "must not be blank"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("platformCases")
  void refusesNamesKubernetesWouldRefuse(String name, String platform, String file, int line, String path, String message) {
    SpecFixture.write(dir, platform, APP);
    assertThat(SpecFixture.diagnostics(dir)).as(name).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.file()).isEqualTo(file);
      assertThat(d.line()).isEqualTo(line);
      assertThat(d.column()).isPositive();
      assertThat(d.path()).isEqualTo(path);
      assertThat(d.message()).contains(message);
    });
  }

  static Stream<Arguments> appCases() {
    return Stream.of(
        Arguments.of("config file name with a folder", "web:\n  type: web\n  image: a:1\n  config: {files: {../../etc/passwd: x}}\n",
            "spec.components.web.config.files.../../etc/passwd", "config file name '../../etc/passwd'"),
        Arguments.of("config file name '..'", "web:\n  type: web\n  image: a:1\n  config: {files: {'..': x}}\n",
            "spec.components.web.config.files...", "config file name '..'"),
        Arguments.of("storage class of a database", "db:\n  type: postgres\n  storage: {size: 1Gi, class: Fast SSD}\n",
            "spec.components.db.storage.class", "storage class 'Fast SSD'"),
        Arguments.of("secret name too long for a Secret key", "web:\n  type: web\n  image: a:1\n  secrets: {" + "K".repeat(254) + ": a/b}\n",
            "", "not a valid environment variable name"),
        Arguments.of("component name (existing rule)", "Web:\n  type: web\n  image: a:1\n",
            "spec.components.Web", "component name 'Web' must be a lowercase DNS label of at most 40 characters"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appCases")
  void refusesApplicationNamesKubernetesWouldRefuse(String name, String components, String path, String message) {
    SpecFixture.write(dir, SpecFixture.PLATFORM, SpecFixture.app(components));
    assertThat(SpecFixture.diagnostics(dir)).as(name).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isPositive();
      if (!path.isEmpty()) {
        assertThat(d.path()).isEqualTo(path);
      }
      assertThat(d.message()).contains(message);
    });
  }

  @Test
  void refusesApplicationAndComponentNamesTooLongForTheInstanceLabel() {
    String app = "a".repeat(30);
    String component = "c".repeat(40);
    SpecFixture.write(dir, SpecFixture.PLATFORM,
        SpecFixture.app(component + ": {type: web, image: a:1}\n").replace("name: shop", "name: " + app));
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.invalid-name");
      assertThat(d.line()).isEqualTo(6);
      assertThat(d.path()).isEqualTo("spec.components." + component);
      assertThat(d.message()).contains("of 71 characters; label values have at most 63");
    });
  }

  @Test
  void refusesAnApplicationNameThatIsAPath() {
    SpecFixture.write(dir, SpecFixture.PLATFORM, APP.replace("name: shop", "name: ../shop"));
    assertThat(SpecFixture.diagnostics(dir)).anySatisfy(d -> {
      assertThat(d.path()).isEqualTo("metadata.name");
      assertThat(d.line()).isEqualTo(3);
      assertThat(d.message()).contains("application name '../shop'");
    });
  }

  @Test
  void acceptsAFreeTextContextWhenNoNodePoolUsesTheClusterName() {
    SpecFixture.write(dir, env("cluster: {context: 'arn:aws:eks:us-east-1:123456789012:cluster/dev', name: dev-cluster}\n"
        + "nodePools:\n- {name: default, instanceTypes: [m5.large]}\nnamespace: '{env}-{app}'\n"), APP);
    List<Diagnostic> ds = SpecFixture.diagnostics(dir);
    assertThat(ds).isEmpty();
  }
}
