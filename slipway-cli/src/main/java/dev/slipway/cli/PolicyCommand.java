package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.kyverno.KyvernoEngine;
import dev.slipway.engine.kyverno.KyvernoPolicy;
import dev.slipway.engine.kyverno.KyvernoTestRunner;
import dev.slipway.engine.kyverno.PolicySources;
import dev.slipway.engine.kyverno.RuleResult;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Diagnostics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway policy}: run Kyverno policies on manifests and Kyverno CLI test suites. */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Kyverno policies: run test suites (test) or apply policies to manifests (check).",
    subcommands = {PolicyCommand.Test.class, PolicyCommand.Check.class})
final class PolicyCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code slipway policy test DIR}: every kyverno-test.yaml under DIR. */
  @Command(name = "test", mixinStandardHelpOptions = true,
      description = {"Runs Kyverno CLI test suites (kyverno-test.yaml: policies, resources, expected results) under DIR.",
          "A suite that cannot be loaded as written (unparsable, a missing policy or resource file, a result naming a",
          "policy, rule or resource that does not exist) fails: its results count as failed and it is listed.",
          "Exit codes: 0 all results as expected, 1 a mismatch, a broken suite or a result Slipway did not evaluate,",
          "2 bad input."})
  static final class Test implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Directory holding kyverno-test.yaml files (searched recursively).")
    Path dir;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    String format = "table";

    @Option(names = "--failures-only", description = "List only the results that differ from the expectation.")
    boolean failuresOnly;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Output.checkFormat(err, format, "table", "json")) {
        return Main.BAD_INPUT;
      }
      KyvernoTestRunner.Report report = KyvernoTestRunner.run(dir);
      report.diagnostics().list().forEach(d -> err.println(d.format()));
      if (report.diagnostics().hasErrors() && report.cases().isEmpty()) {
        return Main.BAD_INPUT;
      }
      if (format.equals("json")) {
        ObjectNode root = Output.JSON.createObjectNode();
        ArrayNode cases = root.putArray("results");
        for (KyvernoTestRunner.Case c : report.cases()) {
          cases.addObject().put("test", c.test()).put("policy", c.policy()).put("rule", c.rule()).put("kind", c.kind())
              .put("resource", c.resource()).put("expected", c.expected()).put("actual", c.actual())
              .put("agrees", c.agrees()).put("notEvaluated", !c.agrees() && c.notEvaluated()).put("message", c.message());
          if (c.problem() != null) {
            ((ObjectNode) cases.get(cases.size() - 1)).put("problem", c.problem());
          }
        }
        ArrayNode broken = root.putArray("brokenSuites");
        report.broken().forEach(b -> broken.addObject().put("test", b.test()).put("reason", b.reason()));
        root.put("passed", report.passed());
        root.put("failed", report.failed());
        root.put("notEvaluated", report.notEvaluated());
        out.println(Output.json(root));
      } else {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "POLICY", "RULE", "RESOURCE", "EXPECTED", "ACTUAL", "RESULT"});
        int i = 0;
        for (KyvernoTestRunner.Case c : report.cases()) {
          i++;
          if (!failuresOnly || !c.agrees()) {
            rows.add(new String[] {Integer.toString(i), c.policy(), c.rule(), c.kind() + "/" + c.resource(), c.expected(),
                c.actual(), c.agrees() ? "Pass" : c.notEvaluated() ? "Not evaluated" : "Fail"});
          }
        }
        out.print(Output.table(rows, ""));
        for (KyvernoTestRunner.Case c : report.cases()) {
          if (!c.agrees() && !c.message().isEmpty()) {
            out.println("  " + c.policy() + "/" + c.rule() + " on " + c.kind() + "/" + c.resource() + ": " + c.message());
          }
        }
        for (KyvernoTestRunner.Broken b : report.broken()) {
          out.println("  broken suite " + b.test() + ": " + b.reason() + " (its results count as failed)");
        }
        out.println(report.passed() + " passed, " + report.failed() + " failed"
            + (report.notEvaluated() > 0 ? ", " + report.notEvaluated() + " not evaluated" : ""));
      }
      // A result Slipway did not evaluate is no evidence either way: the suite is not verified.
      return report.failed() > 0 || report.notEvaluated() > 0 ? Main.FINDINGS : Main.OK;
    }
  }

  /** {@code slipway policy check -p POLICY... FILE...}: like {@code kyverno apply}. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Applies Kyverno policies to manifests and reports every rule's result on every resource.",
          "Exit codes: 0 no failures, 1 a rule failed or errored, 2 bad input."})
  static final class Check implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--policy"}, required = true, paramLabel = "POLICY",
        description = "Policy file or directory (repeatable). 'builtin:baseline' is Slipway's baseline.")
    List<String> policies = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Manifest files or directories.")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    String format = "table";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Output.checkFormat(err, format, "table", "json")) {
        return Main.BAD_INPUT;
      }
      Diagnostics d = new Diagnostics();
      List<KyvernoPolicy> loaded = PolicySources.loadGiven(policies, d);
      List<JsonNode> resources = new ArrayList<>();
      for (Path f : files) {
        try {
          for (Path p : manifestFiles(f)) {
            resources.addAll(KyvernoTestRunner.resources(Files.readString(p, StandardCharsets.UTF_8), p.toString(), d));
          }
        } catch (IOException e) {
          d.error("io.read", dev.slipway.model.Position.file(f.toString()), "", "cannot read " + f + ": " + e.getMessage());
        }
      }
      d.list().forEach(x -> err.println(x.format()));
      if (d.hasErrors()) {
        err.println("policy check failed: fix the errors above.");
        return Main.BAD_INPUT;
      }
      List<RuleResult> results = new ArrayList<>();
      for (KyvernoPolicy p : loaded) {
        for (JsonNode r : resources) {
          results.addAll(KyvernoEngine.apply(p, r));
        }
      }
      long failed = results.stream().filter(r -> r.status() == RuleResult.Status.FAIL || r.status() == RuleResult.Status.ERROR).count();
      if (format.equals("json")) {
        ObjectNode root = Output.JSON.createObjectNode();
        ArrayNode arr = root.putArray("results");
        results.forEach(r -> arr.addObject().put("policy", r.policy()).put("rule", r.rule()).put("resource", r.resource())
            .put("result", r.status().label()).put("message", r.message()));
        out.println(Output.json(root));
      } else {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"POLICY", "RULE", "RESOURCE", "RESULT", "MESSAGE"});
        results.forEach(r -> rows.add(new String[] {r.policy(), r.rule(), r.resource(), r.status().label(), r.message()}));
        out.print(Output.table(rows, ""));
        long pass = results.stream().filter(r -> r.status() == RuleResult.Status.PASS).count();
        long skip = results.stream().filter(r -> r.status() == RuleResult.Status.SKIP).count();
        long warn = results.stream().filter(r -> r.status() == RuleResult.Status.WARN).count();
        long notEvaluated = results.stream().filter(r -> r.status() == RuleResult.Status.NOT_EVALUATED).count();
        out.println("pass: " + pass + ", fail: " + failed + ", warn: " + warn + ", skip: " + skip + ", not evaluated: " + notEvaluated);
      }
      return failed > 0 ? Main.FINDINGS : Main.OK;
    }

    private static List<Path> manifestFiles(Path f) throws IOException {
      if (!Files.isDirectory(f)) {
        return List.of(f);
      }
      try (Stream<Path> w = Files.walk(f)) {
        return w.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
            .filter(p -> !p.getFileName().toString().matches("(?i)kustomization\\.ya?ml")).sorted().toList();
      }
    }
  }

  static void print(PrintWriter w, List<Diagnostic> ds) {
    ds.forEach(d -> w.println(d.format()));
  }
}
