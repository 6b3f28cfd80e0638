package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.model.load.Workspace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway promote}, {@code approve}, {@code releases} and {@code unpin} end to end through
 * {@link Main}, on a Git copy of the example, against fabric8's mock API server (every environment's
 * context points at it; each environment gets its own namespaces).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class PromotionCommandMockTest {
  static final String NGINX = "docker.io/nginxinc/nginx-unprivileged";
  static final String DIGEST_A = "sha256:" + "a".repeat(64);
  static final String DIGEST_B = "sha256:" + "b".repeat(64);

  KubernetesClient client;
  @TempDir
  Path tmp;
  private dev.slipway.kube.FakeController controller;
  private Path dir;
  private String kc;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  /** The example in a Git repository, one namespace per environment and application, {@code prod} as given. */
  private Git setUp(String prodPromotion, String stagingPromotion) throws Exception {
    controller = dev.slipway.kube.FakeController.start(client);
    dir = CliRun.example(tmp.resolve("repo"));
    Path yaml = dir.resolve("slipway.yaml");
    String text = Files.readString(yaml);
    for (String domain : List.of("dev.acme.example", "staging.acme.example", "acme.example")) {
      text = text.replace("    domain: " + domain + "\n", "    domain: " + domain + "\n    namespace: \"{env}-{app}\"\n");
    }
    text = text.replace("promotion: {from: staging, requires: [approval], soak: 30m}", prodPromotion)
        .replace("promotion: {from: dev}", stagingPromotion);
    Files.writeString(yaml, text);
    StringBuilder contexts = new StringBuilder();
    for (String env : List.of("dev", "staging", "prod")) {
      contexts.append("- name: acme-").append(env).append("\n  context: {cluster: mock, user: me}\n");
    }
    Path config = tmp.resolve("kubeconfig");
    Files.writeString(config, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: me
          user: {token: test}
        contexts:
        %scurrent-context: acme-dev
        """.formatted(client.getMasterUrl(), contexts));
    kc = config.toString();
    Git git = Git.init().setDirectory(dir.toFile()).call();
    as(git, "dev@acme.example");
    commit(git, "the acme platform");
    return git;
  }

  private static void as(Git git, String email) throws Exception {
    git.getRepository().getConfig().setString("user", null, "email", email);
    git.getRepository().getConfig().setString("user", null, "name", email);
    git.getRepository().getConfig().save();
  }

  private static void commit(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    git.commit().setMessage(message).call();
  }

  private CliRun cli(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of(more));
    args.add("--kubeconfig");
    args.add(kc);
    return CliRun.run(args.toArray(String[]::new));
  }

  /** A running pod of hello-world's web, as the kubelet reports it: the digest it pulled. */
  private void runningPod(String env, String image, String digest) {
    String ns = env + "-hello-world";
    Pod pod = new PodBuilder().withNewMetadata().withName("web-" + digest.substring(7, 12)).withNamespace(ns)
        .withLabels(Map.of("slipway.dev/environment", env, "slipway.dev/application", "hello-world", "slipway.dev/component", "web"))
        .endMetadata().withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec()
        .withNewStatus().withPhase("Running").addNewContainerStatus().withName("web").withImage(image)
        .withImageID(NGINX + "@" + digest).withReady(true).endContainerStatus().endStatus().build();
    client.pods().inNamespace(ns).resource(pod).create();
  }

  private String deployedImage(String env) {
    return client.apps().deployments().inNamespace(env + "-hello-world").withName("web").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getImage();
  }

  private static int commits(Git git) throws Exception {
    int n = 0;
    for (var c : git.log().call()) {
      n++;
    }
    return n;
  }

  /** The platform's files (not .git) and their content. */
  private static Map<String, String> tree(Path dir) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var w = Files.walk(dir)) {
      for (Path p : w.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).startsWith(".git")).toList()) {
        out.put(dir.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }

  private String renderedImage(String env) {
    return Promotions.planOne(Workspace.load(dir), env, "hello-world").resolved().components().get(0).image();
  }

  @Test
  void promotesTheDigestRunningUpstreamCommitsTheReleaseAndSyncsOnlyTheTarget() throws Exception {
    try (Git git = setUp("promotion: {from: staging, requires: [approval], soak: 30m}", "promotion: {from: dev}")) {
      assertThat(cli("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--timeout", "20s").exitCode()).isZero();
      runningPod("dev", NGINX + ":1.27-alpine", DIGEST_A);
      int before = commits(git);

      CliRun promote = cli("promote", "hello-world", dir.toString(), "--to", "staging", "--reason", "release 1.27", "--timeout", "20s");
      assertThat(promote.exitCode()).as(promote.out() + promote.err()).isZero();
      assertThat(promote.out()).contains("Promotion of hello-world from dev to staging")
          .contains("pass   route   dev → staging").contains("pass   policy").contains("pass   source").contains("pass   pin")
          .contains("committed as").contains("Synced:");
      assertThat(commits(git)).isEqualTo(before + 1);
      var last = git.log().call().iterator().next();
      assertThat(last.getFullMessage()).startsWith("promote hello-world to staging: release r-").contains("Reason: release 1.27")
          .contains("Promoted-by: dev@acme.example");
      String release = Files.readString(dir.resolve("releases/staging/hello-world.yaml"));
      assertThat(release).contains("kind: Release").contains("environment: \"staging\"").contains("from: \"dev\"")
          .contains("image: \"" + NGINX + ":1.27-alpine@" + DIGEST_A + "\"").contains("promotedBy: \"dev@acme.example\"")
          .contains("reason: \"release 1.27\"");
      assertThat(deployedImage("staging")).isEqualTo(NGINX + ":1.27-alpine@" + DIGEST_A);

      // A new tag in app.yaml moves the first environment only.
      Path app = dir.resolve("apps/hello-world/app.yaml");
      Files.writeString(app, Files.readString(app).replace(":1.27-alpine", ":1.28-alpine"));
      commit(git, "nginx 1.28");
      assertThat(renderedImage("dev")).isEqualTo(NGINX + ":1.28-alpine");
      assertThat(renderedImage("staging")).isEqualTo(NGINX + ":1.27-alpine@" + DIGEST_A);
      assertThat(renderedImage("prod")).as("never promoted: app.yaml's image").isEqualTo(NGINX + ":1.28-alpine");

      CliRun again = cli("promote", "hello-world", dir.toString(), "--to", "staging", "--dry-run");
      assertThat(again.out()).as("dev still runs the old configuration: it was not synced").contains("fail   source")
          .contains("sync dev first");
      assertThat(again.exitCode()).isEqualTo(1);

      CliRun releases = cli("releases", "hello-world", dir.toString());
      assertThat(releases.exitCode()).as(releases.err()).isZero();
      assertThat(releases.out()).contains("Environment staging  (promoted from dev)").contains("runs release r-")
          .contains("Environment prod  (promoted from staging)").contains("fail   approval").contains("fail   soak");
      CliRun json = cli("releases", "hello-world", dir.toString(), "-o", "json");
      var tree = Output.JSON.readTree(json.out());
      assertThat(tree.get(1).path("running").path("images").path("web").path("digest").asText()).isEqualTo(DIGEST_A);
      assertThat(tree.get(1).path("candidate").path("release").path("images").path("web").path("image").asText())
          .as("dev's pods still run 1.27: 1.28's digest is unknown, never 1.27's").isEqualTo(NGINX + ":1.28-alpine");
      assertThat(tree.get(2).path("candidate").path("gates").toString()).contains("\"gate\":\"approval\",\"state\":\"fail\"");
    }
  }

  @Test
  void approvalsCountPerCandidateAndFourEyesKeepsThePromoterOut() throws Exception {
    try (Git git = setUp("promotion: {from: staging, requires: [approval], approvals: 1, fourEyes: true}", "promotion: {from: dev}")) {
      assertThat(cli("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--timeout", "20s").exitCode()).isZero();
      runningPod("dev", NGINX + ":1.27-alpine", DIGEST_A);
      assertThat(cli("promote", "hello-world", dir.toString(), "--to", "staging", "--timeout", "20s").exitCode()).isZero();

      CliRun waiting = cli("promote", "hello-world", dir.toString(), "--to", "prod", "--dry-run");
      assertThat(waiting.exitCode()).isEqualTo(1);
      assertThat(waiting.out()).contains("fail   approval  0 of 1 approval(s) for release r-").contains("Nothing was written");

      CliRun own = cli("approve", "hello-world", dir.toString(), "--env", "prod", "--reason", "my own change");
      assertThat(own.exitCode()).as(own.err()).isZero();
      assertThat(Files.readString(dir.resolve("releases/prod/hello-world.approvals.yaml"))).contains("by: \"dev@acme.example\"")
          .contains("reason: \"my own change\"");
      CliRun fourEyes = cli("promote", "hello-world", dir.toString(), "--to", "prod");
      assertThat(fourEyes.exitCode()).isEqualTo(1);
      assertThat(fourEyes.out()).contains("dev@acme.example promotes, so their approval does not count: fourEyes");

      as(git, "lead@acme.example");
      assertThat(cli("approve", "hello-world", dir.toString(), "--env", "prod", "--reason", "reviewed").out())
          .contains("Approved by lead@acme.example: 2 approval(s), 1 needed, for release r-");
      as(git, "dev@acme.example");
      CliRun promoted = cli("promote", "hello-world", dir.toString(), "--to", "prod", "--timeout", "20s");
      assertThat(promoted.exitCode()).as(promoted.out() + promoted.err()).isZero();
      assertThat(promoted.out()).contains("pass   approval  1 of 1 approval(s): lead@acme.example");
      assertThat(deployedImage("prod")).isEqualTo(NGINX + ":1.27-alpine@" + DIGEST_A);

      // A newer candidate: the approvals of the old one do not count.
      Path app = dir.resolve("apps/hello-world/app.yaml");
      Files.writeString(app, Files.readString(app).replace(":1.27-alpine", ":1.28-alpine"));
      commit(git, "nginx 1.28");
      assertThat(cli("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--timeout", "20s").exitCode()).isZero();
      client.pods().inNamespace("dev-hello-world").delete();
      runningPod("dev", NGINX + ":1.28-alpine", DIGEST_B);
      CliRun noSync = cli("promote", "hello-world", dir.toString(), "--to", "staging", "--no-sync");
      assertThat(noSync.exitCode()).as(noSync.out() + noSync.err()).isZero();
      assertThat(noSync.out()).contains("Not synced (--no-sync)");
      assertThat(deployedImage("staging")).as("left for the controller").endsWith(DIGEST_A);
      assertThat(Files.readString(dir.resolve("releases/staging/hello-world.yaml"))).contains(DIGEST_B);
      CliRun stale = cli("promote", "hello-world", dir.toString(), "--to", "prod", "--dry-run");
      assertThat(stale.out()).contains("approval(s) for the older candidate r-").contains("do not count");
    }
  }

  @Test
  void aPromotionToAnEnvironmentNotDownstreamIsBadInputAndWritesNothing() throws Exception {
    try (Git git = setUp("promotion: {from: staging, requires: [approval], soak: 30m}", "promotion: {from: dev}")) {
      int before = commits(git);
      var files = tree(dir);
      CliRun toDev = cli("promote", "hello-world", dir.toString(), "--to", "dev");
      assertThat(toDev.exitCode()).isEqualTo(2);
      assertThat(toDev.err()).startsWith("slipway.yaml:36:").contains("environment 'dev' is not downstream of any environment")
          .contains("Nothing was written").doesNotContain("Exception");
      CliRun skip = cli("promote", "hello-world", dir.toString(), "--to", "prod", "--from", "dev");
      assertThat(skip.exitCode()).isEqualTo(2);
      int line = Files.readAllLines(dir.resolve("slipway.yaml")).indexOf("    promotion: {from: staging, requires: [approval], soak: 30m}") + 1;
      assertThat(skip.err()).startsWith("slipway.yaml:" + line + ":").contains("'prod' is not downstream of 'dev'");
      CliRun blind = CliRun.run("approve", "hello-world", dir.toString(), "--env", "prod", "--kubeconfig", tmp.resolve("none").toString());
      assertThat(blind.exitCode()).isEqualTo(2);
      assertThat(blind.err()).contains("cannot read what runs in staging").contains("nothing was approved");
      CliRun approve = cli("approve", "hello-world", dir.toString(), "--env", "staging");
      assertThat(approve.exitCode()).isEqualTo(2);
      assertThat(approve.err()).contains("staging's promotion does not require approval");
      assertThat(cli("promote", "nope", dir.toString(), "--to", "prod").err()).contains("no application 'nope'");
      Path policy = dir.resolve("policies/require-team-labels.yaml");
      String kept = Files.readString(policy);
      Files.delete(policy);
      CliRun noPolicy = cli("promote", "hello-world", dir.toString(), "--to", "staging");
      assertThat(noPolicy.exitCode()).isEqualTo(2);
      assertThat(noPolicy.err()).contains("policies/require-team-labels.yaml").doesNotContain("internal error");
      Files.writeString(policy, kept);
      assertThat(commits(git)).isEqualTo(before);
      assertThat(tree(dir)).isEqualTo(files);
      assertThat(dir.resolve("releases")).doesNotExist();
    }
  }

  @Test
  void aRollbackPinsTheEnvironmentAutoPromotionLeavesItAloneAndForceOverridesIt() throws Exception {
    try (Git git = setUp("promotion: {from: staging, requires: [approval], soak: 30m}", "promotion: {from: dev, auto: true}")) {
      assertThat(cli("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--timeout", "20s").exitCode()).isZero();
      runningPod("dev", NGINX + ":1.27-alpine", DIGEST_A);
      CliRun auto = cli("promote", "hello-world", dir.toString(), "--auto", "--timeout", "20s");
      assertThat(auto.exitCode()).as(auto.out() + auto.err()).isZero();
      assertThat(auto.out()).contains("Promoted hello-world to staging");
      assertThat(cli("promote", "hello-world", dir.toString(), "--auto").out()).contains("nothing to promote");

      Path app = dir.resolve("apps/hello-world/app.yaml");
      Files.writeString(app, Files.readString(app).replace(":1.27-alpine", ":1.28-alpine"));
      commit(git, "nginx 1.28");
      assertThat(cli("sync", dir.toString(), "--env", "dev", "--app", "hello-world", "--timeout", "20s").exitCode()).isZero();
      client.pods().inNamespace("dev-hello-world").delete();
      runningPod("dev", NGINX + ":1.28-alpine", DIGEST_B);
      assertThat(cli("promote", "hello-world", dir.toString(), "--auto", "--timeout", "20s").exitCode()).isZero();
      assertThat(deployedImage("staging")).endsWith(DIGEST_B);

      // Someone rolls staging back by hand: it is pinned.
      CliRun rollback = cli("rollback", dir.toString(), "--env", "staging", "--app", "hello-world", "--timeout", "20s");
      assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isZero();
      assertThat(deployedImage("staging")).endsWith(DIGEST_A);

      CliRun left = cli("promote", "hello-world", dir.toString(), "--auto", "--timeout", "20s");
      assertThat(left.exitCode()).isZero();
      assertThat(left.out()).contains("hello-world in staging: left alone: staging is pinned at revision 3 by")
          .doesNotContain("Promoted");
      assertThat(deployedImage("staging")).as("auto-promotion did not undo the rollback").endsWith(DIGEST_A);

      CliRun manual = cli("promote", "hello-world", dir.toString(), "--to", "staging");
      assertThat(manual.exitCode()).isEqualTo(1);
      assertThat(manual.out()).contains("fail   pin     staging is pinned at revision 3 by")
          .contains("(unpin with: slipway unpin hello-world --env staging); or promote with --force");

      CliRun forced = cli("promote", "hello-world", dir.toString(), "--to", "staging", "--force", "--timeout", "20s");
      assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
      assertThat(forced.out()).contains("forced pin").contains("Unpinned hello-world in staging (--force)");
      assertThat(deployedImage("staging")).endsWith(DIGEST_B);
      assertThat(cli("unpin", "hello-world", dir.toString(), "--env", "staging").out()).contains("was not pinned");
    }
  }
}
