package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.validate.ManifestCheck;
import dev.slipway.engine.validate.ManifestCheck.Located;
import dev.slipway.engine.validate.ManifestCheck.ResourceResult;
import dev.slipway.engine.validate.ManifestValidator;
import dev.slipway.engine.validate.ManifestValidator.Status;
import dev.slipway.model.Diagnostic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway validate}: validate arbitrary manifests offline, like kubeconform. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Validates Kubernetes manifests offline, in the manner of kubeconform.",
        "Built-in kinds are checked against fabric8's typed model, Slipway's add-on kinds against bundled",
        "schemas, other kinds against --schema-location.",
        "Exit codes: 0 all valid or skipped, 1 invalid resources or errors, 2 bad usage."})
final class ValidateCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "Manifest files or directories (*.yaml, *.yml, *.json, skipping kustomization.yaml); '-' reads stdin.")
  List<String> files = new ArrayList<>();

  @Option(names = "--schema-location", paramLabel = "LOC",
      description = {"JSON schemas in kubeconform's layouts: a directory, a template such as",
          "'DIR/{{ .ResourceKind }}{{ .KindSuffix }}.json', or one file. 'default' means the built-in schemas.",
          "Repeatable; tried in order. Without it, the built-in schemas are used."})
  List<String> schemaLocations = new ArrayList<>();

  @Option(names = "--strict", description = "Reject unknown fields and duplicate keys.")
  boolean strict;

  @Option(names = "--exit-on-error", description = "Stop at the first resource that is invalid or in error (as kubeval's option).")
  boolean exitOnError;

  @Option(names = "--skip", split = ",", paramLabel = "KIND", description = "Kinds to skip: Kind or apiVersion/Kind.")
  List<String> skip = new ArrayList<>();

  @Option(names = "--reject", split = ",", paramLabel = "KIND", description = "Kinds to reject as invalid: Kind or apiVersion/Kind.")
  List<String> reject = new ArrayList<>();

  @Option(names = "--ignore-missing-schemas", description = "Skip resources with no schema instead of failing them.")
  boolean ignoreMissing;

  @Option(names = "--kubernetes-version", paramLabel = "VERSION",
      description = "Selects the schema set in a --schema-location directory laid out by version (e.g. 1.29.0). Default: master.")
  String kubernetesVersion;

  @Option(names = "--default-namespace", paramLabel = "NS", description = "Namespace of objects that name none, for duplicate detection. Default: default.")
  String defaultNamespace = "default";

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json.")
  String format = "text";

  @Option(names = {"-v", "--verbose"}, description = "Also list valid and skipped resources.")
  boolean verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Output.checkFormat(err, format, "text", "json")) {
      return Main.BAD_INPUT;
    }
    List<ManifestCheck.SourceFile> sources = new ArrayList<>();
    for (String f : files) {
      try {
        read(f, sources);
      } catch (IOException e) {
        err.println("error: cannot read " + f + ": " + e.getMessage());
        return Main.BAD_INPUT;
      }
    }
    ManifestValidator.Options options = new ManifestValidator.Options(strict, schemaLocations, ignoreMissing,
        new LinkedHashSet<>(skip), new LinkedHashSet<>(reject), kubernetesVersion);
    ManifestCheck.Report report = new ManifestCheck(options, defaultNamespace, exitOnError).check(sources);
    if (format.equals("json")) {
      out.println(Output.json(json(report)));
    } else {
      for (Diagnostic d : report.fileErrors().list()) {
        out.println(d.format());
      }
      for (ResourceResult r : report.resources()) {
        printResult(out, r);
      }
      out.println("Summary: " + Output.plural(report.resources().size(), "resource") + " found in "
          + Output.plural(sources.size(), "file") + " - Valid: " + report.count(Status.VALID) + ", Invalid: "
          + report.count(Status.INVALID) + ", Errors: " + (report.count(Status.ERROR) + report.fileErrors().list().size())
          + ", Skipped: " + report.count(Status.SKIPPED));
    }
    return report.ok() ? Main.OK : Main.FINDINGS;
  }

  private void printResult(PrintWriter out, ResourceResult r) {
    String where = r.file() + ":" + r.line() + (r.source() != null ? " (" + r.source() + ")" : "");
    for (String note : r.notes()) {
      out.println(where + " - " + r.describe() + " note: " + note);
    }
    switch (r.status()) {
      case VALID -> {
        if (verbose) {
          out.println(where + " - " + r.describe() + " is valid");
        }
      }
      case SKIPPED -> {
        if (verbose) {
          out.println(where + " - " + r.describe() + " skipped");
        }
      }
      case INVALID, ERROR -> {
        String verb = r.status() == Status.INVALID ? "failed validation" : "error";
        out.println(where + " - " + r.describe() + " " + verb + ":");
        for (Located p : r.problems()) {
          out.println("    " + (p.line() > 0 ? "line " + p.line() + ": " : "") + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message());
        }
      }
    }
  }

  private static void read(String f, List<ManifestCheck.SourceFile> out) throws IOException {
    if (f.equals("-")) {
      out.add(new ManifestCheck.SourceFile("stdin", new String(System.in.readAllBytes(), StandardCharsets.UTF_8)));
      return;
    }
    Path p = Path.of(f);
    if (Files.isDirectory(p)) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path x : walk.filter(Files::isRegularFile)
            .filter(x -> x.toString().matches(".*\\.(yaml|yml|json)$"))
            // Kustomize's own files are build instructions, not objects to apply.
            .filter(x -> !x.getFileName().toString().matches("(?i)kustomization\\.ya?ml"))
            .sorted().toList()) {
          out.add(new ManifestCheck.SourceFile(x.toString(), Files.readString(x, StandardCharsets.UTF_8)));
        }
      }
      return;
    }
    if (!Files.isRegularFile(p)) {
      throw new IOException("no such file or directory");
    }
    if (Files.size(p) > 256L << 20) {
      throw new IOException("file is larger than 256 MiB");
    }
    out.add(new ManifestCheck.SourceFile(f, Files.readString(p, StandardCharsets.UTF_8)));
  }

  private static ObjectNode json(ManifestCheck.Report report) {
    ObjectNode root = Output.JSON.createObjectNode();
    ArrayNode rs = root.putArray("resources");
    for (ResourceResult r : report.resources()) {
      ObjectNode n = rs.addObject();
      n.put("file", r.file());
      n.put("line", r.line());
      n.put("source", r.source());
      n.put("apiVersion", r.apiVersion());
      n.put("kind", r.kind());
      n.put("namespace", r.namespace());
      n.put("name", r.name());
      n.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
      n.put("schema", r.schema());
      ArrayNode notes = n.putArray("notes");
      r.notes().forEach(notes::add);
      ArrayNode ps = n.putArray("problems");
      for (Located p : r.problems()) {
        ps.addObject().put("path", p.path()).put("line", p.line()).put("column", p.column()).put("message", p.message());
      }
    }
    ArrayNode fe = root.putArray("fileErrors");
    report.fileErrors().list().forEach(d -> fe.add(Output.diagnostic(d)));
    ObjectNode s = root.putObject("summary");
    for (Status st : Status.values()) {
      s.put(st.name().toLowerCase(java.util.Locale.ROOT), report.count(st));
    }
    return root;
  }
}
