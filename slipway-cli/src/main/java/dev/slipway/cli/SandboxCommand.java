package dev.slipway.cli;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import dev.slipway.sandbox.Sandbox;
import dev.slipway.sandbox.SandboxOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway sandbox}: simulated clusters for a platform's environments, running until stopped,
 * so {@code slipway sync}, {@code diff} and {@code status} can be tried without a cluster.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = {"Starts SIMULATED Kubernetes clusters, one per environment of the platform (in-process mock API servers",
        "with simulated controllers), writes a kubeconfig for them and runs until stopped (Ctrl-C).",
        "Nothing runs in them: no image is pulled, no load balancer or volume exists. See docs/sandbox.md.",
        "Exit codes: 0 stopped, 2 bad input (spec errors, bad options, the kubeconfig cannot be written)."})
final class SandboxCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Platform directory (with slipway.yaml). Default: current directory.")
  Path dir = Path.of(".");

  @Option(names = "--kubeconfig-out", paramLabel = "FILE",
      description = "Where to write the kubeconfig of the simulated clusters. Default: slipway-sandbox-PLATFORM.kubeconfig in the temporary directory.")
  Path kubeconfigOut;

  @Option(names = "--delay", paramLabel = "DURATION",
      description = "How long rollouts, volume bindings, load balancers and secret syncs take to finish (e.g. 500ms, 2s). Default: 2s.")
  String delay = "2s";

  @Option(names = "--progress-deadline", paramLabel = "DURATION",
      description = "How long a failing Deployment takes to report ProgressDeadlineExceeded (real clusters: 600s). Default: 30s.")
  String progressDeadline = "30s";

  /** Counted down to stop: by the shutdown hook (Ctrl-C, SIGTERM) or, in tests, by interrupting the thread. */
  private final CountDownLatch stop = new CountDownLatch(1);
  /** Counted down once the clusters are closed and the kubeconfig deleted. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration d = ClusterCommands.Sync.duration(delay);
    Duration deadline = ClusterCommands.Sync.duration(progressDeadline);
    if (d == null || deadline == null) {
      err.println("error: --delay and --progress-deadline take a duration such as 500ms, 2s or 1m");
      return Main.BAD_INPUT;
    }
    Workspace ws = Workspace.load(dir);
    List<Diagnostic> errors = ws.diagnostics().list().stream().filter(x -> x.severity() == Diagnostic.Severity.ERROR).toList();
    if (ws.platform() == null || !errors.isEmpty()) {
      PlanCommand.printDiagnostics(err, errors);
      return Main.BAD_INPUT;
    }
    Path file = kubeconfigOut != null ? kubeconfigOut
        : Path.of(System.getProperty("java.io.tmpdir"), "slipway-sandbox-" + ws.platform().name() + ".kubeconfig");
    boolean interrupted = false;
    Thread hook = new Thread(() -> {
      stop.countDown();
      // The JVM exits once the hooks return: let the clusters close and the kubeconfig go first.
      try {
        stopped.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "slipway-sandbox-stop");
    try (Sandbox sandbox = Sandbox.start(ws.platform(), SandboxOptions.DEFAULT.withDelay(d).withProgressDeadline(deadline))) {
      try {
        sandbox.writeKubeconfig(file);
      } catch (IOException e) {
        err.println("error: cannot write the kubeconfig to " + file + ": " + e.getMessage());
        return Main.BAD_INPUT;
      }
      out.println(sandbox.banner());
      out.println();
      out.println(Sandbox.SIMULATED + " kubeconfig: " + file.toAbsolutePath());
      out.println("Try it (in another terminal):");
      for (String env : sandbox.environments()) {
        out.println("  slipway sync " + dir + " --env " + env + " --kubeconfig " + file.toAbsolutePath());
      }
      out.println("  slipway status " + dir + " --kubeconfig " + file.toAbsolutePath());
      out.println("Stop with Ctrl-C.");
      out.flush();
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stop.await();
      } catch (InterruptedException e) {
        // Stopped by interruption (tests, an embedding program): the clusters still close cleanly,
        // which they cannot do with the flag set; it is set again once they are closed.
        interrupted = true;
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // Shutting down (the hook runs and waits for this), or the hook was never added.
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        err.println("warning: cannot delete " + file + ": " + e.getMessage());
      }
      stopped.countDown();
    }
    out.println(Sandbox.SIMULATED + " clusters stopped; " + file + " deleted.");
    out.flush();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return Main.OK;
  }
}
