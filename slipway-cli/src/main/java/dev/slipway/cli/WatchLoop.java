package dev.slipway.cli;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.OwnedWatch;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.Deployer;
import dev.slipway.kube.deploy.StatusReader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code slipway sync --watch}: after the first sync, keeps the environment in step. Changes to the
 * platform files are re-planned and synced; changes in the cluster to what Slipway owns are
 * diffed within seconds and reported as drift, and corrected when the environment has
 * {@code sync.selfHeal}. An application whose last sync was a rollback is left alone until a
 * plain {@code slipway sync}: watching never undoes a rollback.
 */
final class WatchLoop {
  private final PlatformOptions platform;
  private final KubernetesClient kc;
  private final SyncExecutor.Options options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Clock clock = Clock.systemUTC();
  private final ClusterClient client;
  /** Applications the cluster watch saw change, waiting to be diffed. */
  private final java.util.concurrent.BlockingQueue<String> touched = new java.util.concurrent.LinkedBlockingQueue<>();

  WatchLoop(PlatformOptions platform, KubernetesClient kc, ClusterClient client, SyncExecutor.Options options, PrintWriter out,
      PrintWriter err) {
    this.platform = platform;
    this.kc = kc;
    this.client = client;
    this.options = options;
    this.out = out;
    this.err = err;
  }

  private int parallel = Deployer.DEFAULT_PARALLEL;
  private Duration lockWait = Duration.ZERO;

  WatchLoop parallel(int n) {
    this.parallel = n;
    return this;
  }

  /** How health is judged until the platform files change (then by the new plan's rules). */
  WatchLoop health(dev.slipway.engine.health.HealthRules rules) {
    this.health = rules;
    return this;
  }

  private dev.slipway.engine.health.HealthRules health = dev.slipway.engine.health.HealthRules.BUILT_IN;

  WatchLoop lockWait(Duration wait) {
    this.lockWait = wait;
    return this;
  }

  /**
   * Runs until {@code until} (or forever when null) or interruption. Returns false when it stopped
   * because the watch failed (its informers gave up, or the cluster could not be read), so the
   * command exits non-zero.
   */
  boolean run(EnvironmentPlan initial, Duration interval, Instant until) {
    EnvironmentPlan env = initial;
    String fingerprint = fingerprint(platform.dir);
    Deployer deployer = new Deployer(client, clock, out, err).parallel(parallel).lockWait(lockWait).health(health);
    StatusReader status = new StatusReader(deployer.executor(), deployer.history());
    say("watching " + env.name() + ": platform files every " + interval.toSeconds() + "s, owned objects continuously"
        + (env.environment().selfHeal() ? "; self-heal on" : "; drift is reported (enable sync.selfHeal to correct it)"));
    try (OwnedWatch watch = new OwnedWatch(kc, env.name(), this::touch)) {
      Instant nextPoll = clock.instant().plus(interval);
      while (until == null || clock.instant().isBefore(until)) {
        if (watch.failure() != null) {
          err.println("error: the watch of " + env.name() + " stopped: " + watch.failure());
          return false;
        }
        // Wake on the first change the watch reports, or when the files are due to be looked at.
        long wait = Math.max(1, Duration.between(clock.instant(), until == null || nextPoll.isBefore(until) ? nextPoll : until).toMillis());
        String first = touched.poll(wait, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first != null) {
          touched.add(first);
        }
        try {
        if (!clock.instant().isBefore(nextPoll)) {
          nextPoll = clock.instant().plus(interval);
          String now = fingerprint(platform.dir);
          if (!now.equals(fingerprint)) {
            fingerprint = now;
            Plan plan = ClusterCommands.plan(platform, err);
            if (plan == null) {
              say("platform files changed but do not plan; keeping the last good plan");
            } else if (plan.blocked()) {
              say("platform files changed but violate enforced policy; not syncing (see slipway plan)");
            } else {
              env = plan.environments().get(0);
              deployer.health(plan.health());
              status = new StatusReader(deployer.executor(), deployer.history());
              say("platform files changed: syncing");
              List<ApplicationBundle> bundles = new java.util.ArrayList<>();
              for (ApplicationBundle b : ClusterCommands.bundles(env, !platform.apps.isEmpty())) {
                if (deployer.rolledBack(b)) {
                  say(b.application() + " was rolled back: not syncing it (run slipway sync to deploy the current files)");
                } else {
                  bundles.add(b);
                }
              }
              deployer.sync(env, bundles, options, ClusterCommands.provenance(platform.dir, platform.sets, err), 0);
              drain();
              continue;
            }
          }
        }
        for (String app : drain()) {
          ApplicationBundle bundle = ClusterCommands.bundles(env, !platform.apps.isEmpty()).stream()
              .filter(b -> b.application().equals(app)).findFirst().orElse(null);
          if (bundle == null) {
            continue;
          }
          List<String> drift = status.drift(env.name(), bundle);
          if (drift.isEmpty()) {
            continue;
          }
          if (deployer.rolledBack(bundle)) {
            say("drift in " + app + ", which was rolled back: left alone (run slipway sync or slipway rollback)");
            continue;
          }
          say("drift in " + app + ": " + String.join(", ", drift));
          if (env.environment().selfHeal()) {
            say("self-healing " + app);
            deployer.sync(env, List.of(bundle), options, ClusterCommands.provenance(platform.dir, platform.sets, err), 0);
            drain();
          }
        }
        } catch (dev.slipway.kube.EnvironmentLock.Held | KubernetesClientException ex) {
          // Another sync holds the environment, or one request failed: the watch goes on and tries
          // again on the next change or poll. Only the watch's own failure ends it.
          say("not synced this time: " + ex.getMessage() + " (trying again on the next change)");
          nextPoll = clock.instant().plus(interval);
          fingerprint = "";
        }
      }
      say("stopped watching");
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (KubernetesClientException | IllegalStateException | dev.slipway.kube.EnvironmentLock.Held e) {
      err.println("error: watching " + env.name() + " failed: " + e.getMessage());
      return false;
    }
  }

  private void touch(String app) {
    touched.add(app);
  }

  /** The distinct applications reported since the last drain. */
  private Set<String> drain() {
    List<String> apps = new java.util.ArrayList<>();
    touched.drainTo(apps);
    return new TreeSet<>(apps);
  }

  private void say(String message) {
    out.println("[" + clock.instant().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
    out.flush();
  }

  /** Paths and checksums of the platform's files (not the generated out/). */
  static String fingerprint(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      StringBuilder sb = new StringBuilder();
      for (Path p : files.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).startsWith("out")).sorted().toList()) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(Files.readAllBytes(p));
        sb.append(dir.relativize(p)).append(' ').append(crc.getValue()).append('\n');
      }
      return sb.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
