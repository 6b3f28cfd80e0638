package dev.slipway.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.FakeController;
import dev.slipway.kube.FaultyApiServer;
import dev.slipway.server.api.ActionResult;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.StatusEvent;
import dev.slipway.server.api.SyncOptions;
import dev.slipway.server.api.SyncState;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller against fabric8's mock API server, with a fake controller setting status as Kubernetes would. */
public class ControllerTest {
  static final Path EXAMPLE = Path.of("..", "examples", "acme");

  @TempDir
  Path tmp;

  final FaultyApiServer server = new FaultyApiServer();
  final FakeController kube = FakeController.start(server.controllerClient());
  final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    kube.close();
    server.close();
  }

  /** Logs kept for assertions and shown on the console when SLIPWAY_TEST_LOGS is set. */
  static final class TeeStream extends java.io.OutputStream {
    private final ByteArrayOutputStream kept;

    TeeStream(ByteArrayOutputStream kept) {
      this.kept = kept;
    }

    @Override
    public void write(int b) {
      kept.write(b);
      if (System.getenv("SLIPWAY_TEST_LOGS") != null) {
        System.err.write(b);
      }
    }
  }

  /** Copies a platform directory, leaving out its {@code out/} tree. */
  public static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path rel = from.relativize(p);
        if (rel.toString().startsWith("out")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  Path platform() throws IOException {
    Path dir = tmp.resolve("platform");
    copy(EXAMPLE, dir);
    return dir;
  }

  Controller controller(Path dir, Controller.Responsibility responsibility) {
    return controller(dir, responsibility, Controller.Settings.defaults().withEnvironments(Set.of("dev")).withWorkers(2)
        .withPoll(Duration.ofHours(1)).withResync(Duration.ofHours(1)).withSyncTimeout(Duration.ofSeconds(30)).withRateLimit(1000, 1000));
  }

  Controller controller(Path dir, Controller.Responsibility responsibility, Controller.Settings settings) {
    Controller c = new Controller(PlatformSource.directory(dir), env -> new KubernetesClientBuilder().withConfig(
        ClusterClient.configure(new ConfigBuilder().withMasterUrl(server.url()).build(), Duration.ofSeconds(10))).build(),
        settings, responsibility, new ServerMetrics(),
        new JsonLog.Sink(new PrintStream(new TeeStream(logs), true, StandardCharsets.UTF_8), Clock.systemUTC(), JsonLog.Level.DEBUG), Clock.systemUTC());
    closing.add(0, c);
    return c.start();
  }

  static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    await(() -> what, limit, condition);
  }

  static void await(java.util.function.Supplier<String> what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      Thread.sleep(50);
    }
  }

  static ApplicationStatus status(Controller c, String app) {
    return c.applications().stream().filter(s -> s.application().equals(app)).findFirst().orElseThrow();
  }

  public static boolean converged(Controller c) {
    List<ApplicationStatus> m = c.applications();
    if (System.getenv("SLIPWAY_TEST_LOGS") != null) {
      m.forEach(s -> System.err.println("MATRIX " + s.application() + " " + s.sync() + " " + s.health() + " " + s.healthReason()
          + (s.sync() == SyncState.OUT_OF_SYNC ? c.diff(s.application(), s.environment()).map(Object::toString).orElse("") : "")));
    }
    return !m.isEmpty() && m.stream().allMatch(s -> s.sync() == SyncState.SYNCED && s.health() == HealthStatus.HEALTHY);
  }

  String image(String ns, String name) {
    var d = server.client().apps().deployments().inNamespace(ns).withName(name).get();
    return d == null ? null : d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  long writes(String namespace) {
    return server.requests().stream().filter(r -> !r.startsWith("GET")).filter(r -> r.contains("/namespaces/" + namespace + "/"))
        .filter(r -> !r.contains("/configmaps/slipway-history")).filter(r -> !r.contains("/leases/")).count();
  }

  @Test
  void theLoopConvergesAnAutomatedEnvironmentFromEmpty() throws Exception {
    Controller c = controller(platform(), Controller.Responsibility.ALL);
    // The cell turns Synced from the live objects the moment they match; the sync's record (its
    // revision) is stored when the sync has finished, a moment later.
    await("every application Synced and Healthy, its sync recorded", Duration.ofSeconds(90),
        () -> converged(c) && c.applications().stream().allMatch(s -> s.revision() != null));
    assertThat(c.applications()).extracting(ApplicationStatus::application)
        .containsExactlyInAnyOrder("flask-otel-app", "hello-world", "proyecto06");
    assertThat(c.ready()).isTrue();
    assertThat(status(c, "hello-world").revision()).isNotNull();
    assertThat(c.application("hello-world", "dev").orElseThrow().resources()).isNotEmpty();
    assertThat(server.client().namespaces().withName("hello-world").get()).isNotNull();
  }

  @Test
  void diagnosisReadsTheNamespaceBesideTheCacheAndNamesTheSpecLine() throws Exception {
    Controller c = controller(platform(), Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(c));
    assertThat(c.diagnosis("hello-world", "dev").orElseThrow().findings()).as("a healthy application").isEmpty();
    String image = "docker.io/nginxinc/nginx-unprivileged:1.99-alpine";
    var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("web-5c6d7e8f9a-q1w2e").withNamespace("hello-world")
        .addToLabels("slipway.dev/component", "web").addToLabels("pod-template-hash", "5c6d7e8f9a")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-5c6d7e8f9a").withController(true).withUid("u")
        .endOwnerReference().endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec()
        .withNewStatus().withPhase("Pending").addNewContainerStatus().withName("web").withImage(image).withNewState().withNewWaiting()
        .withReason("ImagePullBackOff").endWaiting().endState().endContainerStatus().endStatus().build();
    server.client().pods().inNamespace("hello-world").resource(pod).create();
    server.client().v1().events().inNamespace("hello-world").resource(new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
        .withName("web-5c6d7e8f9a-q1w2e.1").endMetadata().withNewInvolvedObject().withKind("Pod").withName("web-5c6d7e8f9a-q1w2e")
        .withNamespace("hello-world").endInvolvedObject().withReason("Failed").withType("Warning")
        .withMessage("Failed to pull image \"" + image + "\": " + image + ": not found").build()).create();

    var d = c.diagnosis("hello-world", "dev").orElseThrow();

    // The mock runs no pods, so the web Service (whose selector the pod here lacks) has no endpoints either: also a finding.
    var f = d.findings().stream().filter(x -> x.path("analyzer").asText().equals("ImagePullBackOff")).findFirst().orElseThrow();
    assertThat(f.path("object").path("name").asText()).isEqualTo("web");
    assertThat(f.path("spec").path("file").asText() + ":" + f.path("spec").path("line").asInt()).isEqualTo("apps/hello-world/app.yaml:11");
    assertThat(c.diagnosis("nope", "dev")).isEmpty();
  }

  @Test
  void aDriftedObjectIsCorrectedWhereSelfHealIsOn() throws Exception {
    Controller c = controller(platform(), Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(c));
    String before = image("hello-world", "web");
    var d = server.client().apps().deployments().inNamespace("hello-world").withName("web").get();
    d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("docker.io/library/nginx:drifted");
    server.client().apps().deployments().inNamespace("hello-world").resource(d).update();
    await("the drift to be corrected", Duration.ofSeconds(30), () -> before.equals(image("hello-world", "web")));
  }

  @Test
  void aDriftIsReportedAndLeftWhereTheEnvironmentIsNotAutomated() throws Exception {
    Path dir = platform();
    Path yaml = dir.resolve("slipway.yaml");
    Files.writeString(yaml, Files.readString(yaml).replace("sync: {automated: true, selfHeal: true, prune: true}", "sync: {automated: false}"));
    Controller c = controller(dir, Controller.Responsibility.ALL);
    await("OutOfSync reported", Duration.ofSeconds(30), () -> !c.applications().isEmpty() && c.applications().stream()
        .allMatch(s -> s.sync() == SyncState.OUT_OF_SYNC));
    assertThat(writes("hello-world")).as("nothing applied where sync is manual").isZero();
    ActionResult r = c.sync("hello-world", "dev", new SyncOptions(false, false), "alice");
    assertThat(r.outcome()).isEqualTo(ActionResult.Outcome.ACCEPTED);
    await("the explicit sync", Duration.ofSeconds(60), () -> status(c, "hello-world").sync() == SyncState.SYNCED);
    assertThat(status(c, "proyecto06").sync()).as("the others stay as they were").isEqualTo(SyncState.OUT_OF_SYNC);
  }

  @Test
  void anInvalidCommitMarksOnlyItsApplicationAndAppliesNothingOfIt() throws Exception {
    Path dir = platform();
    Controller c = controller(dir, Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(c));
    long before = writes("hello-world");
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replaceFirst("image: ", "image: UPPER/"));
    c.poll();
    await("InvalidSpec", Duration.ofSeconds(20), () -> status(c, "hello-world").sync() == SyncState.INVALID_SPEC);
    assertThat(c.application("hello-world", "dev").orElseThrow().diagnostics()).anySatisfy(p -> {
      assertThat(p.file()).isEqualTo("apps/hello-world/app.yaml");
      assertThat(p.line()).isPositive();
    });
    assertThat(status(c, "proyecto06").sync()).isEqualTo(SyncState.SYNCED);
    assertThat(c.sync("hello-world", "dev", new SyncOptions(false, false), "alice").outcome()).isEqualTo(ActionResult.Outcome.CONFLICT);
    c.awaitIdle(Duration.ofSeconds(10));
    assertThat(writes("hello-world")).isEqualTo(before);
  }

  @Test
  void aChangeToOneApplicationReSyncsOnlyThatApplication() throws Exception {
    Path dir = platform();
    Controller c = controller(dir, Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(c));
    c.awaitIdle(Duration.ofSeconds(10));
    long otherBefore = writes("proyecto06");
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    List<StatusEvent> events = new CopyOnWriteArrayList<>();
    closing.add(c.subscribe(events::add));
    var result = c.onPush("main", "abc", List.of("apps/hello-world/app.yaml"));
    assertThat(result.applications()).containsExactly("hello-world");
    await("the new image", Duration.ofSeconds(30), () -> "docker.io/nginxinc/nginx-unprivileged:1.28-alpine".equals(image("hello-world", "web")));
    c.awaitIdle(Duration.ofSeconds(10));
    assertThat(writes("proyecto06")).as("the unchanged application was not written").isEqualTo(otherBefore);
    assertThat(events).anySatisfy(e -> assertThat(e.type()).isEqualTo(StatusEvent.Type.PUSH));
  }

  @Test
  void theServerDrivesABlueGreenRolloutAndAnUndoHoldsAgainstAutomatedSync() throws Exception {
    Path dir = platformWithStrategy("{type: blueGreen, scaleDownDelay: 1h}");
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Controller c = controller(dir, Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(c));
    String first = c.rollouts("hello-world", "dev").orElseThrow().get(0).stable();

    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    c.onPush("main", "abc", List.of("apps/hello-world/app.yaml"));
    await(() -> "the switch: " + c.rollouts("hello-world", "dev"), Duration.ofSeconds(30), () -> {
      var r = c.rollouts("hello-world", "dev").orElseThrow().get(0);
      return r.phase().equals("STABLE") && first.equals(r.previous());
    });
    var switched = c.rollouts("hello-world", "dev").orElseThrow().get(0);
    assertThat(switched.actions()).containsExactly("undo");
    // The state is stored before the objects it wants are applied.
    await("the live Service on the new revision", Duration.ofSeconds(10), () -> switched.stable().equals(selector("web")));
    await("Synced and Healthy after the switch", Duration.ofSeconds(20), () -> converged(c));

    ActionResult undo = c.rollout("hello-world", "dev", "web", "undo", "alice");
    assertThat(undo.outcome()).as(undo.message()).isEqualTo(ActionResult.Outcome.DONE);
    assertThat(selector("web")).isEqualTo(first);
    c.awaitIdle(Duration.ofSeconds(10));
    var undone = c.rollouts("hello-world", "dev").orElseThrow().get(0);
    assertThat(undone.phase()).isEqualTo("ABORTED");
    assertThat(undone.events()).anySatisfy(e -> assertThat(e.text()).contains("undone by alice"));
    // Automated sync of the same files does not roll the undone revision out again.
    assertThat(selector("web")).isEqualTo(first);
    assertThat(status(c, "hello-world").sync()).isEqualTo(SyncState.SYNCED);
    assertThat(c.rollout("hello-world", "dev", "database", "promote", "alice").outcome()).isEqualTo(ActionResult.Outcome.NOT_FOUND);
    assertThat(c.rollout("hello-world", "dev", "web", "promote", "alice").outcome()).isEqualTo(ActionResult.Outcome.CONFLICT);
  }

  @Test
  void aRestartedServerResumesARolloutWhereTheStoppedOneLeftIt() throws Exception {
    Path dir = platformWithStrategy("{type: blueGreen, autoPromote: false}");
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Controller first = controller(dir, Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(first));
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    first.onPush("main", "abc", List.of("apps/hello-world/app.yaml"));
    await("the rollout waiting for promote", Duration.ofSeconds(30), () ->
        first.rollouts("hello-world", "dev").orElseThrow().get(0).phase().equals("PAUSED"));
    String waiting = first.rollouts("hello-world", "dev").orElseThrow().get(0).canary();
    closing.remove(first);
    first.close();

    Controller second = controller(dir, Controller.Responsibility.ALL);
    await("the second server's first look", Duration.ofSeconds(30), () -> {
      try {
        return second.rollouts("hello-world", "dev").isPresent();
      } catch (IllegalStateException notYet) {
        return false; // its cluster connection is not up yet
      }
    });
    var resumed = second.rollouts("hello-world", "dev").orElseThrow().get(0);
    assertThat(resumed.phase()).isEqualTo("PAUSED");
    assertThat(resumed.canary()).isEqualTo(waiting);
    assertThat(second.rollout("hello-world", "dev", "web", "promote", "alice").outcome()).isEqualTo(ActionResult.Outcome.DONE);
    await("the switch by the second server", Duration.ofSeconds(10), () -> waiting.equals(selector("web")));
  }

  /** The example platform with hello-world's web given {@code strategy}. */
  Path platformWithStrategy(String strategy) throws IOException {
    Path dir = platform();
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("      ingress: {path: /}\n", "      ingress: {path: /}\n      strategy: " + strategy + "\n"));
    return dir;
  }

  String selector(String service) {
    return server.client().services().inNamespace("hello-world").withName(service).get().getSpec().getSelector()
        .get("slipway.dev/revision");
  }

  @Test
  void aPinnedApplicationIsNotSyncedUntilUnpinned() throws Exception {
    Path dir = platform();
    Controller c = controller(dir, Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(c));
    assertThat(c.pin("hello-world", "dev", "alice").outcome()).isEqualTo(ActionResult.Outcome.DONE);
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    c.poll();
    await("OutOfSync reported", Duration.ofSeconds(20), () -> status(c, "hello-world").sync() == SyncState.OUT_OF_SYNC);
    c.awaitIdle(Duration.ofSeconds(10));
    assertThat(image("hello-world", "web")).endsWith(":1.27-alpine");
    assertThat(status(c, "hello-world").pinned()).isTrue();
    assertThat(c.sync("hello-world", "dev", new SyncOptions(false, false), "alice").outcome()).isEqualTo(ActionResult.Outcome.CONFLICT);
    c.unpin("hello-world", "dev", "alice");
    await("the new image after unpin", Duration.ofSeconds(30), () -> image("hello-world", "web").endsWith(":1.28-alpine"));
  }

  @Test
  void aRolloutInProgressHoldsNoWorkerAndIsReadFromTheCacheNotTheServer() throws Exception {
    kube.hold("hello-world");
    Controller c = controller(platform(), Controller.Responsibility.ALL, Controller.Settings.defaults().withEnvironments(Set.of("dev"))
        .withWorkers(1).withPoll(Duration.ofHours(1)).withResync(Duration.ofHours(1)).withSyncTimeout(Duration.ofMinutes(5))
        .withRateLimit(1000, 1000));
    // One worker: were it held by hello-world's rollout (5 minutes of sync timeout), nothing else would sync.
    await("the other applications Synced and Healthy while hello-world rolls out", Duration.ofSeconds(60), () -> c.applications().stream()
        .filter(s -> !s.application().equals("hello-world"))
        .allMatch(s -> s.sync() == SyncState.SYNCED && s.health() == HealthStatus.HEALTHY));
    await(() -> "hello-world's sync waiting on its rollout: " + c.application("hello-world", "dev").map(d -> d.lastOperation()).orElse(null), Duration.ofSeconds(30), () -> c.application("hello-world", "dev")
        .map(d -> d.lastOperation() != null && d.lastOperation().phase().equals("Running")
            && d.lastOperation().message().contains("waiting for ")).orElse(false));
    c.awaitIdle(Duration.ofSeconds(10));
    long gets = server.count("GET", "/namespaces/hello-world/(deployments|services|ingresses|configmaps/(?!slipway-history))");
    // An absence (no read while the rollout waits) needs a window: longer than the 2 s fallback of the earlier design.
    Thread.sleep(2500);
    assertThat(server.count("GET", "/namespaces/hello-world/(deployments|services|ingresses|configmaps/(?!slipway-history))") - gets)
        .as("no object of the rollout is read from the server while it waits").isZero();
    assertThat(status(c, "hello-world").health()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(c.application("hello-world", "dev").orElseThrow().history()).as("no revision before the operation ends").isEmpty();

    kube.release("hello-world");
    await("hello-world Healthy and its operation Succeeded", Duration.ofSeconds(30), () -> {
      var d = c.application("hello-world", "dev").orElseThrow();
      return d.status().health() == HealthStatus.HEALTHY && d.lastOperation().phase().equals("Succeeded");
    });
    var detail = c.application("hello-world", "dev").orElseThrow();
    assertThat(detail.history()).as("one revision for the whole operation").hasSize(1);
    assertThat(detail.history().get(0).result()).isEqualTo("Succeeded");
    assertThat(detail.lastOperation().steps()).as("the steps of every pass, each object once")
        .extracting(s -> s.kind() + "/" + s.name()).doesNotHaveDuplicates()
        .contains("Deployment/web");
    assertThat(detail.lastOperation().steps()).allSatisfy(s -> assertThat(s.action()).isIn("create", "update"));
  }

  @Test
  void pinsAndPausesAreKeptInTheClusterAndTheNextControllerStartsFromThem() throws Exception {
    Path dir = platform();
    Controller first = controller(dir, Controller.Responsibility.ALL);
    await("convergence", Duration.ofSeconds(90), () -> converged(first));
    assertThat(first.pin("hello-world", "dev", "alice").outcome()).isEqualTo(ActionResult.Outcome.DONE);
    assertThat(first.pause("flask-otel-app", "dev", "alice").outcome()).isEqualTo(ActionResult.Outcome.DONE);
    var cm = server.client().configMaps().inNamespace("hello-world").withName("slipway-history-dev-hello-world").get();
    assertThat(cm.getMetadata().getAnnotations()).containsKey("slipway.dev/pinned-revision");
    first.close();
    closing.remove(first);

    Path hello = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(hello, Files.readString(hello).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
    Path flask = dir.resolve("apps/flask-otel-app/app.yaml");
    Files.writeString(flask, Files.readString(flask).replace("flask-otel-app:2.3.0", "flask-otel-app:2.4.0"));
    String flaskImage = deploymentImages("flask-otel-app");
    Controller next = controller(dir, Controller.Responsibility.ALL);
    await("the next controller reports the pin and the pause, and both OutOfSync", Duration.ofSeconds(30),
        () -> next.applications().stream().anyMatch(s -> s.application().equals("hello-world") && s.pinned()
            && s.sync() == SyncState.OUT_OF_SYNC)
            && next.applications().stream().anyMatch(s -> s.application().equals("flask-otel-app") && s.paused()
            && s.sync() == SyncState.OUT_OF_SYNC));
    next.awaitIdle(Duration.ofSeconds(10));
    // An absence (no sync of the pinned or paused application) needs a window past the queue going idle.
    Thread.sleep(1500);
    assertThat(image("hello-world", "web")).as("the pin held across the restart").endsWith(":1.27-alpine");
    assertThat(deploymentImages("flask-otel-app")).as("the pause held across the restart").isEqualTo(flaskImage);

    assertThat(next.resume("flask-otel-app", "dev", "bob").outcome()).isEqualTo(ActionResult.Outcome.DONE);
    await("the new image once resumed", Duration.ofSeconds(30), () -> deploymentImages("flask-otel-app").contains(":2.4.0"));
    assertThat(server.client().configMaps().inNamespace("flask-otel-app").withName("slipway-history-dev-flask-otel-app").get()
        .getMetadata().getAnnotations()).doesNotContainKey("slipway.dev/paused");
  }

  String deploymentImages(String namespace) {
    return server.client().apps().deployments().inNamespace(namespace).list().getItems().stream()
        .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()).map(c -> c.getImage()).sorted()
        .collect(java.util.stream.Collectors.joining(","));
  }

  @Test
  void theApplicationViewCarriesItsMonthlyCostByComponentAndEachFindingWithItsLine() throws Exception {
    Path dir = platform();
    Path hello = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(hello, Files.readString(hello).replace("docker.io/nginxinc/nginx-unprivileged:1.27-alpine", "evil.example.com/nginx:1.0"));
    Controller c = controller(dir, Controller.Responsibility.ALL);
    await("hello-world looked at", Duration.ofSeconds(30),
        () -> c.application("hello-world", "dev").map(d -> d.status().monthlyCost() != null).orElse(false));
    var d = c.application("hello-world", "dev").orElseThrow();
    assertThat(d.cost().items()).extracting(dev.slipway.server.api.CostBreakdown.Item::component).contains("web");
    java.math.BigDecimal sum = d.cost().items().stream().map(dev.slipway.server.api.CostBreakdown.Item::monthly)
        .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
    assertThat(sum).as("the items add up to the application's cost").isCloseTo(d.cost().monthlyTotal(),
        org.assertj.core.api.Assertions.within(new java.math.BigDecimal("0.05")));
    assertThat(d.cost().monthlyTotal()).isPositive();
    assertThat(d.policyFindings()).as("an image from a registry not allowed").anySatisfy(f -> {
      assertThat(f.rule()).isEqualTo("restrict-image-registries");
      assertThat(f.file()).endsWith("apps/hello-world/app.yaml");
      assertThat(f.line()).isPositive();
    });
  }

  @Test
  void aKindTheClusterDoesNotServeDoesNotHoldBackApplicationsThatDoNotUseIt() throws Exception {
    // No KEDA in this cluster: every request for its kinds is 404, as for a CRD that is not installed.
    server.refuse("GET", "/apis/keda\\.sh/", 404, Integer.MAX_VALUE);
    Controller c = controller(platform(), Controller.Responsibility.ALL);
    await("convergence without KEDA installed", Duration.ofSeconds(90), () -> converged(c));
    assertThat(c.ready()).isTrue();
  }

  @Test
  void anUnreachableClusterIsReportedAndRetriedWhileTheOtherEnvironmentsCarryOn() throws Exception {
    Controller.Settings settings = Controller.Settings.defaults().withEnvironments(Set.of("dev", "staging")).withWorkers(2)
        .withPoll(Duration.ofHours(1)).withResync(Duration.ofHours(1)).withSyncTimeout(Duration.ofSeconds(30)).withRateLimit(1000, 1000);
    Controller c = new Controller(PlatformSource.directory(platform()), env -> {
      String url = env.name().equals("dev") ? server.url() : "https://127.0.0.1:1";
      return new KubernetesClientBuilder().withConfig(
          ClusterClient.configure(new ConfigBuilder().withMasterUrl(url).build(), Duration.ofSeconds(2))).build();
    }, settings, Controller.Responsibility.ALL, new ServerMetrics(),
        new JsonLog.Sink(new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC(), JsonLog.Level.INFO), Clock.systemUTC());
    closing.add(0, c);
    c.start();
    await("staging Unknown with the cause", Duration.ofSeconds(30), () -> c.applications().stream()
        .anyMatch(s -> s.environment().equals("staging") && s.sync() == SyncState.UNKNOWN
            && s.healthReason().contains("cannot use the cluster of staging")));
    await("dev converged meanwhile", Duration.ofSeconds(90), () -> c.applications().stream()
        .filter(s -> s.environment().equals("dev"))
        .allMatch(s -> s.sync() == SyncState.SYNCED && s.health() == HealthStatus.HEALTHY));
    assertThat(c.applications().stream().filter(s -> s.environment().equals("staging")))
        .allSatisfy(s -> assertThat(s.sync()).isEqualTo(SyncState.UNKNOWN));
  }

  @Test
  void aNewAccessListReachesTheApiWithoutARestart() throws Exception {
    Path dir = platform();
    Controller.Settings settings = Controller.Settings.defaults().withEnvironments(Set.of("dev")).withPoll(Duration.ofHours(1))
        .withResync(Duration.ofHours(1));
    Controller c = new Controller(PlatformSource.directory(dir), env -> server.client(), settings, Controller.Responsibility.ALL,
        new ServerMetrics(), new JsonLog.Sink(new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC(), JsonLog.Level.INFO),
        Clock.systemUTC());
    closing.add(0, c);
    dev.slipway.server.auth.AccessPolicy policy = dev.slipway.server.auth.AccessPolicy.fromList(List.of(), java.util.Optional.empty());
    c.onAccessChange(p -> policy.replaceRules(dev.slipway.server.auth.AccessPolicy.fromList(p.access().stream()
        .map(r -> java.util.Map.<String, Object>of("group", r.group(), "role", r.role().label(),
            "environments", r.environments())).toList(), java.util.Optional.empty())));
    dev.slipway.server.auth.Principal dana = new dev.slipway.server.auth.Principal("dana", List.of("developers"), false);
    c.poll();
    assertThat(policy.roleIn(dana, "prod")).contains(dev.slipway.server.auth.Role.VIEWER);
    Path yaml = dir.resolve("slipway.yaml");
    Files.writeString(yaml, Files.readString(yaml).replace("- {group: developers, role: viewer, environments: [prod]}",
        "- {group: developers, role: deployer, environments: [prod]}"));
    c.poll();
    assertThat(policy.roleIn(dana, "prod")).as("the platform file says who may do what where").contains(dev.slipway.server.auth.Role.DEPLOYER);
  }

  static String commit(org.eclipse.jgit.api.Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call().getName();
  }

  @Test
  void aRollbackFromTheApiIsPinnedAndAutomatedSyncDoesNotUndoItUntilUnpinned() throws Exception {
    Path dir = platform();
    try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setInitialBranch("main").setDirectory(dir.toFile()).call()) {
      commit(git, "one");
      Controller c = controller(dir, Controller.Responsibility.ALL);
      await("convergence", Duration.ofSeconds(90), () -> converged(c));
      Path app = dir.resolve("apps/hello-world/app.yaml");
      Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine"));
      commit(git, "two");
      c.poll();
      await("revision two live", Duration.ofSeconds(60), () -> image("hello-world", "web").endsWith(":1.28-alpine"));
      await("two revisions in the history", Duration.ofSeconds(30),
          () -> c.application("hello-world", "dev").orElseThrow().history().size() >= 2);

      ActionResult r = c.rollback("hello-world", "dev", 1, "alice");
      assertThat(r.outcome()).as(r.message()).isEqualTo(ActionResult.Outcome.ACCEPTED);
      await(() -> "revision one live again (last operation: " + c.application("hello-world", "dev").orElseThrow().lastOperation() + ")",
          Duration.ofSeconds(60), () -> image("hello-world", "web").endsWith(":1.27-alpine"));
      await("pinned and reported OutOfSync", Duration.ofSeconds(30),
          () -> status(c, "hello-world").pinned() && status(c, "hello-world").sync() == SyncState.OUT_OF_SYNC);
      c.poll();
      c.refresh("hello-world", "dev", "bob");
      // Absence of an action needs a window: longer than the self-heal interval (5 s from the rollback's sync).
      Thread.sleep(3000);
      c.awaitIdle(Duration.ofSeconds(10));
      assertThat(image("hello-world", "web")).as("automated sync left the rollback alone").endsWith(":1.27-alpine");
      assertThat(c.application("hello-world", "dev").orElseThrow().lastOperation().kind()).isEqualTo("rollback");
      assertThat(c.rollback("hello-world", "dev", 99, "alice").outcome()).isEqualTo(ActionResult.Outcome.NOT_FOUND);

      c.unpin("hello-world", "dev", "alice");
      await("the current revision after unpin", Duration.ofSeconds(60), () -> image("hello-world", "web").endsWith(":1.28-alpine"));
    }
  }

  @Test
  void anApplicationWaitsForTheApplicationsItDependsOnToBeHealthy() throws Exception {
    Path dir = platform();
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("spec:\n", "spec:\n  dependsOn: [proyecto06]\n"));
    // proyecto06's database never becomes ready: its StatefulSet is failed by the fake controller's absence of status.
    kube.close();
    Controller c = controller(dir, Controller.Responsibility.ALL);
    await("proyecto06 applied but not Healthy", Duration.ofSeconds(60), () -> server.client().apps().statefulSets()
        .inNamespace("proyecto06").withName("database").get() != null);
    Thread.sleep(2000); // a window in which hello-world would have been applied, were it not waiting
    assertThat(server.client().apps().deployments().inNamespace("hello-world").withName("web").get())
        .as("hello-world waits for proyecto06").isNull();
    assertThat(status(c, "hello-world").sync()).isEqualTo(SyncState.OUT_OF_SYNC);
    try (FakeController again = FakeController.start(server.controllerClient())) {
      await("hello-world synced once proyecto06 is Healthy", Duration.ofSeconds(90),
          () -> server.client().apps().deployments().inNamespace("hello-world").withName("web").get() != null);
    }
  }
}
