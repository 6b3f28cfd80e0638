package dev.slipway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.model.Diagnostic;
import java.util.List;

/** Shared output helpers: JSON rendering of diagnostics, aligned tables. */
final class Output {
  static final ObjectMapper JSON = new ObjectMapper();

  private Output() {}

  static String json(JsonNode node) {
    try {
      DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
      return JSON.writer(pp).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode diagnostic(Diagnostic d) {
    ObjectNode o = JSON.createObjectNode();
    o.put("severity", d.severity().label());
    o.put("code", d.code());
    o.put("file", d.file());
    o.put("line", d.line());
    o.put("column", d.column());
    o.put("path", d.path());
    o.put("message", d.message());
    return o;
  }

  /** Left-aligned columns, two spaces apart. */
  static String table(List<String[]> rows, String indent) {
    int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  /** Whether {@code format} is one of {@code allowed}; if not, says so on {@code err}. */
  static boolean checkFormat(java.io.PrintWriter err, String format, String... allowed) {
    if (java.util.List.of(allowed).contains(format)) {
      return true;
    }
    err.println("error: --output must be " + String.join(" or ", allowed) + ", got '" + format + "'");
    return false;
  }

  static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
