package dev.slipway.engine.kyverno;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Policy files are read from inside the platform directory only: not through '..', absolute paths or symlinks. */
class PolicySourcesTest {
  @TempDir
  Path tmp;

  private static final String POLICY = """
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata: {name: p}
      spec:
        rules:
        - name: r
          match: {any: [{resources: {kinds: [Deployment]}}]}
          validate: {message: m, pattern: {metadata: {name: "?*"}}}
      """;

  private Path platform(String policies) throws IOException {
    Path root = Files.createDirectories(tmp.resolve("platform"));
    Files.writeString(root.resolve("slipway.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Platform
        metadata: {name: test}
        spec:
          policies: %s
          environments:
          - name: dev
        """.formatted(policies));
    Files.writeString(Files.createDirectories(tmp.resolve("elsewhere")).resolve("outside.yaml"), POLICY);
    return root;
  }

  @ParameterizedTest
  @ValueSource(strings = {"../elsewhere/outside.yaml", "policies/../../elsewhere/outside.yaml", "/etc/passwd"})
  void refusesPathsThatLeaveThePlatformDirectory(String path) throws IOException {
    Workspace ws = Workspace.load(platform("[builtin:baseline, '" + path + "']"));
    assertThat(ws.diagnostics().list()).anySatisfy(d -> {
      assertThat(d.code()).isEqualTo("spec.invalid-policy-path");
      assertThat(d.file()).isEqualTo("slipway.yaml");
      assertThat(d.line()).isEqualTo(5);
      assertThat(d.column()).isPositive();
      assertThat(d.path()).isEqualTo("spec.policies[1]");
      assertThat(d.message()).containsAnyOf("leaves the platform directory", "is absolute");
    });
  }

  @Test
  void doesNotFollowASymlinkOutOfThePlatformDirectory() throws IOException {
    Path root = platform("[policies]");
    Path dir = Files.createDirectories(root.resolve("policies"));
    Files.writeString(dir.resolve("inside.yaml"), POLICY);
    Files.createSymbolicLink(dir.resolve("link.yaml"), tmp.resolve("elsewhere/outside.yaml"));
    Files.createSymbolicLink(root.resolve("linked-dir"), tmp.resolve("elsewhere"));
    Diagnostics d = new Diagnostics();
    List<KyvernoPolicy> loaded = PolicySources.load(root, List.of("policies", "linked-dir"), d);
    assertThat(loaded).hasSize(1);
    assertThat(d.list()).extracting(Diagnostic::code).containsOnly("policy.outside");
    assertThat(d.list()).hasSize(2).allSatisfy(x -> {
      assertThat(x.file()).isEqualTo("slipway.yaml");
      assertThat(x.path()).isEqualTo("spec.policies");
      assertThat(x.message()).contains("leads outside the platform directory");
    });
  }
}
