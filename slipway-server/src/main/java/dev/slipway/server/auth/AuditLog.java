package dev.slipway.server.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Every action, appended as one JSON object per line to a file (when one is given) and kept in a
 * bounded in-memory list for {@code GET /api/v1/audit}. Lines are written and flushed one at a
 * time under a lock, so a crash loses at most the line being written and lines never interleave.
 */
public final class AuditLog implements AutoCloseable {
  private final ObjectMapper json;
  private final Writer out;
  private final Deque<AuditEntry> recent = new ArrayDeque<>();
  private final int keep;

  /**
   * @param file the JSON lines file to append to, or null for memory only
   * @param keep how many recent entries to keep in memory
   */
  public AuditLog(Path file, int keep, ObjectMapper json) throws IOException {
    this.json = json;
    this.keep = keep;
    if (file != null) {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } else {
      this.out = null;
    }
  }

  public synchronized void record(AuditEntry entry) {
    recent.addLast(entry);
    while (recent.size() > keep) {
      recent.removeFirst();
    }
    if (out != null) {
      try {
        out.write(json.writeValueAsString(entry));
        out.write('\n');
        out.flush();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("an audit entry is plain data and always serialises", e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the audit log", e);
      }
    }
  }

  /** The most recent entries, newest first. */
  public synchronized List<AuditEntry> recent() {
    List<AuditEntry> list = new ArrayList<>(recent);
    java.util.Collections.reverse(list);
    return list;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
