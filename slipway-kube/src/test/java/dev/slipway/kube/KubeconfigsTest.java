package dev.slipway.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KUBECONFIG with several files is merged as kubectl merges it. */
class KubeconfigsTest {
  @TempDir
  Path tmp;

  @Test
  void mergesFilesFirstDefinitionOfANameWinsAndRelativePathsResolvePerFile() throws IOException {
    Path a = Files.createDirectories(tmp.resolve("a")).resolve("config");
    Files.writeString(a, """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: shared
          cluster: {server: "https://a.example:6443", certificate-authority: ca.crt}
        users:
        - name: me
          user: {client-certificate: me.crt, client-key: /abs/me.key}
        contexts:
        - name: dev
          context: {cluster: shared, user: me}
        """);
    Path b = Files.createDirectories(tmp.resolve("b")).resolve("config");
    Files.writeString(b, """
        apiVersion: v1
        kind: Config
        current-context: prod
        clusters:
        - name: shared
          cluster: {server: "https://b.example:6443"}
        - name: prodc
          cluster: {server: "https://prod.example:6443", certificate-authority: certs/ca.crt}
        users:
        - name: ops
          user: {token: t}
        contexts:
        - name: dev
          context: {cluster: prodc, user: ops}
        - name: prod
          context: {cluster: prodc, user: ops}
        """);
    List<Path> files = Kubeconfigs.locate(null, a + File.pathSeparator + tmp.resolve("missing") + File.pathSeparator + b, "/home/x");
    assertThat(files).hasSize(3);
    Kubeconfigs.Merged m = Kubeconfigs.load(files);
    assertThat(m.files()).containsExactly(a, b);
    assertThat(m.hasContext("dev")).isTrue();
    assertThat(m.hasContext("prod")).isTrue();
    assertThat(m.server("dev")).as("the first file's dev context and cluster win").isEqualTo("https://a.example:6443");
    assertThat(m.server("prod")).isEqualTo("https://prod.example:6443");
    assertThat(m.tree().path("current-context").asText()).isEqualTo("dev");
    assertThat(m.tree().at("/clusters/0/cluster/certificate-authority").asText()).isEqualTo(tmp.resolve("a/ca.crt").toString());
    assertThat(m.tree().at("/clusters/1/cluster/certificate-authority").asText()).isEqualTo(tmp.resolve("b/certs/ca.crt").toString());
    assertThat(m.tree().at("/users/0/user/client-key").asText()).isEqualTo("/abs/me.key");
  }

  @Test
  void anExplicitFileWinsOverTheEnvironmentAndNoFileAtAllIsAClearError() {
    assertThat(Kubeconfigs.locate(Path.of("x"), "a:b", "/h")).containsExactly(Path.of("x"));
    assertThat(Kubeconfigs.locate(null, null, "/h")).containsExactly(Path.of("/h/.kube/config"));
    assertThatThrownBy(() -> Kubeconfigs.load(List.of(tmp.resolve("none")))).isInstanceOf(IOException.class)
        .hasMessageContaining("no kubeconfig at");
  }
}
