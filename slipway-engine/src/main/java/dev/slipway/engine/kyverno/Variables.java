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
          new StringFunction("trim", String::trim),
          new RegexMatch(), new Items(), new ImageReference()))
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
    if (!text.contains("{{")) {
      return JsonNodeFactory.instance.textNode(text);
    }
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

  /** Kyverno's {@code regex_match(regex, value)}: whether the regular expression matches anywhere in the value. */
  private static final class RegexMatch extends BaseFunction {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    RegexMatch() {
      super("regex_match", ArgumentConstraints.typeOf(JmesPathType.STRING), ArgumentConstraints.typeOf(JmesPathType.STRING, JmesPathType.NUMBER));
    }

    @Override
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> arguments) {
      String regex = runtime.toString(arguments.get(0).value());
      String value = runtime.toString(arguments.get(1).value());
      return runtime.createBoolean(PATTERNS.computeIfAbsent(regex, Pattern::compile).matcher(value).find());
    }
  }

  /** Kyverno's {@code items(object, keyName, valueName)}: an object's entries as a list of pairs. */
  private static final class Items extends BaseFunction {
    Items() {
      super("items", ArgumentConstraints.typeOf(JmesPathType.OBJECT), ArgumentConstraints.typeOf(JmesPathType.STRING),
          ArgumentConstraints.typeOf(JmesPathType.STRING));
    }

    @Override
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> arguments) {
      T object = arguments.get(0).value();
      T keyName = arguments.get(1).value();
      T valueName = arguments.get(2).value();
      List<T> out = new java.util.ArrayList<>();
      for (T key : runtime.getPropertyNames(object)) {
        Map<T, T> pair = new java.util.LinkedHashMap<>();
        pair.put(keyName, key);
        pair.put(valueName, runtime.getProperty(object, key));
        out.add(runtime.createObject(pair));
      }
      return runtime.createArray(out);
    }
  }

  /**
   * {@code image_reference(image)}: an image reference as a container runtime resolves it:
   * {@code registry}, {@code repository} (fully qualified), {@code tag}, {@code digest}.
   */
  private static final class ImageReference extends BaseFunction {
    ImageReference() {
      super("image_reference", ArgumentConstraints.typeOf(JmesPathType.STRING));
    }

    @Override
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> arguments) {
      var ref = dev.slipway.engine.policy.Images.parse(runtime.toString(arguments.get(0).value()));
      Map<T, T> m = new java.util.LinkedHashMap<>();
      m.put(runtime.createString("registry"), runtime.createString(ref.registry()));
      m.put(runtime.createString("repository"), runtime.createString(ref.repository()));
      m.put(runtime.createString("tag"), ref.tag() == null ? runtime.createNull() : runtime.createString(ref.tag()));
      m.put(runtime.createString("digest"), ref.digest() == null ? runtime.createNull() : runtime.createString(ref.digest()));
      return runtime.createObject(m);
    }
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
