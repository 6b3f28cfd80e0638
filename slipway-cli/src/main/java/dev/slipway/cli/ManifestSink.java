package dev.slipway.cli;

import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.EnvironmentSummary;
import dev.slipway.engine.plan.OutputLayout;
import dev.slipway.engine.plan.OutputLayout.Layout;
import dev.slipway.engine.plan.PlanSink;
import dev.slipway.model.spec.EnvironmentSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Writes a streamed plan as it comes: each application's directory is serialised and written on
 * the planner's workers, several at once (one thread writing them all in turn was the plan's
 * critical path: about 1 ms of file system time per application); an environment's
 * {@code _cluster/} directory and {@code kustomization.yaml} are written after its last application,
 * and the applications' directories it no longer has are removed then. The output directory is
 * opened (and checked) at the first application, so a plan with spec errors writes nothing.
 */
final class ManifestSink implements PlanSink<String> {
  /** A write failed; carries the reason out of the planner's callbacks. */
  static final class WriteFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WriteFailed(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final Layout layout;
  private final boolean appsOnly;
  private final List<String> dirs = new ArrayList<>();
  private final CompletableFuture<OutputWriter.Scan> scanned;
  private OutputWriter writer;

  /**
   * @param roots the directories the plan regenerates, relative to {@code outDir}
   * @param appsOnly the plan is narrowed to some applications: leave the rest of each environment alone
   */
  ManifestSink(Path outDir, Layout layout, List<String> roots, boolean appsOnly) {
    this.layout = layout;
    this.appsOnly = appsOnly;
    // What the output directory holds is read (nothing written) while the plan is resolved, not
    // when the first application is ready: a re-plan of 1,000 applications has 9,000 entries to list.
    this.scanned = new CompletableFuture<>();
    Thread scan = new Thread(() -> {
      try {
        scanned.complete(OutputWriter.scan(outDir, roots));
      } catch (IOException | OutputWriter.Refused | RuntimeException e) {
        scanned.completeExceptionally(e);
      }
    }, "slipway-output-scan");
    scan.setDaemon(true);
    scan.start();
  }

  /** Serialises and writes the application's directory, on a worker; returns its name. */
  @Override
  public String prepare(EnvironmentSpec env, ApplicationPlan app) {
    SortedMap<String, String> files = OutputLayout.applicationDirectory(layout, env.name(), app.name(), app.bundle().objects());
    try {
      writer().writeDirectory(env.name() + "/" + app.name(), files);
    } catch (IOException | OutputWriter.Refused e) {
      throw new WriteFailed(e);
    }
    return app.name();
  }

  @Override
  public void application(EnvironmentSpec env, ApplicationPlan app, String written) {
    dirs.add(written);
  }

  @Override
  public void environment(EnvironmentSummary env) {
    try {
      OutputWriter w = writer();
      if (!appsOnly) {
        List<String> listed = new ArrayList<>();
        if (!env.clusterObjects().isEmpty()) {
          w.writeDirectory(env.name() + "/" + OutputLayout.CLUSTER_DIR,
              OutputLayout.clusterDirectory(layout, env.name(), env.clusterObjects()));
          listed.add(OutputLayout.CLUSTER_DIR);
        }
        listed.addAll(dirs);
        SortedMap<String, String> top = new TreeMap<>();
        if (!listed.isEmpty()) {
          top.put(OutputLayout.environmentKustomizationPath(env.name()), OutputLayout.environmentKustomization(layout, listed));
        }
        Set<String> keep = new HashSet<>(listed);
        w.sync(env.name(), top, keep);
      }
    } catch (IOException | OutputWriter.Refused e) {
      throw new WriteFailed(e);
    }
    dirs.clear();
  }

  private synchronized OutputWriter writer() throws IOException, OutputWriter.Refused {
    if (writer == null) {
      OutputWriter.Scan scan;
      try {
        scan = scanned.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        if (e.getCause() instanceof OutputWriter.Refused refused) {
          throw refused;
        }
        throw e;
      }
      writer = OutputWriter.open(scan);
    }
    return writer;
  }

  /** What was written, or null when nothing reached the sink. */
  synchronized String summary() {
    return writer == null ? null : writer.summary();
  }
}
