package dev.slipway.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The Git repository a platform directory lives in: which commit a sync comes from, whether the
 * platform's files have uncommitted changes, and the platform as it was at an earlier commit.
 */
public final class PlatformRepository implements AutoCloseable {
  private final Repository repository;
  private final String prefix;

  private PlatformRepository(Repository repository, String prefix) {
    this.repository = repository;
    this.prefix = prefix;
  }

  /** The platform at {@code prefix} ("" for the top) of an open repository, which the caller closes. */
  static PlatformRepository of(Repository repository, String prefix) {
    return new PlatformRepository(repository, prefix);
  }

  /** The repository holding {@code platformDir}, if it is in one. */
  public static Optional<PlatformRepository> find(Path platformDir) throws IOException {
    Path dir = platformDir.toAbsolutePath().normalize();
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(dir.toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    Repository repo = builder.setMustExist(true).build();
    Path top = repo.getWorkTree().toPath().toAbsolutePath().normalize();
    String prefix = top.relativize(dir).toString().replace('\\', '/');
    return Optional.of(new PlatformRepository(repo, prefix));
  }

  /** The commit HEAD points at, or null in a repository without commits. */
  public String head() throws IOException {
    ObjectId id = repository.resolve("HEAD");
    return id == null ? null : id.getName();
  }

  /**
   * Whether the platform's files differ from HEAD (modified, added, deleted or untracked), not
   * counting the directories named in {@code ignored} (relative to the platform, such as the
   * {@code out} directory {@code slipway plan} writes).
   */
  public boolean dirty(String... ignored) throws IOException {
    try (Git git = new Git(repository)) {
      var status = prefix.isEmpty() ? git.status().call() : git.status().addPath(prefix).call();
      java.util.Set<String> changed = new java.util.TreeSet<>(status.getUncommittedChanges());
      changed.addAll(status.getUntracked());
      changed.addAll(status.getConflicting());
      return changed.stream().map(p -> prefix.isEmpty() ? p : p.substring(Math.min(p.length(), prefix.length() + 1)))
          .anyMatch(p -> java.util.Arrays.stream(ignored).noneMatch(d -> p.startsWith(d + "/")));
    } catch (GitAPIException e) {
      throw new IOException("cannot read the repository status: " + e.getMessage(), e);
    }
  }

  /** Writes the platform directory as it was at {@code commit} into {@code target}. */
  public void export(String commit, Path target) throws IOException {
    ObjectId id = repository.resolve(commit);
    if (id == null) {
      throw new IOException("no commit " + commit + " in " + repository.getWorkTree());
    }
    try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
      RevCommit c = walk.parseCommit(id);
      tree.addTree(c.getTree());
      tree.setRecursive(true);
      if (!prefix.isEmpty()) {
        tree.setFilter(PathFilter.create(prefix));
      }
      while (tree.next()) {
        String path = tree.getPathString();
        String relative = prefix.isEmpty() ? path : path.substring(prefix.length() + 1);
        Path out = target.resolve(relative).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("refusing path outside the target: " + path);
        }
        Files.createDirectories(out.getParent());
        ObjectLoader blob = repository.open(tree.getObjectId(0));
        Files.write(out, blob.getBytes());
      }
    }
  }

  /**
   * Who is working in this repository, as Git would sign their commit: {@code user.email}, else
   * {@code user.name} of the repository's configuration (with the user's and the system's), or null.
   */
  public String identity() {
    org.eclipse.jgit.lib.StoredConfig config = repository.getConfig();
    String email = config.getString("user", null, "email");
    if (email != null && !email.isBlank()) {
      return email.trim();
    }
    String name = config.getString("user", null, "name");
    return name != null && !name.isBlank() ? name.trim() : null;
  }

  /**
   * Writes {@code files} (paths relative to the platform directory → content) and commits exactly
   * them, nothing else that happens to be staged or changed, as one commit. Returns its id.
   */
  public String commit(java.util.SortedMap<String, String> files, String message, String author) throws IOException {
    Path top = repository.getWorkTree().toPath().toAbsolutePath().normalize();
    Path base = (prefix.isEmpty() ? top : top.resolve(prefix)).normalize();
    java.util.List<String> paths = new java.util.ArrayList<>();
    for (var f : files.entrySet()) {
      Path out = base.resolve(f.getKey()).normalize();
      if (!out.startsWith(base) || Files.isSymbolicLink(out)) {
        throw new IOException("refusing to write " + f.getKey() + ": outside the platform directory or a symbolic link");
      }
      Files.createDirectories(out.getParent());
      Files.writeString(out, f.getValue(), java.nio.charset.StandardCharsets.UTF_8);
      paths.add(top.relativize(out).toString().replace('\\', '/'));
    }
    try (Git git = new Git(repository)) {
      for (String p : paths) {
        git.add().addFilepattern(p).call();
      }
      var commit = git.commit().setMessage(message);
      for (String p : paths) {
        commit.setOnly(p);
      }
      String name = repository.getConfig().getString("user", null, "name");
      String email = repository.getConfig().getString("user", null, "email");
      if (name == null || email == null) {
        // Without a configured identity JGit would guess one from the host; say who ran Slipway instead.
        org.eclipse.jgit.lib.PersonIdent who = new org.eclipse.jgit.lib.PersonIdent(name == null ? author : name,
            email == null ? author : email);
        commit.setAuthor(who).setCommitter(who);
      }
      return commit.call().getId().getName();
    } catch (GitAPIException e) {
      throw new IOException("cannot commit " + String.join(", ", files.keySet()) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    repository.close();
  }
}
