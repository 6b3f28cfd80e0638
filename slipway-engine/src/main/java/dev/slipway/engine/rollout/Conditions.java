package dev.slipway.engine.rollout;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The CEL conditions of analysis templates, compiled once per expression string. The environment
 * declares one variable, {@code result} ({@code list<double>}), the standard functions and macros
 * ({@code all}, {@code exists}, {@code map}...), and compares int, uint and double literals with the
 * values ({@code result[0] < 1} type-checks; {@code ==} still needs {@code 1.0}, as CEL's equality is typed).
 *
 * <p>The cache is unbounded: its keys are the conditions written in the platform's templates, a
 * handful that change only with the platform. Compiled programs are immutable and thread-safe.
 */
final class Conditions {
  private Conditions() {}

  private static final Cel CEL = CelFactory.standardCelBuilder()
      .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("result", ListType.create(SimpleType.DOUBLE))
      .build();

  private static final Map<String, Compiled> CACHE = new ConcurrentHashMap<>();

  /** CEL's evaluation errors start with where in the expression they happened, as a character offset. */
  private static final Pattern EVAL_LOCATION = Pattern.compile("^evaluation error at <input>:\\d+: ");

  /** A compiled condition, or why it does not compile (then program is null). */
  private record Compiled(CelRuntime.Program program, String problem) {}

  /** Why the expression does not parse or type-check as a boolean over {@code result}, or null when it does. */
  static String problem(String expression) {
    return compiled(expression).problem();
  }

  /**
   * Evaluates the condition over the values.
   *
   * @throws ConditionException when it does not compile, fails to evaluate (an index out of range,
   *     an overflow) or does not yield a bool; the message is CEL's, without its source offsets
   */
  static boolean evaluate(String expression, List<Double> result) {
    Compiled c = compiled(expression);
    if (c.program() == null) {
      throw new ConditionException(c.problem());
    }
    Object value;
    try {
      value = c.program().eval(Map.of("result", result));
    } catch (CelEvaluationException e) {
      throw new ConditionException(EVAL_LOCATION.matcher(String.valueOf(e.getMessage())).replaceFirst(""));
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new ConditionException("yields " + value + ", not true or false");
  }

  private static Compiled compiled(String expression) {
    return CACHE.computeIfAbsent(expression, Conditions::compile);
  }

  private static Compiled compile(String expression) {
    CelValidationResult checked = CEL.compile(expression);
    if (checked.hasError()) {
      return new Compiled(null, checked.getErrors().stream().map(Conditions::describe).collect(Collectors.joining("; ")));
    }
    try {
      CelAbstractSyntaxTree ast = checked.getAst();
      CelKind kind = ast.getResultType().kind();
      if (kind != CelKind.BOOL && kind != CelKind.DYN) {
        return new Compiled(null, "is of type " + ast.getResultType().name() + ", not bool");
      }
      return new Compiled(CEL.createProgram(ast), null);
    } catch (dev.cel.common.CelValidationException | CelEvaluationException e) {
      return new Compiled(null, e.getMessage());
    }
  }

  /** One issue on one line, with a 1-based column, without CEL's caret drawing or container note. */
  private static String describe(CelIssue issue) {
    String message = issue.getMessage().replace(" (in container '')", "");
    int column = issue.getSourceLocation().getColumn();
    return column >= 0 ? message + " at column " + (column + 1) : message;
  }

  /** A condition that could not be evaluated: the measurement is an ERROR, not a failure. */
  static final class ConditionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConditionException(String message) {
      super(message, null, false, false);
    }
  }
}
