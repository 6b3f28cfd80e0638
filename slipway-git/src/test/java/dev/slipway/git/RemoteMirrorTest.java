package dev.slipway.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteMirrorTest {
  @TempDir
  Path tmp;

  private static String commit(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    return git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call().getName();
  }

  @Test
  void mirrorsABranchFetchesNewCommitsAndTellsWhichPlatformPathsChanged() throws Exception {
    Path origin = tmp.resolve("origin");
    Path platform = Files.createDirectories(origin.resolve("platforms/acme/apps/shop"));
    Files.writeString(origin.resolve("platforms/acme/slipway.yaml"), "v: 1\n");
    Files.writeString(platform.resolve("app.yaml"), "shop: 1\n");
    Files.createDirectories(origin.resolve("platforms/acme/apps/blog"));
    Files.writeString(origin.resolve("platforms/acme/apps/blog/app.yaml"), "blog: 1\n");
    Files.writeString(origin.resolve("README.md"), "outside the platform\n");
    try (Git git = Git.init().setInitialBranch("main").setDirectory(origin.toFile()).call()) {
      String first = commit(git, "one");
      try (RemoteMirror mirror = RemoteMirror.open(origin.toUri().toString(), "main", "platforms/acme", tmp.resolve("cache"), null)) {
        assertThat(mirror.head()).contains(first);
        assertThat(mirror.fetch()).isEqualTo(first);
        assertThat(mirror.changedPaths(null, first))
            .containsExactlyInAnyOrder("slipway.yaml", "apps/shop/app.yaml", "apps/blog/app.yaml");

        Files.writeString(platform.resolve("app.yaml"), "shop: 2\n");
        Files.writeString(origin.resolve("README.md"), "changed outside\n");
        String second = commit(git, "two");
        assertThat(mirror.head()).as("not fetched yet").contains(first);
        assertThat(mirror.fetch()).isEqualTo(second);
        assertThat(mirror.changedPaths(first, second)).containsExactly("apps/shop/app.yaml");

        Path at = tmp.resolve("snapshot");
        mirror.export(first, at);
        assertThat(at.resolve("apps/shop/app.yaml")).hasContent("shop: 1");
        assertThat(at.resolve("README.md")).doesNotExist();
      }
      // Reopening the cache does not clone again and keeps what was fetched.
      try (RemoteMirror again = RemoteMirror.open(origin.toUri().toString(), "main", "platforms/acme", tmp.resolve("cache"), null)) {
        assertThat(again.head()).isPresent();
      }
    }
  }

  @Test
  void aMissingRepositoryOrBranchIsAClearError() throws Exception {
    assertThatThrownBy(() -> RemoteMirror.open(tmp.resolve("nowhere").toUri().toString(), "main", "", tmp.resolve("c1"), null))
        .isInstanceOf(IOException.class).hasMessageContaining("cannot clone");
    Path origin = Files.createDirectories(tmp.resolve("origin"));
    Files.writeString(origin.resolve("slipway.yaml"), "v: 1\n");
    try (Git git = Git.init().setInitialBranch("main").setDirectory(origin.toFile()).call()) {
      commit(git, "one");
    }
    try (RemoteMirror m = RemoteMirror.open(origin.toUri().toString(), "release", "", tmp.resolve("c2"), null)) {
      assertThatThrownBy(m::fetch).isInstanceOf(IOException.class).hasMessageContaining("release");
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("release");
    }
  }
}
