package dev.slipway.engine.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;
import org.luaj.vm2.lib.jse.JseOsLib;

/**
 * An embedded Lua (luaj, Lua 5.2) with Argo CD's health-script environment, sandboxed.
 *
 * <p>What a script sees: the base library without {@code dofile}, {@code loadfile}, {@code load},
 * {@code loadstring} and {@code collectgarbage} (calling one is an error that says it is not
 * available; {@code print} writes nowhere), {@code string}, {@code table} and {@code math}, and of
 * {@code os} only {@code time} and {@code date}, as Argo CD's safe OS library; {@code require}
 * gives only those libraries (Argo CD's scripts may {@code require("os")}). No {@code io}, no
 * {@code debug} (any field of theirs is an error that says so), no {@code package}, no coroutines
 * (luaj runs each on a Java thread). Lua 5.1 names that Argo CD's gopher-lua has and
 * Argo CD's scripts use ({@code table.getn}, {@code unpack}, {@code math.mod}, {@code string.gfind})
 * are provided.
 *
 * <p>Every call runs in fresh globals, so nothing a script leaves behind reaches the next call; the
 * compiled chunk ({@link Prototype}) is shared. Budgets per call, checked before every instruction
 * by a debug hook that the script cannot see:
 *
 * <ul>
 *   <li><b>instructions</b>: {@link Budget#instructions()} Lua VM instructions;
 *   <li><b>time</b>: {@link Budget#time()} of wall-clock time, checked every 256 instructions;
 *   <li><b>memory</b>: {@link Budget#memoryBytes()} allocated by the calling thread during the call
 *       (HotSpot's per-thread allocation counter), checked before every instruction, which bounds
 *       what a script can hold: growth needs instructions (a table grows one store at a time, a
 *       string by concatenation). The library functions that can multiply a string in one call
 *       ({@code string.rep}, {@code table.concat}, {@code string.gsub}, {@code string.format}) are
 *       refused up front when their result could pass {@link Budget#maxStringBytes()};
 *   <li><b>call depth</b>: {@link #MAX_DEPTH} nested Lua calls.
 * </ul>
 *
 * The budget errors are Java {@link Error}s, so a script's {@code pcall} cannot catch them.
 */
public final class LuaSandbox {
  /** Nested calls allowed, as C Lua's default limit of C calls. */
  public static final int MAX_DEPTH = 200;

  /**
   * The limits of one call.
   *
   * @param instructions Lua VM instructions
   * @param time wall-clock time (Argo CD gives a script one second)
   * @param memoryBytes bytes the call may allocate
   * @param maxStringBytes the longest string a library function may build in one call
   */
  public record Budget(long instructions, Duration time, long memoryBytes, int maxStringBytes) {
    /** One million instructions, one second, 64 MiB allocated, strings up to 1 MiB from one library call. */
    public static final Budget DEFAULT = new Budget(1_000_000, Duration.ofSeconds(1), 64L << 20, 1 << 20);
  }

  /** The script used more than its budget; not a {@link LuaError}, so {@code pcall} cannot catch it. */
  static final class BudgetExceeded extends Error {
    private static final long serialVersionUID = 1L;

