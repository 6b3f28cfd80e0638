package dev.slipway.server.control;

import dev.slipway.git.PlatformRepository;
import dev.slipway.git.RemoteMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the server reads the platform from: a directory (its Git HEAD when it is in a repository)
 * or a mirrored remote branch, exported commit by commit into a working folder.
 */
public interface PlatformSource extends AutoCloseable {
  /** The platform's files at one revision. */
  record Snapshot(Path dir, String revision, boolean inGit) {}

  /** Reads the platform now (fetching a remote first); the snapshot may be the same as last time. */
  Snapshot read() throws IOException;

  /** Writes the platform files of {@code commit} into {@code into}; false when there is no repository. */
  boolean export(String commit, Path into) throws IOException;

  /** What the server says it watches ("examples/acme", "https://… (main)"). */
  String describe();

  @Override
  default void close() {}

  /** A platform directory on disk, read in place. */
  static PlatformSource directory(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    return new PlatformSource() {
      @Override
      public Snapshot read() throws IOException {
        Optional<PlatformRepository> repo = PlatformRepository.find(root);
        if (repo.isEmpty()) {
          return new Snapshot(root, "local:" + InputDigest.of(root).platform().substring(0, 12), false);
        }
        try (PlatformRepository r = repo.get()) {
          String head = r.head();
          if (head == null) {
            return new Snapshot(root, "local:" + InputDigest.of(root).platform().substring(0, 12), false);
          }
          boolean dirty = r.dirty("out");
          return new Snapshot(root, dirty ? head + "+dirty" : head, true);
        }
      }

      @Override
      public boolean export(String commit, Path into) throws IOException {
        Optional<PlatformRepository> repo = PlatformRepository.find(root);
        if (repo.isEmpty()) {
          return false;
        }
        try (PlatformRepository r = repo.get()) {
          r.export(commit, into);
          return true;
        }
      }

      @Override
      public String describe() {
        return root.toString();
      }
    };
  }

  /** A branch of a remote repository, mirrored into {@code work}; each new commit is exported into its own folder. */
  static PlatformSource remote(RemoteMirror mirror, String description, Path work) {
    return new PlatformSource() {
      private Snapshot last;

      @Override
      public synchronized Snapshot read() throws IOException {
        String commit = mirror.fetch();
        if (last != null && last.revision().equals(commit)) {
          return last;
        }
        Path dir = work.resolve("rev-" + commit);
        if (!Files.isDirectory(dir)) {
          Path tmp = work.resolve("tmp-" + commit);
          deleteTree(tmp);
          mirror.export(commit, tmp);
          Files.move(tmp, dir);
        }
        Snapshot previous = last;
        last = new Snapshot(dir, commit, true);
        if (previous != null) {
          deleteTree(previous.dir());
        }
        return last;
      }

      @Override
      public boolean export(String commit, Path into) throws IOException {
        mirror.export(commit, into);
        return true;
      }

      @Override
      public String describe() {
        return description;
      }

      @Override
      public void close() {
        mirror.close();
      }
    };
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
