package dev.slipway.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which applications a new revision of the platform's files changed. */
class InputDigestTest {
  @TempDir
  Path dir;

  private void write(String path, String text) throws Exception {
    Files.createDirectories(dir.resolve(path).getParent());
    Files.writeString(dir.resolve(path), text);
  }

  @Test
  void aPromotionChangesOnlyTheApplicationWhoseReleaseFileChanged() throws Exception {
    write("slipway.yaml", "platform");
    write("apps/shop/app.yaml", "shop");
    write("apps/blog/app.yaml", "blog");
    InputDigest before = InputDigest.of(dir);
    write("releases/prod/shop.yaml", "release");
    assertThat(InputDigest.of(dir).changedSince(before)).containsExactly("shop");
    InputDigest promoted = InputDigest.of(dir);
    write("releases/prod/blog.approvals.yaml", "approvals");
    assertThat(InputDigest.of(dir).changedSince(promoted)).containsExactly("blog");
    InputDigest approved = InputDigest.of(dir);
    write("slipway.yaml", "platform 2");
    assertThat(InputDigest.of(dir).changedSince(approved)).containsExactly("blog", "shop");
  }
}
