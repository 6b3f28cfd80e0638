package dev.slipway.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * A bare local mirror of one branch of a remote platform repository, as {@code slipway serve
 * --repo URL} keeps it: cloned once into a cache directory, fetched on each poll or webhook, and
 * read commit by commit (the platform as it was at a commit, which paths a commit changed).
 */
public final class RemoteMirror implements AutoCloseable {
  private final Git git;
  private final String url;
  private final String branch;
  private final String subdirectory;
  private final CredentialsProvider credentials;

  private RemoteMirror(Git git, String url, String branch, String subdirectory, CredentialsProvider credentials) {
    this.git = git;
    this.url = url;
    this.branch = branch;
    this.subdirectory = subdirectory == null ? "" : subdirectory.replaceAll("^/+|/+$", "");
    this.credentials = credentials;
  }

  /**
   * Opens the mirror of {@code branch} of {@code url} in {@code cache}, cloning it when the
   * cache is empty. {@code subdirectory} is where the platform lives in the repository ("" for
   * the top); {@code credentials} may be null for a public or local repository.
   */
  public static RemoteMirror open(String url, String branch, String subdirectory, Path cache, CredentialsProvider credentials)
      throws IOException {
    try {
      Git git;
      if (Files.isDirectory(cache) && Files.exists(cache.resolve("HEAD"))) {
        git = Git.open(cache.toFile());
      } else {
        Files.createDirectories(cache);
        git = Git.cloneRepository().setURI(url).setBare(true).setDirectory(cache.toFile())
            .setBranchesToClone(List.of("refs/heads/" + branch)).setBranch("refs/heads/" + branch)
            .setCredentialsProvider(credentials).call();
      }
      return new RemoteMirror(git, url, branch, subdirectory, credentials);
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot clone " + url + " (branch " + branch + "): " + e.getMessage(), e);
    }
  }

  /** Fetches the branch and returns the commit it points at now. */
  public String fetch() throws IOException {
    try {
      git.fetch().setRemote(url).setCredentialsProvider(credentials)
          .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":refs/heads/" + branch)).call();
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot fetch " + url + " (branch " + branch + "): " + e.getMessage(), e);
    }
    return head().orElseThrow(() -> new IOException("branch " + branch + " has no commit in " + url));
  }

  /** The commit the mirrored branch points at, without fetching. */
  public Optional<String> head() throws IOException {
    ObjectId id = git.getRepository().resolve("refs/heads/" + branch);
    return Optional.ofNullable(id).map(ObjectId::getName);
  }

  /** Writes the platform as it was at {@code commit} into {@code target} (which must be empty or absent). */
  public void export(String commit, Path target) throws IOException {
    Files.createDirectories(target);
    PlatformRepository.of(git.getRepository(), subdirectory).export(commit, target.toAbsolutePath().normalize());
  }

  /**
   * The paths, relative to the platform directory, that differ between two commits (added,
   * changed, deleted or renamed: both names); every path when {@code from} is null.
   */
  public List<String> changedPaths(String from, String to) throws IOException {
    Repository repo = git.getRepository();
    try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(repo)) {
      CanonicalTreeParser newTree = new CanonicalTreeParser(null, reader, walk.parseCommit(resolve(to)).getTree());
      var diff = git.diff().setNewTree(newTree).setShowNameAndStatusOnly(true);
      if (from != null) {
        diff.setOldTree(new CanonicalTreeParser(null, reader, walk.parseCommit(resolve(from)).getTree()));
      } else {
        diff.setOldTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
      }
      List<String> out = new ArrayList<>();
      for (DiffEntry e : diff.call()) {
        for (String p : new String[] {e.getOldPath(), e.getNewPath()}) {
          String rel = relative(p);
          if (rel != null && !out.contains(rel)) {
            out.add(rel);
          }
        }
      }
      return out;
    } catch (GitAPIException e) {
      throw new IOException("cannot compare " + from + " and " + to + ": " + e.getMessage(), e);
    }
  }

  private ObjectId resolve(String commit) throws IOException {
    ObjectId id = git.getRepository().resolve(commit);
    if (id == null) {
      throw new IOException("no commit " + commit + " in the mirror of " + url);
    }
    return id;
  }

  private String relative(String path) {
    if (path == null || path.equals(DiffEntry.DEV_NULL)) {
      return null;
    }
    if (subdirectory.isEmpty()) {
      return path;
    }
    return path.startsWith(subdirectory + "/") ? path.substring(subdirectory.length() + 1) : null;
  }

  @Override
  public void close() {
    git.close();
  }
}
