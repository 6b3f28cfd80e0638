package dev.slipway.model.score;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The files a Score container's {@code files[].source} names, read from the folder of the Score
 * file. A source must stay inside that folder (no absolute paths, no {@code ..}, no symlink
 * out): a platform repository's application folder is all a Score file may read, as it is all
 * a reviewer of that folder sees.
 */
public final class ScoreFiles {
  /** ConfigMaps hold at most 1 MiB; a bigger file could never be mounted. */
  static final long MAX_BYTES = 1 << 20;
  private final Path folder;
  private final Set<Path> read = new TreeSet<>();

  private ScoreFiles(Path folder) {
    this.folder = folder;
  }

  public static ScoreFiles in(Path folder) {
    return new ScoreFiles(folder);
  }

  /** The files read so far, so the folder's other files can be reported as unread. */
  public Set<Path> filesRead() {
    return Set.copyOf(read);
  }

  String read(String source, Position at, String path, Diagnostics d) {
    Path rel = Path.of(source).normalize();
    if (rel.isAbsolute() || rel.startsWith("..") || source.contains("\\")) {
      d.error("score.invalid-source", at, path, "a file source must be a path inside the folder of the Score file, got '" + source + "'");
      return null;
    }
    Path file = folder.resolve(rel);
    try {
      if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(folder.toRealPath())) {
        d.error("score.invalid-source", at, path, "no file '" + source + "' next to the Score file");
        return null;
      }
      if (Files.size(file) > MAX_BYTES) {
        d.error("score.invalid-source", at, path, "'" + source + "' is larger than 1 MiB, the most a ConfigMap holds");
        return null;
      }
      String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
      read.add(file);
      return text;
    } catch (CharacterCodingException e) {
      d.error("score.invalid-source", at, path, "'" + source + "' is not UTF-8 text");
      return null;
    } catch (IOException e) {
      d.error("io.read", at, path, "cannot read '" + source + "': " + e.getMessage());
      return null;
    }
  }
}
