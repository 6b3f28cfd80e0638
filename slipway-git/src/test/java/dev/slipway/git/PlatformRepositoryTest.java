package dev.slipway.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void commitsExactlyTheGivenFilesAsOneCommitLeavingOtherChangesAlone() throws Exception {
    Path platform = Files.createDirectories(tmp.resolve("repo/platforms/acme"));
    Files.writeString(platform.resolve("slipway.yaml"), "v: 1\n");
    try (Git git = Git.init().setDirectory(tmp.resolve("repo").toFile()).call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("one").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
      git.getRepository().getConfig().setString("user", null, "email", "dev@acme.example");
      git.getRepository().getConfig().save();
      Files.writeString(platform.resolve("slipway.yaml"), "v: 2\n");
      git.add().addFilepattern(".").call();
      try (PlatformRepository repo = PlatformRepository.find(platform).orElseThrow()) {
        assertThat(repo.identity()).isEqualTo("dev@acme.example");
        String id = repo.commit(new java.util.TreeMap<>(java.util.Map.of("releases/prod/app.yaml", "kind: Release\n")), "promote app", "me");
        assertThat(id).isEqualTo(repo.head());
        assertThat(platform.resolve("releases/prod/app.yaml")).hasContent("kind: Release");
        assertThat(repo.dirty()).as("the staged change to slipway.yaml is not part of the commit").isTrue();
        assertThatThrownBy(() -> repo.commit(new java.util.TreeMap<>(java.util.Map.of("../../x.yaml", "x")), "m", "me"))
            .hasMessageContaining("outside the platform directory");
      }
      var log = git.log().call().iterator();
      var last = log.next();
      assertThat(last.getFullMessage()).isEqualTo("promote app");
      assertThat(last.getAuthorIdent().getEmailAddress()).isEqualTo("dev@acme.example");
      try (var walk = new org.eclipse.jgit.treewalk.TreeWalk(git.getRepository())) {
        walk.addTree(last.getTree());
        walk.setRecursive(true);
        java.util.List<String> paths = new java.util.ArrayList<>();
        while (walk.next()) {
          paths.add(walk.getPathString());
        }
        assertThat(paths).containsExactly("platforms/acme/releases/prod/app.yaml", "platforms/acme/slipway.yaml");
      }
      assertThat(new String(git.getRepository().open(git.getRepository().resolve("HEAD:platforms/acme/slipway.yaml")).getBytes()))
          .isEqualTo("v: 1\n");
    }
  }

  @Test
  void findsNothingOutsideARepository() throws Exception {
    assertThat(PlatformRepository.find(Files.createDirectories(tmp.resolve("plain")))).isEmpty();
  }
}
