package dev.slipway.engine.types;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.slipway.engine.types.CompiledType.Expr;
import dev.slipway.engine.types.CompiledType.Node;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.Condition;
import dev.slipway.model.spec.ComponentTypeSpec.TypeResource;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import dev.slipway.model.yaml.TemplateText;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles a platform-defined component type, as kro builds a ResourceGraphDefinition: parses
 * every {@code ${...}}, finds which resources each reads (its dependencies), refuses cycles and
 * references into another resource's {@code status} (unknown offline), then type-checks every
 * expression against the schema's types and the rendered types of the resources it reads, in
 * dependency order. Every problem is a diagnostic at the expression's file, line and column.
 */
public final class TypeCompiler {
  private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([^']+)'");

  private TypeCompiler() {}

  /** A compiled type, or null with its problems. */
  public record Result(CompiledType type, List<Diagnostic> problems) {}

  /** One {@code ${...}} to compile: its text and where its first character is written. */
  private record Source(String text, Position start, Scalar scalar, int offset, ComponentTypeSpec spec) {
    /** Where the character at {@code line}/{@code column} (CEL's, 1-based line, 0-based column) of the expression is. */
    Position at(int line, int column) {
      int off = offsetOf(line, column);
      if (scalar != null) {
        return spec.locate(scalar, offset + off);
      }
      return line <= 1 && start.line() > 0 ? new Position(start.file(), start.line(), start.column() + off) : start;
    }

    private int offsetOf(int line, int column) {
      int off = 0;
      for (int l = 1; l < line; l++) {
        int nl = text.indexOf('\n', off);
        if (nl < 0) {
          break;
        }
        off = nl + 1;
      }
      return Math.max(0, Math.min(text.length(), off + Math.max(0, column)));
    }
  }

  public static Result compile(ComponentTypeSpec spec) {
    List<Diagnostic> problems = new ArrayList<>();
    Map<String, TypeResource> byId = new LinkedHashMap<>();
    spec.resources().forEach(r -> byId.put(r.id(), r));
    // 1. Parse everything, and find what each resource reads.
    Cel parser = builder(new CelSchemaTypes(spec.name())).build();
    Map<String, Set<String>> deps = new LinkedHashMap<>();
    Map<String, Position> firstReference = new LinkedHashMap<>();
    for (TypeResource r : spec.resources()) {
      Set<String> reads = new LinkedHashSet<>();
      for (Source s : templateSources(spec, r.template())) {
        references(parser, s, byId.keySet(), r.id(), false, reads, firstReference, problems);
      }
      for (Condition c : r.includeWhen()) {
        references(parser, new Source(c.expression(), c.position(), null, 0, spec), byId.keySet(), r.id(), false, reads, firstReference,
            problems);
      }
      for (Condition c : r.readyWhen()) {
        references(parser, new Source(c.expression(), c.position(), null, 0, spec), byId.keySet(), r.id(), true, new LinkedHashSet<>(),
            firstReference, problems);
      }
      deps.put(r.id(), reads);
    }
    if (!problems.isEmpty()) {
      return new Result(null, problems);
    }
    // 2. No cycles; then an order in which every resource comes after what it reads.
    List<String> order = order(spec, deps, firstReference, problems);
    if (!problems.isEmpty()) {
      return new Result(null, problems);
    }
    // 3. Type-check in that order, each against the types of the objects it reads.
    CelSchemaTypes types = new CelSchemaTypes(spec.name());
    CelType schema = types.schema(spec.fields());
    Map<String, CelType> context = types.context();
    Map<String, CelType> rendered = new LinkedHashMap<>();
    List<CompiledType.Resource> out = new ArrayList<>();
    for (String id : order) {
      TypeResource r = byId.get(id);
      CelBuilder b = builder(types).addVar("schema", schema);
      context.forEach(b::addVar);
      deps.get(id).forEach(dep -> b.addVar(dep, rendered.get(dep)));
      Cel cel = b.build();
      IdentityHashMap<Scalar, CelType> exprTypes = new IdentityHashMap<>();
      Node template = template(cel, spec, r.template(), exprTypes, problems);
      List<Expr> includeWhen = new ArrayList<>();
      for (Condition c : r.includeWhen()) {
        Checked ch = check(cel, new Source(c.expression(), c.position(), null, 0, spec), problems);
        if (ch != null && requireBool(ch, "includeWhen", problems)) {
          includeWhen.add(ch.expr());
        }
      }
      Cel ready = builder(types).addVar(id, CelSchemaTypes.STRING_MAP).build();
      for (Condition c : r.readyWhen()) {
        Checked ch = check(ready, new Source(c.expression(), c.position(), null, 0, spec), problems);
        if (ch != null) {
          requireBool(ch, "readyWhen", problems);
        }
      }
      rendered.put(id, types.rendered(id, r.template(), exprTypes::get));
      out.add(new CompiledType.Resource(id, r.position(), template, includeWhen,
          r.readyWhen().stream().map(Condition::expression).toList(), deps.get(id)));
    }
    return new Result(problems.isEmpty() ? new CompiledType(spec, out) : null, problems);
  }

  private static CelBuilder builder(CelSchemaTypes types) {
    return CelFactory.standardCelBuilder()
        .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setTypeProvider(types);
  }

  /** Every expression in a template's values, with the scalar it is written in. */
  private static List<Source> templateSources(ComponentTypeSpec spec, SpecNode n) {
    List<Source> out = new ArrayList<>();
    collect(spec, n, out);
    return out;
  }

  private static void collect(ComponentTypeSpec spec, SpecNode n, List<Source> out) {
    if (n instanceof MapNode m) {
      m.entries().values().forEach(v -> collect(spec, v, out));
    } else if (n instanceof SpecNode.ListNode l) {
      l.items().forEach(v -> collect(spec, v, out));
    } else if (n instanceof Scalar s && s.kind() == Scalar.Kind.STRING && TemplateText.hasExpression(s.value())) {
      for (TemplateText.Part p : TemplateText.split(s.value())) {
        if (p.expression()) {
          out.add(new Source(p.text(), spec.locate(s, p.offset()), s, p.offset(), spec));
        }
      }
    }
  }

  /** Parses {@code s} and records the resources it reads; a status reference or (in readyWhen) another resource is an error. */
  private static void references(Cel parser, Source s, Set<String> ids, String own, boolean readyWhen, Set<String> reads,
      Map<String, Position> firstReference, List<Diagnostic> problems) {
    CelValidationResult parsed = parser.parse(s.text());
    if (parsed.hasError()) {
      report(s, parsed.getErrors(), problems);
      return;
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = parsed.getAst();
    } catch (CelValidationException e) {
      problems.add(Diagnostic.error("spec.invalid-expression", s.start(), "", "${" + s.text() + "}: " + e.getMessage()));
      return;
    }
    walk(ast.getExpr(), e -> {
      if (e.getKind() == CelExpr.ExprKind.Kind.IDENT && ids.contains(e.ident().name())) {
        String id = e.ident().name();
        Position at = position(s, ast, e);
        if (readyWhen && !id.equals(own)) {
          problems.add(Diagnostic.error("spec.invalid-reference", at, "", "readyWhen of '" + own + "' reads resource '" + id
              + "': readyWhen judges the live object of its own resource only (" + own + ".status...)"));
        } else if (!readyWhen) {
          if (id.equals(own)) {
            problems.add(Diagnostic.error("spec.reference-cycle", at, "", "resource '" + own + "' reads itself; an object's template cannot"
                + " read its own rendered values"));
          }
          reads.add(id);
          firstReference.putIfAbsent(own + ">" + id, at);
        }
      }
      if (e.getKind() == CelExpr.ExprKind.Kind.SELECT && e.select().field().equals("status")
          && e.select().operand().getKind() == CelExpr.ExprKind.Kind.IDENT && ids.contains(e.select().operand().ident().name())
          && !(readyWhen && e.select().operand().ident().name().equals(own))) {
        String id = e.select().operand().ident().name();
        problems.add(Diagnostic.error("spec.status-reference", position(s, ast, e), "", "${" + s.text() + "} reads " + id
            + ".status, which exists only once the object runs in the cluster; Slipway renders offline, so templates may read only what"
            + " other templates render (readyWhen may read its own resource's status)"));
      }
    });
  }

  private static Position position(Source s, CelAbstractSyntaxTree ast, CelExpr e) {
    Integer offset = ast.getSource().getPositionsMap().get(e.id());
    if (offset == null) {
      return s.start();
    }
    return ast.getSource().getOffsetLocation(offset).map(l -> s.at(l.getLine(), l.getColumn())).orElse(s.start());
  }

  private static void walk(CelExpr e, java.util.function.Consumer<CelExpr> visit) {
    visit.accept(e);
    switch (e.getKind()) {
      case SELECT -> walk(e.select().operand(), visit);
      case CALL -> {
        e.call().target().ifPresent(t -> walk(t, visit));
        e.call().args().forEach(a -> walk(a, visit));
      }
      case LIST -> e.list().elements().forEach(x -> walk(x, visit));
      case STRUCT -> e.struct().entries().forEach(x -> walk(x.value(), visit));
      case MAP -> e.map().entries().forEach(x -> {
        walk(x.key(), visit);
        walk(x.value(), visit);
      });
      case COMPREHENSION -> {
        var c = e.comprehension();
        for (CelExpr x : List.of(c.iterRange(), c.accuInit(), c.loopCondition(), c.loopStep(), c.result())) {
          walk(x, visit);
        }
      }
      default -> {}
    }
  }

  /** The resources in dependency order (written order among equals); a cycle is an error naming the chain. */
  private static List<String> order(ComponentTypeSpec spec, Map<String, Set<String>> deps, Map<String, Position> firstReference,
      List<Diagnostic> problems) {
    List<String> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    for (TypeResource r : spec.resources()) {
      visit(r.id(), deps, new ArrayList<>(), done, out, firstReference, problems);
    }
    return out;
  }

  private static void visit(String id, Map<String, Set<String>> deps, List<String> stack, Set<String> done, List<String> out,
      Map<String, Position> firstReference, List<Diagnostic> problems) {
    if (done.contains(id)) {
      return;
    }
    int at = stack.indexOf(id);
    if (at >= 0) {
      List<String> cycle = new ArrayList<>(stack.subList(at, stack.size()));
      cycle.add(id);
      if (cycle.size() > 2) {
        problems.add(Diagnostic.error("spec.reference-cycle", firstReference.get(cycle.get(0) + ">" + cycle.get(1)), "",
            "resources read each other in a cycle: " + String.join(" -> ", cycle) + "; no order can render them"));
      }
      done.addAll(cycle);
      return;
    }
    stack.add(id);
    for (String dep : deps.get(id)) {
      if (!dep.equals(id)) {
        visit(dep, deps, stack, done, out, firstReference, problems);
      }
    }
    stack.remove(stack.size() - 1);
    if (done.add(id)) {
      out.add(id);
    }
  }

  private record Checked(Expr expr, CelType type, Source source) {}

  private static Checked check(Cel cel, Source s, List<Diagnostic> problems) {
    CelValidationResult r = cel.compile(s.text());
    if (r.hasError()) {
      report(s, r.getErrors(), problems);
      return null;
    }
    try {
      CelAbstractSyntaxTree ast = r.getAst();
      return new Checked(new Expr(cel.createProgram(ast), s.text(), s.start()), ast.getResultType(), s);
    } catch (CelValidationException | CelEvaluationException e) {
      problems.add(Diagnostic.error("spec.invalid-expression", s.start(), "", "${" + s.text() + "}: " + e.getMessage()));
      return null;
    }
  }

  private static boolean requireBool(Checked c, String where, List<Diagnostic> problems) {
    CelKind k = c.type().kind();
    if (k != CelKind.BOOL && k != CelKind.DYN) {
      problems.add(Diagnostic.error("spec.invalid-expression", c.source().start(), "", where + " ${" + c.source().text() + "} is of type "
          + c.type().name() + ", not bool"));
      return false;
    }
    return true;
  }

  private static void report(Source s, List<CelIssue> issues, List<Diagnostic> problems) {
    for (CelIssue issue : issues) {
      String message = issue.getMessage().replace(" (in container '')", "").replaceFirst(" \\(candidates: .*\\)$", "");
      Matcher m = UNDECLARED.matcher(message);
      if (m.find()) {
        message += Suggest.hint(m.group(1), List.of("schema", "component", "app", "env", "platform"))
            + "; templates read schema.spec.<field>, component, app, env, platform and other resources by id";
      }
      int line = issue.getSourceLocation().getLine();
      int column = issue.getSourceLocation().getColumn();
      problems.add(Diagnostic.error("spec.invalid-expression", column >= 0 ? s.at(line, column) : s.start(), "",
          "${" + s.text() + "}: " + message));
    }
  }

  /** The template with its expressions compiled; a whole-value expression's type is recorded for the rendered type. */
  private static Node template(Cel cel, ComponentTypeSpec spec, SpecNode n, IdentityHashMap<Scalar, CelType> exprTypes,
      List<Diagnostic> problems) {
    if (n instanceof MapNode m) {
      LinkedHashMap<String, Node> out = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, template(cel, spec, v, exprTypes, problems)));
      return new CompiledType.MapTemplate(out);
    }
    if (n instanceof SpecNode.ListNode l) {
      List<Node> out = new ArrayList<>();
      l.items().forEach(v -> out.add(template(cel, spec, v, exprTypes, problems)));
      return new CompiledType.ListTemplate(out);
    }
    if (n instanceof Scalar s) {
      if (s.kind() == Scalar.Kind.STRING && TemplateText.hasExpression(s.value())) {
        List<TemplateText.Part> parts = TemplateText.split(s.value());
        if (parts.size() == 1 && parts.get(0).expression()) {
          TemplateText.Part p = parts.get(0);
          Checked c = check(cel, new Source(p.text(), spec.locate(s, p.offset()), s, p.offset(), spec), problems);
          if (c == null) {
            return new CompiledType.Literal(null);
          }
          exprTypes.put(s, c.type());
          return new CompiledType.Whole(c.expr());
        }
        List<Object> out = new ArrayList<>();
        for (TemplateText.Part p : parts) {
          if (!p.expression()) {
            out.add(p.text());
            continue;
          }
          Checked c = check(cel, new Source(p.text(), spec.locate(s, p.offset()), s, p.offset(), spec), problems);
          if (c == null) {
            continue;
          }
          CelKind k = c.type().kind();
          if (k == CelKind.LIST || k == CelKind.MAP || k == CelKind.STRUCT) {
            problems.add(Diagnostic.error("spec.invalid-expression", c.source().start(), "", "${" + p.text() + "} is of type "
                + c.type().name() + " inside a string; only text, numbers and booleans can be written into a string"));
          }
          out.add(c.expr());
        }
        return new CompiledType.Interpolated(out);
      }
      return new CompiledType.Literal(switch (s.kind()) {
        case STRING -> s.value();
        case INT -> parseLong(s.value());
        case FLOAT -> Double.parseDouble(s.value());
        case BOOL -> Boolean.parseBoolean(s.value());
      });
    }
    return new CompiledType.Literal(null);
  }

  private static Object parseLong(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return v;
    }
  }
}
