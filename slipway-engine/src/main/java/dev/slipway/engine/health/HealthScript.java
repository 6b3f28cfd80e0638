package dev.slipway.engine.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.sync.Health.Assessment;
import dev.slipway.engine.sync.HealthStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * One Argo CD-format Lua health script, compiled once: the global {@code obj} in, a table
 * {@code {status, message}} out. Whatever goes wrong in a run — a Lua error, a budget spent, a
 * result that is not a table or not a health status — is a health of Unknown that says why; a
 * script never throws into its caller.
 */
public final class HealthScript {
  /** Argo CD's message for a status outside its vocabulary. */
  public static final String INVALID_STATUS = "Lua returned an invalid health status";

  private final String name;
  private final Prototype chunk;

  private HealthScript(String name, Prototype chunk) {
    this.name = name;
    this.chunk = chunk;
  }

  /** A script that does not compile: the line in the script (1-based, 0 when unknown) and why. */
  public static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    SyntaxError(int line, String message) {
      super(message);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  /**
   * luaj's "chunk:line: message" for syntax errors (the chunk name may be shortened, as Lua
   * shortens long ones) and "@chunk:line message" for errors at run time.
   */
  private static final Pattern LOCATED = Pattern.compile("^@?[^\\n]*?:(\\d+):? (.*)$", Pattern.DOTALL);

  /**
   * Compiles {@code source}.
   *
   * @param name how messages name the script (a path, or the spec field)
   */
  public static HealthScript compile(String source, String name) throws SyntaxError {
    try {
      return new HealthScript(name, LuaSandbox.compile(source, name));
    } catch (LuaError e) {
      String m = tokenNames(e.getMessage() == null ? "not valid Lua" : e.getMessage());
      Matcher at = LOCATED.matcher(m);
      if (at.matches()) {
        throw new SyntaxError(Integer.parseInt(at.group(1)), at.group(2));
      }
      throw new SyntaxError(0, m);
    }
  }

  /** Lua's reserved words and multi-character tokens, from code 257, as luaj numbers them. */
  private static final String[] TOKENS = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
      "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", "..", "...", "==", ">=", "<=", "~=",
      "::", "<eof>", "<number>", "<name>", "<string>"};
  private static final Pattern TOKEN_CODE = Pattern.compile("symbol (\\d{3}) \\(.\\)");

  /** luaj names some tokens by code ("unexpected symbol 286 (Ğ)"); Lua names them ("near <eof>"). */
  private static String tokenNames(String message) {
    Matcher m = TOKEN_CODE.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int code = Integer.parseInt(m.group(1)) - 257;
      String name = code >= 0 && code < TOKENS.length ? "symbol near '" + TOKENS[code] + "'" : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(name));
    }
    m.appendTail(out);
    return out.toString();
  }

  public String name() {
    return name;
  }

  /** The object's health by this script, in {@code sandbox}. */
  public Assessment assess(JsonNode obj, LuaSandbox sandbox) {
    LuaValue result;
    try {
      result = sandbox.run(chunk, obj);
    } catch (LuaError e) {
      return unknown("health script " + name + " failed: " + withoutTraceback(e));
    } catch (LuaSandbox.BudgetExceeded e) {
      return unknown("health script " + name + " stopped: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      return unknown("health script " + name + " stopped: it ran out of memory");
    } catch (RuntimeException e) {
      // A fault inside luaj's own library code on odd input: still the script's outcome, not ours.
      return unknown("health script " + name + " failed: " + e);
    }
    if (!result.istable()) {
      return unknown("health script " + name + ": expect table output from Lua script, not " + result.typename());
    }
    LuaValue status = result.rawget("status");
    LuaValue message = result.rawget("message");
    HealthStatus s = null;
    if (status.isstring() && !status.isnumber()) {
      for (HealthStatus h : HealthStatus.values()) {
        if (h.label().equals(status.tojstring())) {
          s = h;
        }
      }
    }
    if (s == null) {
      return unknown(INVALID_STATUS);
    }
    return new Assessment(s, message.isstring() ? message.tojstring() : "");
  }

  /** The error as "line N: message" (the script is named already), without a traceback. */
  private static String withoutTraceback(LuaError e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int stack = m.indexOf("\nstack traceback:");
    m = stack < 0 ? m : m.substring(0, stack);
    Matcher at = LOCATED.matcher(m);
    return at.matches() ? "line " + at.group(1) + ": " + at.group(2) : m;
  }

  private static Assessment unknown(String message) {
    return new Assessment(HealthStatus.UNKNOWN, message);
  }
}
