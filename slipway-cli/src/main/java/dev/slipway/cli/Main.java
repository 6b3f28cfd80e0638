package dev.slipway.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code slipway} command line. Exit codes: 0 ok, 1 findings (policy, validation), 2 bad input. */
@Command(
    name = "slipway",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Platform orchestrator for Kubernetes: plan, validate and check environments from slipway.yaml and apps/*/app.yaml.",
    subcommands = {PlanCommand.class, CostCommand.class, PolicyCommand.class, HealthCommand.class, ValidateCommand.class,
        ClusterCommands.Diff.class, ClusterCommands.Sync.class, HistoryCommands.History.class, HistoryCommands.Rollback.class,
        StatusCommand.class, DoctorCommand.class, PromotionCommands.Promote.class, PromotionCommands.Approve.class,
        PromotionCommands.Releases.class, PromotionCommands.Unpin.class, RolloutCommands.class, SandboxCommand.class, ServeCommand.class,
        ClusterCommands.Destroy.class, TypesCommand.class, IamCommand.class, ConvertCommand.class, SchemaCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FINDINGS = 1;
  public static final int BAD_INPUT = 2;
  public static final int INTERNAL = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs a command line with the given streams; what tests call. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("error: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      // The qualified name is "slipway" at the top and "slipway plan" below it.
      err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      // A bug in Slipway, not a user error: one line, and the trace only when asked for.
      err.println("error: internal error: " + ex);
      if (System.getenv("SLIPWAY_DEBUG") != null) {
        ex.printStackTrace(err);
      } else {
        err.println("(set SLIPWAY_DEBUG=1 for details, and please report it)");
      }
      return INTERNAL;
    });
    int code = unknownCommand(cl, args, err);
    if (code == OK) {
      code = cl.execute(args);
    }
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Refuses an unknown command before picocli sees it: with {@code --help} beside it, picocli
   * would print the top-level help and exit 0, so {@code slipway plna --help} would look fine.
   */
  private static int unknownCommand(CommandLine cl, String[] args, PrintWriter err) {
    if (args.length == 0 || args[0].startsWith("-") || cl.getSubcommands().containsKey(args[0])) {
      return OK;
    }
    err.println("error: unknown command '" + args[0] + "'");
    CommandLine.UnmatchedArgumentException.printSuggestions(
        new CommandLine.UnmatchedArgumentException(cl, java.util.List.of(args[0])), err);
    err.println("Run 'slipway --help' for usage.");
    return BAD_INPUT;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"slipway " + (v == null ? "dev" : v)};
    }
  }
}
