package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.health.HealthTestRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway health}: Argo CD-format Lua health scripts. */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Argo CD-format Lua health scripts: run their test suites (test).",
    subcommands = {HealthCommand.Test.class})
final class HealthCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code slipway health test DIR}: every health_test.yaml under DIR against the health.lua beside it. */
  @Command(name = "test", mixinStandardHelpOptions = true,
      description = {"Runs Argo CD health script test suites under DIR: each health_test.yaml",
          "(tests: [{inputPath, healthStatus: {status, message}}]) against the health.lua beside it (or, as Argo CD's own",
          "test does, the <group>/<Kind>/health.lua under DIR for a case's object of another kind), in the sandbox",
          "slipway.yaml's health scripts run in. A case passes when status and message are as expected.",
          "A suite that cannot be loaded (unparsable, no health.lua, a script that is not valid Lua) fails, with the file.",
          "Exit codes: 0 every case passed, 1 a case failed or a suite is broken, 2 bad usage (DIR missing, no suite)."})
  static final class Test implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Directory holding health_test.yaml files (searched recursively), or one such file.")
    Path dir;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    String format = "table";

    @Option(names = "--failures-only", description = "List only the cases that failed.")
    boolean failuresOnly;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Output.checkFormat(err, format, "table", "json")) {
        return Main.BAD_INPUT;
      }
      if (!Files.exists(dir)) {
        err.println("error: " + dir + ": no such directory");
        return Main.BAD_INPUT;
      }
      if (HealthTestRunner.suites(dir).isEmpty()) {
        err.println("error: " + dir + ": no " + HealthTestRunner.SUITE_FILE + " found");
        return Main.BAD_INPUT;
      }
      HealthTestRunner.Report report = HealthTestRunner.run(dir);
      if (format.equals("json")) {
        ObjectNode root = Output.JSON.createObjectNode();
        ArrayNode cases = root.putArray("results");
        for (HealthTestRunner.Case c : report.cases()) {
          ObjectNode o = cases.addObject().put("suite", c.suite()).put("input", c.input())
              .put("expectedStatus", c.expectedStatus()).put("expectedMessage", c.expectedMessage())
              .put("actualStatus", c.actualStatus()).put("actualMessage", c.actualMessage()).put("passed", c.passed());
          if (c.problem() != null) {
            o.put("problem", c.problem());
          }
        }
        ArrayNode broken = root.putArray("brokenSuites");
        report.broken().forEach(b -> broken.addObject().put("file", b.file()).put("line", b.line()).put("reason", b.reason())
            .put("failures", b.failures()));
        root.put("passed", report.passed());
        root.put("failed", report.failed());
        out.println(Output.json(root));
      } else {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "SUITE", "INPUT", "EXPECTED", "ACTUAL", "RESULT"});
        int i = 0;
        for (HealthTestRunner.Case c : report.cases()) {
          i++;
          if (!failuresOnly || !c.passed()) {
            rows.add(new String[] {Integer.toString(i), c.suite(), c.input(), c.expectedStatus(),
                c.problem() != null ? "-" : c.actualStatus(), c.passed() ? "Pass" : "Fail"});
          }
        }
        out.print(Output.table(rows, ""));
        for (HealthTestRunner.Case c : report.cases()) {
          if (c.passed()) {
            continue;
          }
          if (c.problem() != null) {
            out.println("  " + c.suite() + " " + c.input() + ": " + c.problem());
          } else {
            out.println("  " + c.suite() + " " + c.input() + ":");
            out.println("    expected " + c.expectedStatus() + " " + quote(c.expectedMessage()));
            out.println("    actual   " + c.actualStatus() + " " + quote(c.actualMessage()));
          }
        }
        for (HealthTestRunner.Broken b : report.broken()) {
          out.println("  broken suite " + b.where() + ": " + b.reason() + " (counts as " + b.failures() + " failed)");
        }
        out.println(report.passed() + " passed, " + report.failed() + " failed");
      }
      return report.failed() > 0 ? Main.FINDINGS : Main.OK;
    }

    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
  }
}
