package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output writer stays inside the output directory and never writes through a symbolic link. */
class OutputWriterSafetyTest {
  @TempDir
  Path tmp;

  @Test
  void refusesAnyPathThatLeavesTheOutputDirectory() throws Exception {
    Path base = Files.createDirectories(tmp.resolve("out")).toRealPath();
    assertThatThrownBy(() -> OutputWriter.confined(base, "dev/_cluster/nodepool-a/../../../../elsewhere/ESCAPED.yaml"))
        .isInstanceOf(OutputWriter.Refused.class).hasMessageContaining("leaves the output directory");
    assertThatThrownBy(() -> OutputWriter.confined(base, "/etc/passwd")).isInstanceOf(OutputWriter.Refused.class);
    assertThatThrownBy(() -> OutputWriter.confined(base, "..")).isInstanceOf(OutputWriter.Refused.class);
    assertThat(OutputWriter.confined(base, "dev/hello-world/deployment-web.yaml").startsWith(base)).isTrue();
  }

  @Test
  void aPlanDoesNotOverwriteTheTargetOfASymlinkedFileInsideOut() throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    assertThat(CliRun.run("plan", dir.toString(), "--layout", "files").exitCode()).isZero();
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious\n");
    Path file = dir.resolve("out/dev/hello-world/deployment-web.yaml");
    Files.delete(file);
    Files.createSymbolicLink(file, victim);

    CliRun r = CliRun.run("plan", dir.toString(), "--layout", "files");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("refusing to write dev/hello-world/deployment-web.yaml: it is a symbolic link");
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
  }

  @Test
  void aPlanDoesNotWriteIntoASymlinkedDirectoryInsideOut() throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path app = dir.resolve("out/prod/hello-world");
    try (var files = Files.list(app)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(app);
    Files.createSymbolicLink(app, elsewhere);

    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("refusing to write through prod/hello-world: it is a symbolic link");
    try (var files = Files.list(elsewhere)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void aLinkAnywhereInARegeneratedDirectoryRefusesThePlanBeforeAnyFileIsWritten() throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    assertThat(CliRun.run("plan", dir.toString()).exitCode()).isZero();
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious\n");
    // prod is planned last: a streamed plan must still refuse before writing dev.
    Path manifest = dir.resolve("out/prod/proyecto06/manifest.yaml");
    Files.delete(manifest);
    Files.createSymbolicLink(manifest, victim);
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    String devBefore = Files.readString(dir.resolve("out/dev/hello-world/manifest.yaml"));

    CliRun r = CliRun.run("plan", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("refusing to write prod/proyecto06/manifest.yaml: it is a symbolic link");
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
    assertThat(dir.resolve("out/dev/hello-world/manifest.yaml")).hasContent(devBefore);
  }
}
