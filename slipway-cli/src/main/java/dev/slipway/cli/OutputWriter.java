package dev.slipway.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Writes the output tree incrementally, one directory at a time as a streamed plan hands them
 * over: files whose content is unchanged are not touched, entries a directory no longer has are
 * deleted, so the regenerated directories hold exactly the plan. It refuses to touch a directory
 * it did not create.
 *
 * <p>Safety: every path must stay inside the output directory once normalised, and nothing is
 * written through a symbolic link. Before the first file is written, the directories the plan
 * regenerates are scanned once, without following links, and any symbolic link in them refuses the
 * plan (whether or not the plan would write that path: a stream cannot know every file name ahead).
 * Each directory is checked again before it is written and each file is opened without following
 * links, so a link planted after the scan fails instead of redirecting the write.
 *
 * <p>Thread-safe: directories may be written from several threads at once, each directory by one.
 */
final class OutputWriter {
  static final String MARKER = ".slipway-output";

  /** The output directory exists and holds files Slipway did not write, or a path is unsafe. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final Path base;
  private final Path outDir;
  /** Entries of each scanned directory before this run, by name; removed once the directory is written. */
  private final Map<Path, Set<String>> existing;
  private final Set<Path> checkedDirs = ConcurrentHashMap.newKeySet();
  private final AtomicInteger written = new AtomicInteger();
  private final AtomicInteger unchanged = new AtomicInteger();
  private final AtomicInteger deleted = new AtomicInteger();

  private OutputWriter(Path outDir, Path base, Map<Path, Set<String>> existing) {
    this.outDir = outDir;
    this.base = base;
    this.existing = existing;
  }

  /**
   * Opens {@code outDir} for a plan that regenerates {@code roots} (paths relative to it: the
   * environments' directories, or with {@code --app} the applications' directories).
   */
  static OutputWriter open(Path outDir, List<String> roots) throws IOException, Refused {
    return open(scan(outDir, roots));
  }

  /**
   * What the output directory holds before a plan, read without writing anything (so it can run
   * while the plan is still being resolved): {@code base} is null when the directory does not exist yet.
   */
  record Scan(Path outDir, Path base, Map<Path, Set<String>> existing) {}

  static Scan scan(Path outDir, List<String> roots) throws IOException, Refused {
    if (!Files.isDirectory(outDir)) {
      return new Scan(outDir, null, Map.of());
    }
    refuseForeign(outDir);
    Path base = outDir.toRealPath();
    Map<Path, Set<String>> existing = new HashMap<>();
    for (String root : new TreeSet<>(roots)) {
      Path r = confined(base, root);
      for (Path d = r; !d.equals(base); d = d.getParent()) {
        refuseLink(base, d);
      }
      if (Files.isDirectory(r, LinkOption.NOFOLLOW_LINKS)) {
        scan(base, r, existing);
      }
    }
    return new Scan(outDir, base, existing);
  }

  /** Opens the output directory a {@link #scan} read (creating it if it did not exist) and marks it as Slipway's. */
  static OutputWriter open(Scan scan) throws IOException, Refused {
    Path base = scan.base();
    if (base == null) {
      Files.createDirectories(scan.outDir());
      refuseForeign(scan.outDir()); // created by someone else since the scan
      base = scan.outDir().toRealPath();
    }
    if (Files.isSymbolicLink(base.resolve(MARKER))) {
      throw new Refused("refusing to write " + MARKER + ": it is a symbolic link; remove it from the output directory");
    }
    OutputWriter w = new OutputWriter(scan.outDir(), base, new ConcurrentHashMap<>(scan.existing()));
    w.writeFile(base.resolve(MARKER), "Written by slipway plan. Directories here are regenerated on every plan.\n");
    return w;
  }

  private static void refuseForeign(Path outDir) throws IOException, Refused {
    if (Files.isDirectory(outDir) && !Files.exists(outDir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS) && !isEmpty(outDir)) {
      throw new Refused(outDir + " exists and was not written by slipway; choose another --out-dir or remove it");
    }
  }

