package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPath;
import io.burt.jmespath.RuntimeConfiguration;
import io.burt.jmespath.function.FunctionRegistry;
import io.burt.jmespath.jackson.JacksonRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kyverno's {@code {{ expression }}} variables: JMESPath over a context holding
 * {@code request.object}, {@code request.operation}, {@code element} and friends, with the
 * Kyverno functions policies use. A string that is exactly one variable takes the expression's
 * value, of any type; otherwise each variable is replaced by its text.
 */
public final class Variables {
  /**
   * An innermost variable: {@code {{ }}} holding no other variable (single braces, as in a
   * JMESPath multi-select hash, are allowed). Outer variables are resolved after the inner ones
   * are replaced by their text, as Kyverno does: {@code {{ x509_decode('{{ cert }}').NotAfter }}}.
   */
  static final Pattern VARIABLE = Pattern.compile("(?<!\\\\)\\{\\{((?:\\{[^{}]*}|[^{}])*)}}");
  /**
   * From the first opening pair of braces to the next closing pair: for expressions holding an
   * unbalanced brace (a regular expression's character class of an opening brace), which
   * Kyverno's pattern above cannot delimit. Slipway's baseline has such expressions.
   */
  private static final Pattern LOOSE_VARIABLE = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

  /** A matcher over the variables of {@code text}: innermost ones, or failing that, loosely delimited ones. */
  static Matcher variables(String text) {
    Matcher strict = VARIABLE.matcher(text);
    if (strict.find()) {
      return strict.reset();
    }
    return LOOSE_VARIABLE.matcher(text);
  }
  private static final JmesPath<JsonNode> JMESPATH = new JacksonRuntime(new RuntimeConfiguration.Builder()
      .withFunctionRegistry(FunctionRegistry.defaultRegistry().extend(
          KyvernoFunctions.all().toArray(new io.burt.jmespath.function.Function[0])))
      .withSilentTypeErrors(true)
      .build());
  private static final Pattern UNKNOWN_FUNCTION = Pattern.compile("unknown function \"([^\"]+)\"");
  private static final Map<String, Expression<JsonNode>> CACHE = new ConcurrentHashMap<>();

  /** A problem in an expression: it does not parse, or a variable cannot be resolved. */
  public static final class VariableException extends Exception {
    private static final long serialVersionUID = 1L;

    VariableException(String message) {
      super(message);
    }
  }

  private Variables() {}

  /** Evaluates one JMESPath expression against the context. */
  public static JsonNode query(String expression, JsonNode context) throws VariableException {
    Expression<JsonNode> e;
    try {
      e = CACHE.computeIfAbsent(expression, JMESPATH::compile);
    } catch (RuntimeException ex) {
      Matcher unknown = UNKNOWN_FUNCTION.matcher(String.valueOf(ex.getMessage()));
      if (unknown.find()) {
        // A function Kyverno may have and Slipway lacks: the rule cannot be judged, not a broken policy.
        throw new NotEvaluatedException("function " + unknown.group(1) + " (not in Slipway's Kyverno function library)");
      }
      throw new VariableException("invalid JMESPath expression '" + expression + "': " + ex.getMessage());
    }
    try {
      JsonNode r = e.search(context);
      if (r == null) {
        return JsonNodeFactory.instance.nullNode();
      }
      // go-jmespath (Kyverno's) leaves nulls out of a projection's result; jmespath-java keeps
      // them when the expression ends in a flatten ("spec.[initContainers, containers][]").
      if (r.isArray() && expression.trim().endsWith("[]")) {
        var out = JsonNodeFactory.instance.arrayNode();
        r.forEach(n -> {
          if (!n.isNull()) {
            out.add(n);
          }
        });
        return out;
      }
      return r;
    } catch (NotEvaluatedException ex) {
      throw ex;
    } catch (Arithmetic.FunctionError ex) {
      throw new VariableException(ex.getMessage());
    } catch (RuntimeException ex) {
      throw new VariableException("cannot evaluate '" + expression + "': " + ex.getMessage());
    }
  }

