package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burt.jmespath.Adapter;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPath;
import io.burt.jmespath.JmesPathType;
import io.burt.jmespath.RuntimeConfiguration;
import io.burt.jmespath.function.ArgumentConstraints;
import io.burt.jmespath.function.BaseFunction;
import io.burt.jmespath.function.FunctionArgument;
import io.burt.jmespath.function.FunctionRegistry;
import io.burt.jmespath.jackson.JacksonRuntime;
import java.util.List;
import java.util.Locale;
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
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*(.*?)\\s*}}", Pattern.DOTALL);
  private static final JmesPath<JsonNode> JMESPATH = new JacksonRuntime(new RuntimeConfiguration.Builder()
      .withFunctionRegistry(FunctionRegistry.defaultRegistry().extend(
          new StringFunction("to_upper", s -> s.toUpperCase(Locale.ROOT)),
          new StringFunction("to_lower", s -> s.toLowerCase(Locale.ROOT)),
          new StringFunction("trim", String::trim)))
      .withSilentTypeErrors(true)
      .build());
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
    } catch (RuntimeException ex) {
      throw new VariableException("cannot evaluate '" + expression + "': " + ex.getMessage());
    }
  }

  /** Substitutes variables in every string of {@code node}, recursively. */
  public static JsonNode substitute(JsonNode node, JsonNode context) throws VariableException {
    if (node == null) {
      return null;
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
      var it = node.fields();
      while (it.hasNext()) {
        var e = it.next();
        out.set(e.getKey(), substitute(e.getValue(), context));
      }
      return out;
    }
    return node;
  }

  public static JsonNode substitute(String text, JsonNode context) throws VariableException {
    Matcher m = VARIABLE.matcher(text);
    if (!m.find()) {
      return JsonNodeFactory.instance.textNode(text);
    }
    if (m.start() == 0 && m.end() == text.length()) {
      return query(m.group(1), context);
    }
    StringBuilder sb = new StringBuilder();
    int last = 0;
    m.reset();
    while (m.find()) {
      sb.append(text, last, m.start());
      JsonNode v = query(m.group(1), context);
      sb.append(v.isTextual() ? v.asText() : v.isNull() ? "" : v.toString());
      last = m.end();
    }
    sb.append(text.substring(last));
    return JsonNodeFactory.instance.textNode(sb.toString());
  }

  public static boolean hasVariables(String text) {
    return VARIABLE.matcher(text).find();
  }

  /** A Kyverno string function of one string argument. */
  private static final class StringFunction extends BaseFunction {
    private final java.util.function.UnaryOperator<String> f;

    StringFunction(String name, java.util.function.UnaryOperator<String> f) {
      super(name, ArgumentConstraints.typeOf(JmesPathType.STRING));
      this.f = f;
    }

    @Override
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> arguments) {
      return runtime.createString(f.apply(runtime.toString(arguments.get(0).value())));
    }
  }
}