  /** Records every entry under {@code root}; refuses at the first symbolic link. */
  private static void scan(Path base, Path root, Map<Path, Set<String>> existing) throws IOException, Refused {
    Refused[] refused = new Refused[1];
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        existing.computeIfAbsent(dir, k -> new HashSet<>());
        if (!dir.equals(root)) {
          existing.computeIfAbsent(dir.getParent(), k -> new HashSet<>()).add(dir.getFileName().toString());
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
          refused[0] = linkRefusal(base, file);
          return FileVisitResult.TERMINATE;
        }
        existing.computeIfAbsent(file.getParent(), k -> new HashSet<>()).add(file.getFileName().toString());
        return FileVisitResult.CONTINUE;
      }
    });
    if (refused[0] != null) {
      throw refused[0];
    }
  }

  private static void refuseLink(Path base, Path p) throws IOException, Refused {
    if (Files.isSymbolicLink(p)) {
      throw linkRefusal(base, p);
    }
  }

  private static Refused linkRefusal(Path base, Path p) throws IOException {
    String what = Files.isDirectory(p) ? "write through " : "write ";
    return new Refused("refusing to " + what + base.relativize(p).toString().replace('\\', '/') + ": it is a symbolic link (to "
        + Files.readSymbolicLink(p) + "); remove it from the output directory");
  }

  /** The file's path under {@code base}; refused when it would resolve outside it. */
  static Path confined(Path base, String key) throws Refused {
    Path relative = Path.of(key);
    Path p = base.resolve(relative).normalize();
    if (relative.isAbsolute() || key.isEmpty() || !p.startsWith(base) || p.equals(base)) {
      throw new Refused("refusing to write " + key + ": the path leaves the output directory " + base);
    }
    return p;
  }

  /** Makes directory {@code dir} hold exactly {@code files} (paths relative to the output directory, directly inside it). */
  void writeDirectory(String dir, SortedMap<String, String> files) throws IOException, Refused {
    sync(dir, files, Set.of());
  }

  /**
   * Writes {@code files} into directory {@code dir} and deletes every other entry of it except the
   * subdirectories named in {@code keep}.
   */
  void sync(String dir, SortedMap<String, String> files, Set<String> keep) throws IOException, Refused {
    Path d = confined(base, dir);
    for (Path x = d; !x.equals(base); x = x.getParent()) {
      if (checkedDirs.add(x)) {
        refuseLink(base, x);
      }
    }
    Map<String, byte[]> contents = new HashMap<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = confined(base, f.getKey());
      if (!d.equals(p.getParent())) {
        throw new Refused("refusing to write " + f.getKey() + ": it is not directly inside " + dir);
      }
      contents.put(p.getFileName().toString(), f.getValue().getBytes(StandardCharsets.UTF_8));
    }
    Set<String> before = existing.remove(d);
    if (before == null) {
      Files.createDirectories(d);
      before = Set.of();
    }
    for (String name : new TreeSet<>(before)) {
      if (!contents.containsKey(name) && !keep.contains(name)) {
        deleteTree(d.resolve(name));
      }
    }
    for (String name : new TreeSet<>(contents.keySet())) {
      Path p = d.resolve(name);
      byte[] content = contents.get(name);
      // A directory that did not exist before this run holds no earlier files: nothing to compare.
      if (before.contains(name) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == content.length
          && Arrays.equals(Files.readAllBytes(p), content)) {
        unchanged.incrementAndGet();
        continue;
      }
      writeFile(p, content);
      written.incrementAndGet();
    }
  }

  /** Deletes a stale entry: a file, or a directory with everything in it (links are removed, never followed). */
  private void deleteTree(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(p);
      deleted.incrementAndGet();
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        boolean file = !Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS);
        Files.delete(x);
        if (file) {
          deleted.incrementAndGet();
        }
        existing.remove(x);
      }
    }
  }

  private void writeFile(Path p, String content) throws IOException {
    writeFile(p, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes a regular file, never following a link at its path, in one write call where the
   * system takes it whole ({@code Files.write} issues one per 8 KB).
   */
  private static void writeFile(Path p, byte[] content) throws IOException {
    try (FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    }
  }

  /** "N files written, N unchanged, N removed in DIR". */
  String summary() {
    return written.get() + " files written, " + unchanged.get() + " unchanged, " + deleted.get() + " removed in " + outDir.normalize();
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