  /** Substitutes variables in every string of {@code node}, recursively. */
  public static JsonNode substitute(JsonNode node, JsonNode context) throws VariableException {
    if (node == null) {
      return null;
    }
    if (node.isContainerNode() && !hasVariables(node)) {
      return node; // nothing to replace: shared, never modified by the callers
    }
    if (node.isTextual()) {
      return substitute(node.asText(), context);
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode n : node) {
        out.add(substitute(n, context));
      }
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (var e : node.properties()) {
        out.set(e.getKey(), substitute(e.getValue(), context));
      }
      return out;
    }
    return node;
  }

  public static JsonNode substitute(String text, JsonNode context) throws VariableException {
    if (!text.contains("{{")) {
      return JsonNodeFactory.instance.textNode(text);
    }
    // The first pass over a policy's text is parsed once: the same strings are evaluated for every object.
    Template first = TEMPLATES.get(text);
    if (first == null) {
      first = Template.parse(text);
      if (TEMPLATES.size() < MAX_TEMPLATES) {
        TEMPLATES.put(text, first);
      }
    }
    if (first.parts == null) {
      return JsonNodeFactory.instance.textNode(text);
    }
    if (first.whole) {
      return query(first.parts[1], context);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < first.parts.length; i += 2) {
      sb.append(first.parts[i]);
      if (i + 1 < first.parts.length) {
        sb.append(text(query(first.parts[i + 1], context)));
      }
    }
    String current = sb.toString();
    // Each further pass resolves the innermost variables; a bounded number of passes guards against cycles.
    for (int pass = 1; pass < 16 && current.contains("{{"); pass++) {
      Matcher m = variables(current);
      if (!m.find()) {
        break;
      }
      if (m.start() == 0 && m.end() == current.length()) {
        return query(m.group(1).trim(), context);
      }
      sb = new StringBuilder();
      int last = 0;
      m.reset();
      while (m.find()) {
        sb.append(current, last, m.start());
        sb.append(text(query(m.group(1).trim(), context)));
        last = m.end();
      }
      sb.append(current.substring(last));
      current = sb.toString();
    }
    return JsonNodeFactory.instance.textNode(current);
  }

  private static final int MAX_TEMPLATES = 50_000;
  private static final Map<String, Template> TEMPLATES = new ConcurrentHashMap<>();

  /**
   * A text's first pass of substitution: literal text and expressions alternating ({@code parts}
   * starts and ends with literal text), or the one expression that is the whole text, or no
   * variable at all ({@code parts} null).
   */
  private record Template(String[] parts, boolean whole) {
    static Template parse(String text) {
      Matcher m = variables(text);
      if (!m.find()) {
        return new Template(null, false);
      }
      if (m.start() == 0 && m.end() == text.length()) {
        return new Template(new String[] {"", m.group(1).trim(), ""}, true);
      }
      List<String> parts = new ArrayList<>();
      int last = 0;
      m.reset();
      while (m.find()) {
        parts.add(text.substring(last, m.start()));
        parts.add(m.group(1).trim());
        last = m.end();
      }
      parts.add(text.substring(last));
      return new Template(parts.toArray(new String[0]), false);
    }
  }

  /** A value as it reads inside a string: text as is, null as nothing, numbers as Go prints them, the rest as JSON. */
  static String text(JsonNode v) {
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isNull() || v.isMissingNode()) {
      return "";
    }
    return v.isNumber() ? KyvernoFunctions.scalar(v) : v.toString();
  }

  /**
   * Runs {@code body} with {@code clock} as the time of {@code time_now} and friends, so
   * evaluation stays a function of its inputs.
   */
  public static <T> T withClock(java.time.Clock clock, java.util.function.Supplier<T> body) {
    java.time.Clock before = KyvernoFunctions.CLOCK.get();
    KyvernoFunctions.CLOCK.set(clock);
    try {
      return body.get();
    } finally {
      KyvernoFunctions.CLOCK.set(before);
    }
  }

  public static boolean hasVariables(String text) {
    return text.contains("{{");
  }

  /** Whether any string in the tree holds a variable (walks without copying). */
  public static boolean hasVariables(JsonNode node) {
    if (node == null) {
      return false;
    }
    if (node.isTextual()) {
      return hasVariables(node.asText());
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (hasVariables(child)) {
          return true;
        }
      }
      var names = node.fieldNames();
      while (names.hasNext()) {
        if (hasVariables(names.next())) {
          return true;
        }
      }
    }
    return false;
  }
}
