package dev.slipway.engine.types;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentTypeSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A platform-defined component type compiled once per platform load: every {@code ${...}} parsed,
 * type-checked and turned into a CEL program, the resources in dependency order. Rendering an
 * instance only evaluates programs. Immutable and thread-safe (CEL programs are).
 */
public final class CompiledType {
  /** CEL's evaluation errors start with a source offset; the position is given separately. */
  private static final Pattern EVAL_LOCATION = Pattern.compile("^evaluation error at <input>:\\d+: ");

  private final ComponentTypeSpec spec;
  private final List<Resource> resources;

  CompiledType(ComponentTypeSpec spec, List<Resource> resources) {
    this.spec = spec;
    this.resources = List.copyOf(resources);
  }

  public ComponentTypeSpec spec() {
    return spec;
  }

  /** The resources in the order they render: every resource after the ones it reads. */
  public List<Resource> resources() {
    return resources;
  }

  /** One compiled expression with where it is written. */
  record Expr(CelRuntime.Program program, String text, Position position) {}

  /** A compiled template: the YAML tree with its expressions replaced by programs. */
  sealed interface Node permits Literal, Whole, Interpolated, MapTemplate, ListTemplate {}

  record Literal(Object value) implements Node {}

  /** A value that is exactly one {@code ${...}}: it takes the expression's value and type. */
  record Whole(Expr expr) implements Node {}

  /** A string with expressions among literal text: each part is evaluated and written as text. */
  record Interpolated(List<Object> parts) implements Node {}

  record MapTemplate(LinkedHashMap<String, Node> entries) implements Node {}

  record ListTemplate(List<Node> items) implements Node {}

  /**
   * One resource of the type.
   *
   * @param readyWhen the conditions as written, evaluated later against the live object (sync's health)
   * @param dependsOn the ids of the resources its template and includeWhen read
   */
  public record Resource(String id, Position position, Node template, List<Expr> includeWhen, List<String> readyWhen,
      Set<String> dependsOn) {}

  /** One rendered object, as plain values, with the readyWhen conditions of its resource. */
  public record Output(String id, Position position, Map<String, Object> body, List<String> readyWhen) {}

  /** What an instance renders: its objects, and the expressions that failed (then nothing is rendered). */
  public record Rendering(List<Output> objects, List<Diagnostic> problems) {}

  /**
   * Renders an instance. {@code variables} holds {@code schema}, {@code component}, {@code app},
   * {@code env} and {@code platform}; each resource's object is added under its id as it renders.
   */
  public Rendering render(Map<String, Object> variables, String component) {
    Map<String, Object> vars = new LinkedHashMap<>(variables);
    List<Output> out = new ArrayList<>();
    List<Diagnostic> problems = new ArrayList<>();
    Set<String> excluded = new HashSet<>();
    for (Resource r : resources) {
      try {
        if (r.dependsOn().stream().anyMatch(excluded::contains) || !included(r, vars)) {
          excluded.add(r.id());
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) evaluate(r.template(), vars);
        vars.put(r.id(), body);
        out.add(new Output(r.id(), r.position(), body, r.readyWhen()));
      } catch (Failed f) {
        problems.add(Diagnostic.error("render.expression-failed", f.expr.position(), "spec.resources." + r.id(),
            "component '" + component + "' of type " + spec.name() + ": ${" + f.expr.text() + "} " + f.getMessage()));
      }
    }
    return new Rendering(problems.isEmpty() ? out : List.of(), problems);
  }

  private static boolean included(Resource r, Map<String, Object> vars) {
    for (Expr e : r.includeWhen()) {
      if (!Boolean.TRUE.equals(eval(e, vars))) {
        return false;
      }
    }
    return true;
  }

  private static Object evaluate(Node n, Map<String, Object> vars) {
    if (n instanceof Literal l) {
      return l.value();
    }
    if (n instanceof Whole w) {
      return CelValues.plain(eval(w.expr(), vars));
    }
    if (n instanceof Interpolated i) {
      StringBuilder sb = new StringBuilder();
      for (Object part : i.parts()) {
        sb.append(part instanceof Expr e ? CelValues.text(eval(e, vars)) : part);
      }
      return sb.toString();
    }
    if (n instanceof MapTemplate m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, evaluate(v, vars)));
      return out;
    }
    List<Object> out = new ArrayList<>();
    ((ListTemplate) n).items().forEach(item -> out.add(evaluate(item, vars)));
    return out;
  }

  private static Object eval(Expr e, Map<String, Object> vars) {
    try {
      return e.program().eval(vars);
    } catch (CelEvaluationException ex) {
      String m = EVAL_LOCATION.matcher(String.valueOf(ex.getMessage())).replaceFirst("");
      if (m.contains("is not present in map") || m.contains("no such key")) {
        m += " (a field with no value and no default: give it a default in the schema or guard with has())";
      }
      throw new Failed(e, "failed: " + m);
    }
  }

  /** An expression that could not be evaluated for this instance. */
  private static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Expr expr;

    Failed(Expr expr, String message) {
      super(message, null, false, false);
      this.expr = expr;
    }
  }
}
