package dev.slipway.cli;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.score.AppYamlWriter;
import dev.slipway.model.score.ScoreApplication;
import dev.slipway.model.score.ScoreFiles;
import dev.slipway.model.score.ScorePlatform;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway convert}: other formats into Slipway's own. */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Converts other application formats to app.yaml: Score workloads (score).",
    subcommands = {ConvertCommand.Score.class})
final class ConvertCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code slipway convert score FILE}: the app.yaml a Score file stands for, as Slipway loads it. */
  @Command(name = "score", mixinStandardHelpOptions = true,
      description = {"Prints the app.yaml equivalent to a Score workload (score.dev/v1b1): the application Slipway loads",
          "from an application folder holding that score.yaml (docs/score.md). Files the Score file names are read from its folder.",
          "With --platform DIR, resources of that platform's own component types (componentTypes/) become components of those",
          "types; without it, only Slipway's built-in types are known.",
          "Exit codes: 0 converted (warnings on stderr), 2 the Score file is invalid or uses what Slipway does not provide;",
          "nothing is written then."})
  static final class Score implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The Score file, e.g. apps/shop/score.yaml.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the app.yaml here instead of to standard output.")
    Path output;

    @Option(names = "--platform", paramLabel = "DIR",
        description = "The platform directory (holding slipway.yaml), whose component types Score resources may name.")
    Path platformDir;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.isRegularFile(file)) {
        err.println("error: " + file + ": no such file");
        return Main.BAD_INPUT;
      }
      ScorePlatform platform = ScorePlatform.NONE;
      if (platformDir != null) {
        Workspace ws = Workspace.load(platformDir);
        if (ws.platform() == null) {
          PlanCommand.printDiagnostics(err, ws.diagnostics().list().stream().filter(Diagnostic::isError).sorted().toList());
          err.println("error: " + platformDir + " has no readable slipway.yaml");
          return Main.BAD_INPUT;
        }
        SchemaCommand.reportBrokenTypes(ws, err, "the conversion");
        platform = ScorePlatform.of(ws.platform());
      }
      String label = file.toString().replace('\\', '/');
      Path folder = file.toAbsolutePath().getParent();
      Diagnostics d = new Diagnostics();
      MapNode app = ScoreApplication.load(file, label, ScoreFiles.in(folder), platform, d);
      PlanCommand.printDiagnostics(err, d.list().stream().sorted().toList());
      if (app == null || d.list().stream().anyMatch(Diagnostic::isError)) {
        err.println("error: " + label + " was not converted");
        return Main.BAD_INPUT;
      }
      String text = AppYamlWriter.write(app, "Converted by `slipway convert score` from " + label
          + " (Score score.dev/v1b1); see docs/score.md.\nPasswords are references to the platform's secret store, never values.");
      if (output == null) {
        out.print(text);
        return Main.OK;
      }
      try {
        Files.writeString(output, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("error: cannot write " + output + ": " + e.getMessage());
        return Main.BAD_INPUT;
      }
      err.println("wrote " + output);
      return Main.OK;
    }
  }
}
