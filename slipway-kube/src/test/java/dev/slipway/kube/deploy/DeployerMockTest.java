package dev.slipway.kube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.RateLimiter;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.SyncReport.ApplicationReport;
import dev.slipway.kube.deploy.SyncReport.Cause;
import dev.slipway.kube.deploy.SyncReport.Result;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy logic the CLI and the server share, called without a CLI: a sync returns a report per
 * application; rollback reads a revision's files through its port; status reads per object.
 * Against fabric8's mock API server with a fake controller setting status.
 */
class DeployerMockTest extends dev.slipway.kube.MockClusterTest {
  static final SyncExecutor.Options SYNC = new SyncExecutor.Options(false, false, false, Duration.ofSeconds(20), Duration.ofMillis(50));
  static final SyncExecutor.Options PRUNE = new SyncExecutor.Options(false, true, false, Duration.ofSeconds(20), Duration.ofMillis(50));
  static final SyncExecutor.Options DRY_RUN = new SyncExecutor.Options(true, true, false, Duration.ofSeconds(20), Duration.ofMillis(50));

  @TempDir
  Path tmp;


  Deployer deployer() {
    ClusterClient c = new ClusterClient(client, new ClusterClient.RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofSeconds(1)), new RateLimiter(10_000, 10_000));
    return new Deployer(c, Clock.systemUTC()).as("tester");
  }

  static EnvironmentPlan plan(Path dir, String... apps) {
    return new Planner().plan(Workspace.load(dir), new Planner.Scope(Set.of("dev"), Set.of(apps))).environments().get(0);
  }

  static Path acme() {
    return Path.of("..", "examples", "acme");
  }

  /** A copy of the acme platform with hello-world's image tag replaced. */
  Path acmeWith(String name, String tag) throws IOException {
    Path dir = tmp.resolve(name);
    copy(acme(), dir);
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:" + tag));
    return dir;
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  String image() {
    return client.apps().deployments().inNamespace("hello-world").withName("web").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getImage();
  }

  @Test
  void aSyncReportsEachApplicationsRevisionStepsAndWaves() {
    EnvironmentPlan e = plan(acme());
    List<ApplicationBundle> bundles = Deployer.bundles(e, false).stream()
        .filter(b -> b.application().equals(SyncExecutor.CLUSTER) || b.application().equals("hello-world")).toList();
    SyncReport report = deployer().sync(e, bundles, SYNC, Provenance.outsideGit(List.of()), 0);

    assertThat(report.succeeded()).as(report.errors()).isTrue();
    assertThat(report.environment()).isEqualTo("dev");
    assertThat(report.applications()).extracting(ApplicationReport::application).containsExactly(SyncExecutor.CLUSTER, "hello-world");
    ApplicationReport app = report.application("hello-world").orElseThrow();
    assertThat(app.result()).isEqualTo(Result.SUCCEEDED);
    assertThat(app.revision()).isEqualTo(1);
    assertThat(app.runId()).isNotBlank();
    assertThat(app.hash()).isEqualTo(dev.slipway.kube.HistoryStore.hash(bundles.get(1)));
    assertThat(app.failure()).isNull();
    assertThat(app.steps()).isNotEmpty().allSatisfy(s -> {
      assertThat(s.action()).isEqualTo("create");
      assertThat(s.wave()).isNotNull();
    });
    assertThat(app.steps()).extracting(SyncReport.Step::ref).contains("Deployment/hello-world/web");
    assertThat(app.writes()).isEqualTo(app.steps().size());
    assertThat(report.writes()).isEqualTo(report.applications().stream().mapToInt(ApplicationReport::writes).sum());
    assertThat(app.output()).startsWith("== dev/hello-world\n").contains("history: revision 1 (not in Git: cannot be rolled back to)");
    assertThat(report.output()).contains(app.output());
    assertThat(report.application(SyncExecutor.CLUSTER).orElseThrow().revision()).as("the environment-wide bundle has no history").isNull();
  }

  @Test
  void aDeployerThatDoesNotWaitStopsAtTheFirstWaveNotHealthyAndTheSyncThatFindsItHealthyRecordsOneRevision() throws Exception {
    controller.hold("hello-world");
    EnvironmentPlan e = plan(acme(), "hello-world");
    ApplicationBundle bundle = Deployer.bundles(e, true).get(0);
    SyncExecutor lister = new SyncExecutor(new ClusterClient(client), Clock.systemUTC());
    // A cache as exact as a list: what a watch would hold.
    java.util.function.Function<ApplicationBundle, SyncExecutor.Snapshot> cache = b -> new SyncExecutor.Snapshot(lister.owned("dev", b));

    SyncReport first = deployer().fromCache(cache).syncApplication(e, "hello-world", SYNC, Provenance.outsideGit(List.of()));
    ApplicationReport app = first.application("hello-world").orElseThrow();
    assertThat(first.succeeded()).as("progressing is not a failure").isTrue();
    assertThat(first.progressing()).isTrue();
    assertThat(app.result()).isEqualTo(Result.PROGRESSING);
    assertThat(app.failure().cause()).isEqualTo(Cause.PROGRESSING);
    assertThat(app.failure().message()).containsPattern("wave -?\\d+: waiting for \\w+/\\S+ is Progressing");
    assertThat(app.revision()).as("no revision while the operation goes on").isNull();
    assertThat(deployer().history().list("dev", bundle)).isEmpty();
    int waitingWave = Integer.parseInt(app.failure().message().replaceAll("^wave (-?\\d+):.*", "$1"));
    assertThat(app.steps()).as("nothing of a later wave applied").allSatisfy(s -> assertThat(s.wave()).isLessThanOrEqualTo(waitingWave));
    long again = server.count("GET", "/namespaces/hello-world/[a-z]+/[^?]+");
    SyncReport still = deployer().fromCache(cache).continuing(app.runId(), app.writes())
        .syncApplication(e, "hello-world", SYNC, Provenance.outsideGit(List.of()));
    assertThat(still.progressing()).isTrue();
    assertThat(still.writes()).as("what was applied is not applied again").isZero();
    assertThat(server.count("GET", "/namespaces/hello-world/[a-z]+/[^?]+") - again).as("a pass that waits reads nothing, not even the history").isZero();

    controller.release("hello-world");
    SyncReport last = still;
    int writes = app.writes();
    // As the server does: a pass each time the fake controller may have moved the rollout on, bounded (5 s).
    for (int pass = 0; pass < 100 && last.progressing(); pass++) {
      Thread.sleep(50);
      last = deployer().fromCache(cache).continuing(app.runId(), writes).syncApplication(e, "hello-world", SYNC,
          Provenance.outsideGit(List.of()));
      writes = last.application("hello-world").orElseThrow().writes();
    }
    ApplicationReport done = last.application("hello-world").orElseThrow();
    assertThat(done.result()).as(last.output()).isEqualTo(Result.SUCCEEDED);
    assertThat(done.revision()).isEqualTo(1);
    assertThat(done.runId()).as("the operation keeps its run id").isEqualTo(app.runId());
    List<dev.slipway.kube.HistoryStore.Revision> revisions = deployer().history().list("dev", bundle);
    assertThat(revisions).hasSize(1);
    assertThat(revisions.get(0).writes()).as("every pass's writes in the one revision").isEqualTo(bundle.objects().size());
    assertThat(revisions.get(0).id()).isEqualTo(app.runId());
  }

  @Test
  void theTextOfASyncIsAlsoWrittenAsItGoes() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ClusterClient c = new ClusterClient(client);
    EnvironmentPlan e = plan(acme(), "hello-world");
    SyncReport report = new Deployer(c, Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err))
        .sync(e, Deployer.bundles(e, true), SYNC, Provenance.outsideGit(List.of()), 0);
    assertThat(out.toString()).isEqualTo(report.output());
    assertThat(err.toString()).isEqualTo(report.errors());
  }

  @Test
  void aSecondSyncWritesNothingAndRecordsNoRevision() {
    EnvironmentPlan e = plan(acme(), "hello-world");
    deployer().sync(e, Deployer.bundles(e, true), SYNC, Provenance.outsideGit(List.of()), 0);
    server.resetRequests();
    SyncReport again = deployer().sync(e, Deployer.bundles(e, true), SYNC, Provenance.outsideGit(List.of()), 0);
    assertThat(again.writes()).isZero();
    ApplicationReport app = again.application("hello-world").orElseThrow();
    assertThat(app.revision()).isNull();
    assertThat(app.steps()).allSatisfy(s -> assertThat(s.action()).isEqualTo("unchanged"));
  }

  @Test
  void syncApplicationSyncsThatApplicationOnly() {
    EnvironmentPlan e = plan(acme());
    SyncReport report = deployer().syncApplication(e, "hello-world", SYNC, Provenance.outsideGit(List.of()));
    assertThat(report.applications()).extracting(ApplicationReport::application).containsExactly("hello-world");
    assertThat(client.apps().deployments().inNamespace("proyecto06").list().getItems()).isEmpty();
  }

  @Test
  void aDryRunWritesNothingAndSaysWhatItWouldDo() {
    EnvironmentPlan e = plan(acme(), "hello-world");
    SyncReport report = deployer().sync(e, Deployer.bundles(e, true), DRY_RUN, null, 0);
    assertThat(report.dryRun()).isTrue();
    assertThat(server.count("POST", "") + server.count("PUT", "")).isZero();
    ApplicationReport app = report.application("hello-world").orElseThrow();
    assertThat(app.revision()).isNull();
    assertThat(app.steps()).allSatisfy(s -> assertThat(s.action()).isEqualTo("would create"));
  }

  @Test
  void aRefusedApplyFailsWithItsCauseAndHoldsBackEveryPrune() {
    EnvironmentPlan full = plan(acme(), "proyecto06");
    deployer().sync(full, Deployer.bundles(full, true), SYNC, Provenance.outsideGit(List.of()), 0);
    ApplicationBundle proyecto = full.applications().get(0).bundle();
    List<dev.slipway.engine.render.RenderedObject> fewer = new ArrayList<>(proyecto.objects());
    fewer.removeIf(o -> "frontend".equals(o.component()));
    ApplicationBundle withoutFrontend = new ApplicationBundle(proyecto.environment(), proyecto.application(), proyecto.namespace(), fewer);
    server.refuse("POST", "/namespaces/hello-world/", 403, 100);

    EnvironmentPlan both = plan(acme(), "hello-world", "proyecto06");
    ApplicationBundle hello = both.applications().stream().map(a -> a.bundle()).filter(b -> b.application().equals("hello-world"))
        .findFirst().orElseThrow();
    SyncReport report = deployer().sync(both, List.of(hello, withoutFrontend), PRUNE, Provenance.outsideGit(List.of()), 0);

    assertThat(report.succeeded()).isFalse();
    assertThat(report.failure().cause()).isEqualTo(Cause.WRITE);
    assertThat(report.failure().message()).startsWith("sync of hello-world failed:").contains("403");
    assertThat(report.application("hello-world").orElseThrow().result()).isEqualTo(Result.FAILED);
    ApplicationReport p = report.application("proyecto06").orElseThrow();
    assertThat(p.prunes()).isNotEmpty().filteredOn(SyncReport.Prune::delete).isNotEmpty()
        .allSatisfy(x -> assertThat(x.outcome()).isEqualTo("held"));
    assertThat(report.pruneList()).isEmpty();
    assertThat(server.count("DELETE", "")).isZero();
    assertThat(client.apps().deployments().inNamespace("proyecto06").withName("frontend").get()).isNotNull();
  }

  @Test
  void aCleanSyncPrunesAndSaysWhatBecameOfEachObject() {
    EnvironmentPlan full = plan(acme(), "proyecto06");
    deployer().sync(full, Deployer.bundles(full, true), SYNC, Provenance.outsideGit(List.of()), 0);
    ApplicationBundle proyecto = full.applications().get(0).bundle();
    List<dev.slipway.engine.render.RenderedObject> fewer = new ArrayList<>(proyecto.objects());
    fewer.removeIf(o -> "frontend".equals(o.component()));
    ApplicationBundle withoutFrontend = new ApplicationBundle(proyecto.environment(), proyecto.application(), proyecto.namespace(), fewer);

    SyncReport report = deployer().sync(full, List.of(withoutFrontend), PRUNE, Provenance.outsideGit(List.of()), 0);
    assertThat(report.succeeded()).as(report.errors()).isTrue();
    assertThat(report.pruneList()).contains("proyecto06: Deployment/proyecto06/frontend");
    assertThat(report.application("proyecto06").orElseThrow().prunes()).filteredOn(SyncReport.Prune::delete)
        .allSatisfy(x -> assertThat(x.outcome()).isEqualTo("pruned"));
    assertThat(client.apps().deployments().inNamespace("proyecto06").withName("frontend").get()).isNull();
  }

  @Test
  void rollbackRedeploysARevisionsFilesReadThroughItsPortAndPinsIt() throws IOException {
    Path first = acmeWith("first", "1.27-alpine");
    Path second = acmeWith("second", "1.28-alpine");
    Deployer deployer = deployer();
    EnvironmentPlan e1 = plan(first, "hello-world");
    EnvironmentPlan e2 = plan(second, "hello-world");
    deployer.sync(e1, Deployer.bundles(e1, true), SYNC, new Provenance("c1", false, List.of()), 0);
    deployer.sync(e2, Deployer.bundles(e2, true), SYNC, new Provenance("c2", false, List.of()), 0);
    assertThat(image()).endsWith(":1.28-alpine");
    ApplicationBundle current = e2.applications().get(0).bundle();
    assertThat(deployer.rolledBack(current)).isFalse();

    List<String> exported = new ArrayList<>();
    Rollback rollback = new Rollback(deployer, (commit, into) -> {
      exported.add(commit);
      copy(commit.equals("c1") ? first : second, into);
      return true;
    });
    StringWriter out = new StringWriter();
    Rollback.Result result = rollback.run("dev", current, null, SYNC, new PrintWriter(out, true), new PrintWriter(new StringWriter()));

    assertThat(result.status()).isEqualTo(Rollback.Status.ROLLED_BACK);
    assertThat(result.revision().number()).isEqualTo(1);
    assertThat(exported).containsExactly("c1");
    assertThat(out.toString()).startsWith("Rolling back hello-world in dev to revision 1 (commit c1, synced ");
    assertThat(result.sync().application("hello-world").orElseThrow().revision()).isEqualTo(3);
    assertThat(image()).endsWith(":1.27-alpine");
    assertThat(deployer.rolledBack(current)).as("a rollback pins the application").isTrue();
    assertThat(deployer.history().list("dev", current).get(2).rollbackOf()).isEqualTo(1);
  }

  @Test
  void rollbackRefusesWhatItCannotReproduce() throws IOException {
    Deployer deployer = deployer();
    EnvironmentPlan e = plan(acme(), "hello-world");
    ApplicationBundle current = e.applications().get(0).bundle();
    Rollback rollback = new Rollback(deployer, (commit, into) -> false);
    PrintWriter quiet = new PrintWriter(new StringWriter());

    assertThat(rollback.run("dev", current, null, SYNC, quiet, quiet).status()).isEqualTo(Rollback.Status.NO_SUCH_REVISION);
    deployer.sync(e, Deployer.bundles(e, true), SYNC, Provenance.outsideGit(List.of()), 0);
    Rollback.Result outside = rollback.run("dev", current, 1, SYNC, quiet, quiet);
    assertThat(outside.status()).isEqualTo(Rollback.Status.NOT_REPRODUCIBLE);
    assertThat(outside.message()).contains("files outside Git");
    assertThat(outside.refused()).isTrue();
    assertThat(rollback.run("dev", current, 9, SYNC, quiet, quiet).message()).startsWith("no revision 9 in the history of hello-world");

    EnvironmentPlan other = plan(acmeWith("other", "1.28-alpine"), "hello-world");
    deployer.sync(other, Deployer.bundles(other, true), SYNC, new Provenance("c9", false, List.of()), 0);
    assertThat(rollback.run("dev", current, 2, SYNC, quiet, quiet).status()).as("the port finds no repository")
        .isEqualTo(Rollback.Status.NO_REPOSITORY);
  }

  @Test
  void statusReadsEachObjectsSyncStateHealthAndDiff() {
    Deployer deployer = deployer();
    EnvironmentPlan e = plan(acme(), "hello-world");
    ApplicationBundle bundle = e.applications().get(0).bundle();
    StatusReader reader = new StatusReader(deployer.executor(), deployer.history());
    StatusReader.ApplicationStatus before = reader.read("dev", bundle);
    assertThat(before.sync()).isEqualTo("OutOfSync");
    assertThat(before.healthDetail()).isEqualTo(StatusReader.NOT_DEPLOYED);
    assertThat(before.revision()).isNull();

    deployer.sync(e, Deployer.bundles(e, true), SYNC, Provenance.outsideGit(List.of()), 0);
    StatusReader.ApplicationStatus synced = reader.read("dev", bundle);
    assertThat(synced.sync()).isEqualTo("Synced");
    assertThat(synced.health()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(synced.revision().number()).isEqualTo(1);
    assertThat(synced.objects()).isNotEmpty().allSatisfy(o -> assertThat(o.sync()).isEqualTo(SyncState.SYNCED));
    assertThat(reader.drift("dev", bundle)).isEmpty();

    client.apps().deployments().inNamespace("hello-world").withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("docker.io/nginxinc/nginx-unprivileged:1.26-alpine");
      return d;
    });
    StatusReader.ApplicationStatus drifted = reader.read("dev", bundle, deployer.executor().snapshot("dev"));
    assertThat(drifted.sync()).isEqualTo("OutOfSync");
    assertThat(drifted.drifted()).containsExactly("OutOfSync Deployment/hello-world/web");
    assertThat(drifted.objects()).filteredOn(o -> o.ref().equals("Deployment/hello-world/web")).singleElement()
        .satisfies(o -> assertThat(o.diff()).contains("1.26-alpine").contains("1.27-alpine"));
    assertThat(reader.drift("dev", bundle)).containsExactly("OutOfSync Deployment/hello-world/web");
  }
}