    BudgetExceeded(String message) {
      super(message, null, false, false);
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS = threads();

  /** The metatable of every string: indexes a guarded string library no script can reach. */
  private static final LuaTable STRING_META = new LuaTable();

  /** Argo CD's safe OS library: os.time and os.date (luaj's, stateless, shared). */
  private static final LuaValue OS_TIME;
  private static final LuaValue OS_DATE;

  static {
    // Strings share one metatable in luaj (a static field). It indexes a string library of our own
    // and hides itself (__metatable), so no script can change what ("x"):rep() calls for another.
    Globals g = new Globals();
    g.load(new JseBaseLib());
    g.load(new PackageLib());
    g.load(new StringLib());
    LuaTable shared = new LuaTable();
    LuaValue string = g.get("string");
    for (Varargs k = string.next(LuaValue.NIL); !k.arg1().isnil(); k = string.next(k.arg1())) {
      shared.rawset(k.arg1(), k.arg(2));
    }
    shared.rawset("dump", LuaValue.NIL);
    guardStrings(shared, null);
    STRING_META.rawset(LuaValue.INDEX, shared);
    STRING_META.rawset(LuaValue.METATABLE, LuaValue.valueOf("string"));
    LuaString.s_metatable = STRING_META;
    Globals scratch = new Globals();
    scratch.load(new JseBaseLib());
    scratch.load(new PackageLib());
    scratch.load(new JseOsLib());
    OS_TIME = scratch.get("os").get("time");
    OS_DATE = scratch.get("os").get("date");
  }

  private static com.sun.management.ThreadMXBean threads() {
    java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
    if (t instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
      if (!sun.isThreadAllocatedMemoryEnabled()) {
        sun.setThreadAllocatedMemoryEnabled(true);
      }
      return sun;
    }
    return null;
  }

  private final Budget budget;

  public LuaSandbox(Budget budget) {
    this.budget = budget;
  }

  public Budget budget() {
    return budget;
  }

  /**
   * Compiles a script once; its chunk is run by {@link #run} as often as needed.
   *
   * @param chunkName how errors name the script (a file path, or the spec field)
   * @throws LuaError with "chunkName:line: message" when the text is not valid Lua
   */
  public static Prototype compile(String source, String chunkName) {
    try {
      return LuaC.instance.compile(new ByteArrayInputStream(source.getBytes(StandardCharsets.UTF_8)), "@" + chunkName);
    } catch (IOException e) {
      throw new LuaError(e.getMessage());
    }
  }

  /**
   * Runs a compiled script with {@code obj} as the global {@code obj} and returns what the chunk
   * returned (its first value).
   *
   * @throws LuaError when the script raised an error
   * @throws BudgetExceeded when it ran out of a budget
   */
  LuaValue run(Prototype chunk, JsonNode obj) {
    Budgeted hook = new Budgeted(budget);
    Globals g = globals(hook, budget);
    g.set("obj", toLua(obj));
    LuaClosure closure = new LuaClosure(chunk, g);
    hook.start();
    try {
      return closure.invoke(LuaValue.NONE).arg1();
    } catch (StackOverflowError e) {
      throw new BudgetExceeded("the script recursed too deeply (Java stack overflow)");
    }
  }

  private static Globals globals(Budgeted hook, Budget budget) {
    Globals g = new Globals();
    g.load(new JseBaseLib());
    // Loaded only because the other libraries register themselves in package.loaded; removed below.
    g.load(new PackageLib());
    g.load(new TableLib());
    g.load(new StringLib());
    g.load(new JseMathLib());
    LoadState.install(g);
    LuaC.install(g);
    // Debug hooks see every instruction; the library itself is not left to the script.
    g.load(hook);
    g.set("package", LuaValue.NIL);
    g.set("module", LuaValue.NIL);
    // What the sandbox leaves out fails with a message that says so, rather than "attempt to call nil".
    for (String name : new String[] {"dofile", "loadfile", "load", "loadstring", "collectgarbage"}) {
      g.set(name, denied(name));
    }
    g.set("io", deniedLibrary("io", new LuaTable()));
    g.set("debug", deniedLibrary("debug", new LuaTable()));
    g.set("print", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return LuaValue.NONE;
      }
    });
    // Only os.time and os.date, as Argo CD's safe OS library.
    LuaTable os = new LuaTable();
    os.set("time", OS_TIME);
    os.set("date", OS_DATE);
    g.set("os", deniedLibrary("os", os));
    // Lua 5.1 names (gopher-lua's, which Argo CD runs) that Argo CD scripts use.
    LuaValue table = g.get("table");
    table.set("getn", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue t) {
        return t.checktable().len();
      }
    });
    g.set("unpack", table.get("unpack"));
    guardConcat(table, budget.maxStringBytes());
    LuaValue math = g.get("math");
    if (math.get("mod").isnil()) {
      math.set("mod", math.get("fmod"));
    }
    LuaValue string = g.get("string");
    string.set("gfind", string.get("gmatch"));
    string.set("dump", LuaValue.NIL);
    guardStrings(string, budget);
    // As in Argo CD, require("os") gives the safe os library; the other standard ones are there too.
    g.set("require", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue name) {
        String n = name.checkjstring();
        LuaValue lib = switch (n) {
          case "os", "string", "table", "math" -> g.get(n);
          default -> LuaValue.NIL;
        };
        if (lib.isnil()) {
          throw new LuaError("require('" + n + "') is not available: health scripts cannot load modules");
        }
        return lib;
      }
    });
    // (luaj's StringLib sets the shared string metatable only when there is none: ours stays.)
    return g;
  }

  private static final String NOT_AVAILABLE = " is not available to health scripts (no files, processes or loading of code)";

  // (LibFunction has a field "name": the captured names below are called otherwise.)
  private static LuaValue denied(String function) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        throw new LuaError(function + NOT_AVAILABLE);
      }
    };
  }

  /** {@code lib} (possibly empty), where any other field is an error that names it. */
  private static LuaTable deniedLibrary(String library, LuaTable lib) {
    LuaTable meta = new LuaTable();
    meta.rawset(LuaValue.INDEX, new org.luaj.vm2.lib.TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue table, LuaValue key) {
        throw new LuaError(library + "." + key.tojstring() + NOT_AVAILABLE);
      }
    });
    meta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
    lib.setmetatable(meta);
    return lib;
  }

  /**
   * Replaces the library functions that can build a long string in one call by ones that refuse
   * when the result could pass the budget's string limit, before anything is allocated. (The
   * shared string metatable's copy, behind {@code ("x"):rep(n)}, uses the default limit.)
   */
  private static void guardStrings(LuaValue string, Budget budget) {
    int max = (budget == null ? Budget.DEFAULT : budget).maxStringBytes();
    LuaValue rep = string.get("rep");
    string.set("rep", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        long n = Math.max(0, a.optlong(2, 0));
        long sep = a.isnoneornil(3) ? 0 : a.checkstring(3).length();
        if (n * (a.checkstring(1).length() + sep) > max) {
          throw new LuaError("string.rep would build a string longer than " + max + " bytes");
        }
        return rep.invoke(a);
      }
    });
    LuaValue gsub = string.get("gsub");
    string.set("gsub", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        long s = a.checkstring(1).length();
        long most = s + 1;
        if (!a.isnoneornil(4)) {
          most = Math.min(most, Math.max(0, a.checklong(4)));
        }
        LuaValue repl = a.arg(3);
        long each;
        if (repl.isstring()) {
          // %0..%9 insert a capture of at most the whole subject.
          LuaString r = repl.checkstring();
          long captures = 0;
          for (int i = 0; i < r.length(); i++) {
            if (r.luaByte(i) == '%') {
              captures++;
            }
          }
          each = r.length() + captures * s;
        } else if (repl.istable()) {
          each = 0;
          for (Varargs k = repl.next(LuaValue.NIL); !k.arg1().isnil(); k = repl.next(k.arg1())) {
            if (k.arg(2).isstring()) {
              each = Math.max(each, k.arg(2).tostring().length());
            }
          }
          each = Math.max(each, s);
        } else {
          // A function's results are built by its own instructions, which the hook meters.
          each = s;
        }
        if (s + most * each > max) {
          throw new LuaError("string.gsub could build a string longer than " + max + " bytes");
        }
        return gsub.invoke(a);
      }
    });
    LuaValue format = string.get("format");
    string.set("format", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        long size = a.checkstring(1).length();
        for (int i = 2; i <= a.narg(); i++) {
          // Each conversion adds its argument and at most 99 characters of width or precision.
          size += (a.arg(i).isstring() ? a.arg(i).tostring().length() : 32) + 99;
        }
        if (size > max) {
          throw new LuaError("string.format could build a string longer than " + max + " bytes");
        }
        return format.invoke(a);
      }
    });
  }

  private static void guardConcat(LuaValue table, int max) {
    LuaValue concat = table.get("concat");
    table.set("concat", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        LuaTable t = a.checktable(1);
        long sep = a.isnoneornil(2) ? 0 : a.checkstring(2).length();
        int from = a.optint(3, 1);
        int to = a.isnoneornil(4) ? t.length() : a.checkint(4);
        long size = 0;
        for (long i = from; i <= to && size <= max; i++) {
          LuaValue v = t.get((int) i);
          size += (v.isstring() ? v.tostring().length() : 0) + sep;
        }
        if (size > max) {
          throw new LuaError("table.concat would build a string longer than " + max + " bytes");
        }
        return concat.invoke(a);
      }
    });
  }

  /** A JSON value as Argo CD hands it to Lua: maps and lists as tables, null as nil. */
  static LuaValue toLua(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (n.isObject()) {
      LuaTable t = new LuaTable(0, n.size());
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        LuaValue v = toLua(e.getValue());
        if (!v.isnil()) {
          t.rawset(e.getKey(), v);
        }
      }
      return t;
    }
    if (n.isArray()) {
      LuaTable t = new LuaTable(n.size(), 0);
      for (int i = 0; i < n.size(); i++) {
        t.rawset(i + 1, toLua(n.get(i)));
      }
      return t;
    }
    if (n.isBoolean()) {
      return LuaValue.valueOf(n.booleanValue());
    }
    if (n.isIntegralNumber() && n.canConvertToInt()) {
      return LuaValue.valueOf(n.intValue());
    }
    if (n.isNumber()) {
      return LuaValue.valueOf(n.doubleValue());
    }
    return LuaValue.valueOf(n.asText());
  }

  /** The hook: luaj calls it before every instruction and around every call of the script's globals. */
  private static final class Budgeted extends DebugLib {
    private final Budget budget;
    private long instructions;
    private long deadline;
    private long allocatedAtStart;
    private int depth;

    Budgeted(Budget budget) {
      this.budget = budget;
    }

    void start() {
      deadline = System.nanoTime() + budget.time().toNanos();
      allocatedAtStart = THREADS == null ? 0 : THREADS.getCurrentThreadAllocatedBytes();
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
      if (++instructions > budget.instructions()) {
        throw new BudgetExceeded("the script ran more than " + budget.instructions() + " instructions (an endless loop?)");
      }
      if ((instructions & 255) == 0 && System.nanoTime() > deadline) {
        throw new BudgetExceeded("the script ran longer than " + budget.time().toMillis() + " ms");
      }
      if (THREADS != null && THREADS.getCurrentThreadAllocatedBytes() - allocatedAtStart > budget.memoryBytes()) {
        throw new BudgetExceeded("the script allocated more than " + (budget.memoryBytes() >> 20) + " MiB");
      }
      super.onInstruction(pc, v, top);
    }

    @Override
    public void onCall(LuaFunction f) {
      enter();
      super.onCall(f);
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
      enter();
      super.onCall(c, varargs, stack);
    }

    private void enter() {
      if (++depth > MAX_DEPTH) {
        depth--;
        throw new BudgetExceeded("the script nested calls deeper than " + MAX_DEPTH + " (endless recursion?)");
      }
    }

    @Override
    public void onReturn() {
      depth--;
      super.onReturn();
    }
  }
}
