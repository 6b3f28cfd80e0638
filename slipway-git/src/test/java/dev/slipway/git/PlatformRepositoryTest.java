package dev.slipway.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformRepositoryTest {
  @TempDir
  Path tmp;

  @Test
  void readsHeadDirtinessAndExportsAnOldRevision() throws Exception {
    Path platform = Files.createDirectories(tmp.resolve("repo/platforms/acme"));
    Files.writeString(platform.resolve("slipway.yaml"), "v: 1\n");
    String first;
    try (Git git = Git.init().setDirectory(tmp.resolve("repo").toFile()).call()) {
      git.add().addFilepattern(".").call();
      first = git.commit().setMessage("one").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call().getName();
      Files.writeString(platform.resolve("slipway.yaml"), "v: 2\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("two").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
    }
    try (PlatformRepository repo = PlatformRepository.find(platform).orElseThrow()) {
      assertThat(repo.head()).isNotEqualTo(first).hasSize(40);
      assertThat(repo.dirty()).isFalse();
      Files.createDirectories(platform.resolve("out")).resolve("x.yaml").toFile().createNewFile();
      assertThat(repo.dirty("out")).as("generated output does not count").isFalse();
      assertThat(repo.dirty()).isTrue();
      Files.writeString(platform.resolve("slipway.yaml"), "v: 3\n");
      assertThat(repo.dirty()).isTrue();
      Path out = tmp.resolve("out");
      repo.export(first, out);
      assertThat(out.resolve("slipway.yaml")).hasContent("v: 1");
    }
  }

  @Test
  void findsNothingOutsideARepository() throws Exception {
    assertThat(PlatformRepository.find(Files.createDirectories(tmp.resolve("plain")))).isEmpty();
  }
}
