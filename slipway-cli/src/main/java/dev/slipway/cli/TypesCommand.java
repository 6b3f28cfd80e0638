package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.types.PlatformTypes;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ComponentType;
import dev.slipway.model.spec.ComponentTypeSpec;
import dev.slipway.model.spec.ComponentTypeSpec.SchemaField;
import dev.slipway.model.spec.ComponentTypeSpec.TypeResource;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.Suggest;
import dev.slipway.model.yaml.YamlLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway types}: the component types an application may name, built-in and the
 * platform's own ({@code componentTypes/}), with their defaults and schemas, so that a developer
 * writing {@code type:} need not read the type files.
 */
@Command(name = "types", mixinStandardHelpOptions = true,
    description = {"Lists the built-in component types and the platform's own (componentTypes/) with their schemas;",
        "with NAME, shows that type in full. Exit codes: 0 ok, 2 bad input (an unknown type, specs with errors)."})
final class TypesCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..2", paramLabel = "[DIR] [NAME]",
      description = "Platform directory (default: current directory) and a type to show in full.")
  List<String> args = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json.")
  String format = "text";

  /** One line per built-in type; the defaults come from the bundled component-types.yaml. */
  private static final Map<String, String> BUILT_IN = Map.of(
      "web", "A public web frontend: Deployment + Service (+ Ingress)",
      "api", "An HTTP API: Deployment + Service (+ Ingress)",
      "worker", "A background process with no inbound traffic: Deployment",
      "job", "A scheduled task: CronJob",
      "postgres", "A PostgreSQL database: StatefulSet + volume claim + headless Service",
      "redis", "A Redis cache: StatefulSet + Service");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Output.checkFormat(err, format, "text", "json")) {
      return Main.BAD_INPUT;
    }
    Path dir = Path.of(".");
    String name = null;
    if (args.size() == 2) {
      dir = Path.of(args.get(0));
      name = args.get(1);
    } else if (args.size() == 1) {
      // One argument: a platform directory, or (when it is none and the current directory is one) a type name.
      boolean isPlatform = Files.isRegularFile(Path.of(args.get(0)).resolve(Workspace.PLATFORM_FILE));
      if (isPlatform || !Files.isRegularFile(Path.of(Workspace.PLATFORM_FILE))) {
        dir = Path.of(args.get(0));
      } else {
        name = args.get(0);
      }
    }
    Workspace ws = Workspace.load(dir);
    Diagnostics d = new Diagnostics();
    d.addAll(ws.diagnostics().list());
    // Compiling checks every expression: a type that does not compile is reported, not listed as usable.
    PlatformTypes.compile(ws.platform(), d);
    if (d.hasErrors()) {
      PlanCommand.printDiagnostics(err, d.list());
      err.println("types failed: the specs have errors.");
      return Main.BAD_INPUT;
    }
    Map<String, ComponentTypeSpec> platformTypes = ws.platform().types();
    Map<String, Map<String, String>> defaults = builtInDefaults();
    if (name != null && !defaults.containsKey(name) && !platformTypes.containsKey(name)) {
      List<String> all = new ArrayList<>(defaults.keySet());
      all.addAll(platformTypes.keySet());
      err.println("error [cli.unknown-type] no component type '" + name + "'" + Suggest.hint(name, all) + "; types: " + String.join(", ", all));
      return Main.BAD_INPUT;
    }
    if (format.equals("json")) {
      out.println(Output.json(json(defaults, platformTypes, name)));
    } else if (name == null) {
      list(out, defaults, platformTypes);
    } else if (defaults.containsKey(name)) {
      out.println(name + " (built-in): " + BUILT_IN.getOrDefault(name, ""));
      out.println("  defaults:");
      defaults.get(name).forEach((k, v) -> out.println("    " + k + ": " + v));
    } else {
      show(out, platformTypes.get(name));
    }
    return Main.OK;
  }

  private static void list(PrintWriter out, Map<String, Map<String, String>> defaults, Map<String, ComponentTypeSpec> platformTypes) {
    out.println("Built-in types");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TYPE", "DESCRIPTION", "DEFAULTS"});
    defaults.forEach((t, values) -> rows.add(new String[] {t, BUILT_IN.getOrDefault(t, ""), summary(values)}));
    out.print(Output.table(rows, "  "));
    out.println();
    if (platformTypes.isEmpty()) {
      out.println("Platform types: none (componentTypes/<name>.yaml beside slipway.yaml defines one; see docs/types.md)");
      return;
    }
    out.println("Platform types (componentTypes/)");
    for (ComponentTypeSpec t : platformTypes.values()) {
      out.println("  " + t.name() + "  " + t.description());
      fields(out, t.fields(), "    ");
    }
  }

  private static void show(PrintWriter out, ComponentTypeSpec t) {
    out.println(t.name() + " (" + t.file() + "): " + t.description());
    out.println("  fields:");
    fields(out, t.fields(), "    ");
    out.println("  resources:");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "KIND", "INCLUDE WHEN", "READY WHEN"});
    for (TypeResource r : t.resources()) {
      String kind = r.template() instanceof SpecNode.MapNode m && m.get("kind") instanceof SpecNode.Scalar k ? k.value() : "";
      rows.add(new String[] {r.id(), kind, String.join(" && ", r.includeWhen().stream().map(c -> "${" + c.expression() + "}").toList()),
          String.join(" && ", r.readyWhen().stream().map(c -> "${" + c.expression() + "}").toList())});
    }
    out.print(Output.table(rows, "    "));
  }

  private static void fields(PrintWriter out, List<SchemaField> fields, String indent) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"FIELD", "TYPE", "DEFAULT", "CONSTRAINTS", "DESCRIPTION"});
    flatten(fields, "", rows);
    out.print(Output.table(rows, indent));
  }

  private static void flatten(List<SchemaField> fields, String prefix, List<String[]> rows) {
    for (SchemaField f : fields) {
      if (f.type().kind() == ComponentTypeSpec.FieldType.Kind.OBJECT) {
        flatten(f.type().fields(), prefix + f.name() + ".", rows);
        continue;
      }
      rows.add(new String[] {prefix + f.name(), f.type().describe(), f.defaultValue() == null ? "" : String.valueOf(f.defaultValue()),
          constraints(f), f.description()});
    }
  }

  private static String constraints(SchemaField f) {
    List<String> out = new ArrayList<>();
    if (f.required()) {
      out.add("required");
    }
    if (!f.enumValues().isEmpty()) {
      out.add("one of " + String.join("|", f.enumValues()));
    }
    if (f.minimum() != null) {
      out.add(">= " + f.minimum().toPlainString());
    }
    if (f.maximum() != null) {
      out.add("<= " + f.maximum().toPlainString());
    }
    return String.join(", ", out);
  }

  private static String summary(Map<String, String> values) {
    List<String> parts = new ArrayList<>();
    for (String k : List.of("port", "replicas", "resources.cpu", "resources.memory", "version")) {
      if (values.containsKey(k)) {
        parts.add(k + "=" + values.get(k));
      }
    }
    return String.join(" ", parts);
  }

  private static ObjectNode json(Map<String, Map<String, String>> defaults, Map<String, ComponentTypeSpec> platformTypes, String only) {
    ObjectNode root = Output.JSON.createObjectNode();
    ArrayNode builtIn = root.putArray("builtIn");
    defaults.forEach((t, values) -> {
      if (only == null || only.equals(t)) {
        ObjectNode o = builtIn.addObject().put("name", t).put("description", BUILT_IN.getOrDefault(t, ""));
        ObjectNode dv = o.putObject("defaults");
        values.forEach(dv::put);
      }
    });
    ArrayNode platform = root.putArray("platform");
    for (ComponentTypeSpec t : platformTypes.values()) {
      if (only != null && !only.equals(t.name())) {
        continue;
      }
      ObjectNode o = platform.addObject().put("name", t.name()).put("description", t.description()).put("file", t.file());
      o.set("fields", fieldsJson(t.fields()));
      ArrayNode res = o.putArray("resources");
      for (TypeResource r : t.resources()) {
        ObjectNode ro = res.addObject().put("id", r.id());
        ArrayNode inc = ro.putArray("includeWhen");
        r.includeWhen().forEach(c -> inc.add(c.expression()));
        ArrayNode ready = ro.putArray("readyWhen");
        r.readyWhen().forEach(c -> ready.add(c.expression()));
      }
    }
    return root;
  }

  private static ArrayNode fieldsJson(List<SchemaField> fields) {
    ArrayNode a = Output.JSON.createArrayNode();
    for (SchemaField f : fields) {
      ObjectNode o = a.addObject().put("name", f.name()).put("type", f.type().describe()).put("required", f.required());
      if (f.defaultValue() != null) {
        o.set("default", Output.JSON.valueToTree(f.defaultValue()));
      }
      if (!f.enumValues().isEmpty()) {
        ArrayNode e = o.putArray("enum");
        f.enumValues().forEach(e::add);
      }
      if (f.minimum() != null) {
        o.put("minimum", f.minimum());
      }
      if (f.maximum() != null) {
        o.put("maximum", f.maximum());
      }
      o.put("description", f.description());
      if (!f.type().fields().isEmpty()) {
        o.set("fields", fieldsJson(f.type().fields()));
      }
    }
    return a;
  }

  /** Each built-in type's defaults as dotted keys, from the bundled file every component starts from. */
  private static Map<String, Map<String, String>> builtInDefaults() {
    Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
    try (InputStream in = ComponentType.class.getResourceAsStream("/dev/slipway/model/component-types.yaml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      var docs = YamlLoader.forSpecs().load(text, "component-types.yaml", Layer.TYPE_DEFAULT, new Diagnostics());
      SpecNode.MapNode root = (SpecNode.MapNode) docs.get(0).root();
      for (String t : ComponentType.ids()) {
        Map<String, String> values = new TreeMap<>();
        flattenDefaults(root.get(t), "", values);
        out.put(t, values);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled component-types.yaml", e);
    }
    return out;
  }

  private static void flattenDefaults(SpecNode n, String prefix, Map<String, String> out) {
    if (n instanceof SpecNode.MapNode m) {
      m.entries().forEach((k, v) -> flattenDefaults(v, prefix.isEmpty() ? k : prefix + "." + k, out));
    } else if (n instanceof SpecNode.Scalar s) {
      out.put(prefix, s.value());
    } else if (n instanceof SpecNode.ListNode l) {
      out.put(prefix, l.items().stream().map(i -> i instanceof SpecNode.Scalar s ? s.value() : i.typeName()).toList().toString());
    }
  }
}
