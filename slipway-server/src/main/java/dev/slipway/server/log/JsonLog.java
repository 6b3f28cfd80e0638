package dev.slipway.server.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Structured logs: one JSON object per line with {@code time}, {@code level}, {@code logger},
 * {@code message}, then the context ({@code application}, {@code environment}, {@code revision},
 * {@code reconcileId}) and any other fields given.
 *
 * <p>Context set with {@link #withContext} is attached to every line the thread writes until the
 * returned scope is closed, as SLF4J's MDC is in JOSDK: a reconcile opens a scope once and every
 * line it logs carries its application, environment and reconcile id. Slipway has no logging
 * framework (the CLI reports through its own output), so this is the one place lines are shaped.
 */
public final class JsonLog {

  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /** The context fields, in the order they appear on every line. */
  public static final String APPLICATION = "application";
  public static final String ENVIRONMENT = "environment";
  public static final String REVISION = "revision";
  public static final String RECONCILE_ID = "reconcileId";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadLocal<Map<String, String>> CONTEXT = ThreadLocal.withInitial(HashMap::new);

  private final String logger;
  private final Sink sink;

  /** Where lines go, and from which level on. Shared by all loggers of one server. */
  public static final class Sink {
    private final PrintStream out;
    private final Clock clock;
    private final Level threshold;

    public Sink(PrintStream out, Clock clock, Level threshold) {
      this.out = out;
      this.clock = clock;
      this.threshold = threshold;
    }

    public static Sink stderr() {
      return new Sink(System.err, Clock.systemUTC(), Level.INFO);
    }

    void write(String line) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  public JsonLog(String logger, Sink sink) {
    this.logger = logger;
    this.sink = sink;
  }

  /** Attaches context fields to this thread's lines until the scope is closed; nulls are skipped. */
  public static Scope withContext(String application, String environment, String revision, String reconcileId) {
    Map<String, String> before = new HashMap<>(CONTEXT.get());
    Map<String, String> now = CONTEXT.get();
    putIfSet(now, APPLICATION, application);
    putIfSet(now, ENVIRONMENT, environment);
    putIfSet(now, REVISION, revision);
    putIfSet(now, RECONCILE_ID, reconcileId);
    return () -> {
      CONTEXT.get().clear();
      CONTEXT.get().putAll(before);
    };
  }

  private static void putIfSet(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  /** Closing restores the context that was in place before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  public void debug(String message, Object... fields) {
    log(Level.DEBUG, message, fields);
  }

  public void info(String message, Object... fields) {
    log(Level.INFO, message, fields);
  }

  public void warn(String message, Object... fields) {
    log(Level.WARN, message, fields);
  }

  public void error(String message, Object... fields) {
    log(Level.ERROR, message, fields);
  }

  public boolean enabled(Level level) {
    return level.ordinal() >= sink.threshold.ordinal();
  }

  /**
   * Writes one line.
   *
   * @param fields alternating names and values; a {@link Throwable} value is written as its class
   *     and message (stack traces are for debuggers, not for log pipelines)
   */
  public void log(Level level, String message, Object... fields) {
    if (!enabled(level)) {
      return;
    }
    ObjectNode line = JSON.createObjectNode();
    line.put("time", sink.clock.instant().toString());
    line.put("level", level.name());
    line.put("logger", logger);
    line.put("message", message);
    Map<String, Object> all = new LinkedHashMap<>();
    Map<String, String> context = CONTEXT.get();
    for (String k : new String[] {APPLICATION, ENVIRONMENT, REVISION, RECONCILE_ID}) {
      if (context.containsKey(k)) {
        all.put(k, context.get(k));
      }
    }
    for (int i = 0; i + 1 < fields.length; i += 2) {
      Object v = fields[i + 1];
      if (v instanceof Supplier<?> s) {
        v = s.get();
      }
      if (v instanceof Throwable t) {
        v = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
      }
      if (v != null) {
        all.put(String.valueOf(fields[i]), v);
      }
    }
    all.forEach((k, v) -> {
      if (v instanceof Number || v instanceof Boolean) {
        line.set(k, JSON.valueToTree(v));
      } else {
        line.put(k, v.toString());
      }
    });
    try {
      sink.write(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      sink.write("{\"level\":\"ERROR\",\"message\":\"unserialisable log line\"}");
    }
  }
}
