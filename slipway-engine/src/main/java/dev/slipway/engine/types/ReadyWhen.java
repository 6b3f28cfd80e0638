package dev.slipway.engine.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code readyWhen} conditions of an object of a platform-defined type, judged on the live
 * object: the renderer writes them into the {@code slipway.dev/ready-when} annotation
 * ({@code {"id": "deployment", "conditions": [...]}}), and health reads them from there, so sync,
 * status and the server judge the object as its type says, with no access to the type file.
 */
public final class ReadyWhen {
  public static final String ANNOTATION = "slipway.dev/ready-when";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, CelRuntime.Program> CACHE = new ConcurrentHashMap<>();

  private ReadyWhen() {}

  /**
   * The verdict: {@code ready} when every condition holds; {@code waiting} with the first that does
   * not (or reads a field the object does not have yet); {@code broken} when a condition cannot be
   * evaluated at all (not CEL, not a bool).
   */
  public record Verdict(State state, String message) {}

  public enum State {
    READY,
    WAITING,
    BROKEN
  }

  /** The verdict for {@code live}, or null when it carries no readyWhen annotation. */
  public static Verdict judge(JsonNode live) {
    JsonNode ann = live.path("metadata").path("annotations").path(ANNOTATION);
    if (!ann.isTextual()) {
      return null;
    }
    JsonNode spec;
    try {
      spec = JSON.readTree(ann.asText());
    } catch (java.io.IOException e) {
      return new Verdict(State.BROKEN, "annotation " + ANNOTATION + " is not JSON");
    }
    String id = spec.path("id").asText("");
    if (id.isEmpty() || !spec.path("conditions").isArray()) {
      return new Verdict(State.BROKEN, "annotation " + ANNOTATION + " needs an id and conditions");
    }
    Map<String, Object> vars = Map.of(id, JSON.convertValue(live, Map.class));
    for (JsonNode c : spec.path("conditions")) {
      String expr = c.asText();
      Object v;
      try {
        v = CACHE.computeIfAbsent(id + "\u0000" + expr, k -> compile(id, expr)).eval(vars);
      } catch (IllegalArgumentException e) {
        return new Verdict(State.BROKEN, "readyWhen ${" + expr + "} does not compile: " + e.getMessage());
      } catch (CelEvaluationException e) {
        return new Verdict(State.WAITING, "readyWhen ${" + expr + "} cannot be judged yet: "
            + String.valueOf(e.getMessage()).replaceFirst("^evaluation error at <input>:\\d+: ", ""));
      }
      if (!(v instanceof Boolean b)) {
        return new Verdict(State.BROKEN, "readyWhen ${" + expr + "} yields " + v + ", not true or false");
      }
      if (!b) {
        return new Verdict(State.WAITING, "readyWhen ${" + expr + "} is false");
      }
    }
    return new Verdict(State.READY, "every readyWhen condition holds");
  }

  private static CelRuntime.Program compile(String id, String expr) {
    Cel cel = CelFactory.standardCelBuilder()
        .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar(id, CelSchemaTypes.STRING_MAP)
        .build();
    CelValidationResult r = cel.compile(expr);
    try {
      if (r.hasError()) {
        throw new IllegalArgumentException(r.getErrors().get(0).getMessage());
      }
      return cel.createProgram(r.getAst());
    } catch (dev.cel.common.CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }
}
