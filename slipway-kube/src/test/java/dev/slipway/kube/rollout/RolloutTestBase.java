package dev.slipway.kube.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.rollout.RolloutShaper;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.PrometheusClient;
import dev.slipway.kube.RateLimiter;
import dev.slipway.kube.SyncExecutor;
import dev.slipway.kube.deploy.Deployer;
import dev.slipway.kube.deploy.Provenance;
import dev.slipway.kube.deploy.SyncReport;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ComponentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;

/**
 * What rollout tests share: acme's hello-world with a strategy, synced into fabric8's mock API
 * server with a fake controller making Deployments ready, and ways to look at the result.
 */
abstract class RolloutTestBase extends dev.slipway.kube.MockClusterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final SyncExecutor.Options SYNC = new SyncExecutor.Options(false, true, false, Duration.ofSeconds(20), Duration.ofMillis(50));
  static final String NS = "hello-world";

  @TempDir
  Path tmp;


  ClusterClient cluster() {
    return new ClusterClient(client, new ClusterClient.RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(1)),
        new RateLimiter(10_000, 10_000));
  }

  /** acme with hello-world's web given {@code strategy} and image tag {@code tag}. */
  Path acme(String name, String strategy, String tag) throws IOException {
    Path dir = tmp.resolve(name);
    Path from = Path.of("..", "examples", "acme");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(p);
        if (rel.startsWith("out")) {
          continue;
        }
        Path to = dir.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Path app = dir.resolve("apps/hello-world/app.yaml");
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:" + tag)
        .replace("      ingress: {path: /}\n", "      ingress: {path: /}\n      strategy: " + strategy + "\n"));
    return dir;
  }

  static EnvironmentPlan plan(Path dir) {
    var p = new Planner().plan(Workspace.load(dir), new Planner.Scope(Set.of("dev"), Set.of("hello-world")));
    assertThat(p.hasSpecErrors()).as("%s", p.specDiagnostics()).isFalse();
    return p.environments().get(0);
  }

  SyncReport sync(Path dir) {
    SyncReport r = new Deployer(cluster(), Clock.systemUTC()).as("tester").syncApplication(plan(dir), "hello-world", SYNC,
        Provenance.outsideGit(java.util.List.of()));
    return r;
  }

  RolloutDriver.Target target(Path dir) {
    return target(dir, null);
  }

  /** The driver's target for hello-world's web, analysing against {@code prometheus}. */
  RolloutDriver.Target target(Path dir, String prometheus) {
    EnvironmentPlan e = plan(dir);
    ComponentSpec web = e.applications().get(0).resolved().components().stream().filter(c -> c.name().equals("web")).findFirst().orElseThrow();
    return new RolloutDriver.Target("dev", "hello-world", NS, "web", web.strategy(), e.environment().analysis(), prometheus);
  }

  /** Adds an analysis template ({@code yaml} indented for spec.analysis.templates) to the copy's slipway.yaml. */
  static void addTemplate(Path dir, String yaml) throws IOException {
    Path file = dir.resolve("slipway.yaml");
    String text = Files.readString(file);
    assertThat(text).contains("\n    templates:\n");
    Files.writeString(file, text.replace("\n    templates:\n", "\n    templates:\n" + yaml));
  }

  RolloutDriver driver() {
    return new RolloutDriver(cluster(), new PrometheusClient(Duration.ofSeconds(2)), Clock.systemUTC());
  }

  JsonNode get(String kind, String name) {
    return cluster().get(kind.equals("Deployment") ? "apps/v1" : kind.equals("Ingress") ? "networking.k8s.io/v1" : "v1", kind, NS, name);
  }

  String selected(String service) {
    return get("Service", service).path("spec").path("selector").path(RolloutShaper.REVISION).asText();
  }

  String revisionOf(Path dir) {
    return plan(dir).applications().get(0).bundle().objects().stream().filter(o -> o.kind().equals("Deployment")).findFirst().orElseThrow()
        .body().path("metadata").path("labels").path(RolloutShaper.REVISION).asText();
  }

  /** Ticks until the state satisfies {@code done}. */
  RolloutState tickUntil(RolloutDriver d, RolloutDriver.Target t, java.util.function.Predicate<RolloutState> done) {
    return tickUntil(d, t, done, Duration.ofSeconds(15));
  }

  RolloutState tickUntil(RolloutDriver d, RolloutDriver.Target t, java.util.function.Predicate<RolloutState> done, Duration atMost) {
    RolloutState[] last = new RolloutState[1];
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
      last[0] = d.tick(t).state();
      return done.test(last[0]);
    });
    return last[0];
  }

  /** The canary Ingress's forward action: service=weight pairs. */
  String weights() throws IOException {
    JsonNode action = JSON.readTree(get("Ingress", "web").path("metadata").path("annotations")
        .path(RolloutShaper.ACTIONS + RolloutShaper.action("web")).asText());
    StringBuilder b = new StringBuilder();
    for (JsonNode g : action.path("forwardConfig").path("targetGroups")) {
      b.append(b.length() == 0 ? "" : ",").append(g.path("serviceName").asText()).append('=').append(g.path("weight").asInt());
    }
    return b.toString();
  }
}
