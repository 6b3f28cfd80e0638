package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.ComponentTypeLoader;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.schema.ComponentTypeSchema;
import dev.slipway.model.schema.SpecSchemas;
import dev.slipway.model.score.ScoreSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway schema}: JSON Schemas of the spec files, for editors. */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = {"Writes JSON Schemas (draft-07) of slipway.yaml and app.yaml, and the Score schema Slipway checks score.yaml",
        "against, so YAML editors validate and complete them (docs/editors.md). With PLATFORM_DIR, the platform's own",
        "component types (componentTypes/) join the built-in ones, and app.yaml's environment overrides are limited to that",
        "platform's environments.",
        "Exit codes: 0 written, 2 bad input (PLATFORM_DIR without a readable slipway.yaml, DIR not writable)."})
final class SchemaCommand implements Callable<Integer> {
  static final String PLATFORM_FILE = "slipway.schema.json";
  static final String APP_FILE = "app.schema.json";
  static final String SCORE_FILE = "score.schema.json";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "PLATFORM_DIR", description = "A platform directory (holding slipway.yaml); optional.")
  Path platformDir;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the schemas. Default: PLATFORM_DIR, else the current directory.")
  Path outDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> environments = List.of();
    List<ComponentTypeSchema> types = ComponentTypeSchema.builtIn();
    if (platformDir != null) {
      Workspace ws = Workspace.load(platformDir);
      if (ws.platform() == null) {
        PlanCommand.printDiagnostics(err, ws.diagnostics().list().stream().filter(d -> d.isError()).toList());
        err.println("error: " + platformDir + " has no readable slipway.yaml");
        return Main.BAD_INPUT;
      }
      environments = ws.platform().environmentNames();
      types = ComponentTypeSchema.of(ws.platform());
      reportBrokenTypes(ws, err, "the schemas");
    }
    Map<String, JsonNode> files = new LinkedHashMap<>();
    files.put(PLATFORM_FILE, SpecSchemas.platform(types));
    files.put(APP_FILE, SpecSchemas.application(types, environments));
    try (InputStream in = ScoreSchema.class.getResourceAsStream(ScoreSchema.RESOURCE)) {
      files.put(SCORE_FILE, Output.JSON.readTree(in));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Path dir = outDir != null ? outDir : platformDir != null ? platformDir : Path.of(".");
    try {
      Files.createDirectories(dir);
      for (var e : files.entrySet()) {
        String text = Output.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(e.getValue()) + "\n";
        Files.writeString(dir.resolve(e.getKey()), text, StandardCharsets.UTF_8);
        out.println("wrote " + dir.resolve(e.getKey()));
      }
    } catch (IOException e) {
      err.println("error: cannot write to " + dir + ": " + e.getMessage());
      return Main.BAD_INPUT;
    }
    return Main.OK;
  }

  /**
   * A type file with errors is left out of the platform: says why, or its name would just be
   * missing from {@code what} (the schemas, a conversion).
   */
  static void reportBrokenTypes(Workspace ws, PrintWriter err, String what) {
    List<Diagnostic> typeErrors = ws.diagnostics().list().stream()
        .filter(d -> d.isError() && d.file().startsWith(ComponentTypeLoader.DIRECTORY + "/")).sorted().toList();
    if (!typeErrors.isEmpty()) {
      PlanCommand.printDiagnostics(err, typeErrors);
      err.println("warning: component types with errors are left out of " + what + " (docs/types.md)");
    }
  }
}
