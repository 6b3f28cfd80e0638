package dev.slipway.cli;

import dev.slipway.git.RemoteMirror;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.control.ShardLeadership;
import dev.slipway.kube.control.Shards;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.AccessRule;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.sandbox.Sandbox;
import dev.slipway.sandbox.SandboxOptions;
import dev.slipway.server.auth.AccessPolicy;
import dev.slipway.server.auth.Principal;
import dev.slipway.server.auth.Role;
import dev.slipway.server.auth.TokenStore;
import dev.slipway.server.control.Controller;
import dev.slipway.server.control.PlatformSource;
import dev.slipway.server.http.ApiServer;
import dev.slipway.server.http.ServerOptions;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway serve}: the continuous GitOps controller and its HTTP API, until stopped.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Runs Slipway as a server until stopped (Ctrl-C, SIGTERM): watches the platform (a directory, or a Git",
        "branch with --repo), renders what changed and reconciles every application in every environment: syncs",
        "where the environment's sync policy is automated, reports OutOfSync elsewhere, self-heals drift where",
        "sync.selfHeal is on. Serves the HTTP API under /api/v1 (docs/api.md), /metrics, /healthz and /readyz.",
        "With --sandbox it runs over SIMULATED clusters, one per environment: no real cluster is touched.",
        "Exit codes: 0 stopped, 2 bad input (spec errors, bad options, unreadable tokens)."})
final class ServeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Platform directory (with slipway.yaml). Default: current directory, unless --repo.")
  Path dir;

  @Option(names = "--repo", paramLabel = "URL", description = "Read the platform from this Git repository (mirrored, fetched every --poll and on webhooks).")
  String repo;

  @Option(names = "--branch", paramLabel = "BRANCH", description = "The branch to follow with --repo. Default: main.")
  String branch = "main";

  @Option(names = "--path", paramLabel = "SUBDIR", description = "Where the platform is in the repository (with --repo). Default: its top.")
  String path = "";

  @Option(names = "--cache", paramLabel = "DIR", description = "Where to keep the repository mirror (with --repo). Default: a temporary directory.")
  Path cache;

  @Option(names = "--env", split = ",", paramLabel = "ENV", description = "Reconcile only these environments. Default: all.")
  List<String> envs = new ArrayList<>();

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port. Default: 8080 (0: any free port).")
  int port = 8080;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on. Default: 127.0.0.1 (0.0.0.0 in a pod).")
  String bind = "127.0.0.1";

  @Option(names = "--poll", paramLabel = "DURATION", description = "How often to read the platform again. Default: 30s.")
  String poll = "30s";

  @Option(names = "--workers", paramLabel = "N", description = "Reconciles at once. Default: 4.")
  int workers = 4;

  @Option(names = "--sync-timeout", paramLabel = "DURATION", description = "How long one sync may take, health waits included. Default: 5m.")
  String syncTimeout = "5m";

  @Option(names = "--tokens", paramLabel = "FILE", description = "Bearer tokens and who they are (YAML; docs/api.md).")
  Path tokens;

  @Option(names = "--tokens-secret", paramLabel = "NAME", description = "Read the tokens file from this Secret's key tokens.yaml in --namespace (in a cluster).")
  String tokensSecret;

  @Option(names = "--namespace", paramLabel = "NS", description = "Slipway's own namespace (token Secret, leader Leases). Default: $POD_NAMESPACE, else slipway.")
  String namespace;

  @Option(names = "--anonymous", paramLabel = "ROLE", description = "Let requests without a token in with this role (viewer, deployer or admin). Default: none.")
  String anonymous;

  @Option(names = "--webhook-secret-file", paramLabel = "FILE", description = "Secret of the Git webhooks (else $SLIPWAY_WEBHOOK_SECRET; unset: unsigned pushes are accepted).")
  Path webhookSecretFile;

  @Option(names = "--audit-log", paramLabel = "FILE", description = "Append every action as a JSON line to FILE.")
  Path auditLog;

  @Option(names = "--shards", paramLabel = "N", description = "Split the applications over N shards, one leader each. Default: 1.")
  int shards = 1;

  @Option(names = "--shard", paramLabel = "I", description = "This replica's shard. Default: the ordinal of its StatefulSet pod name ($HOSTNAME), else 0.")
  Integer shard;

  @Option(names = "--leader-election", description = "Write only while leading this shard's Lease (slipway-shard-I in --namespace); replicas stand by.")
  boolean leaderElection;

  @Option(names = "--lease-context", paramLabel = "CONTEXT", description = "kubeconfig context of the cluster holding the Leases. Default: in-cluster, else the current context.")
  String leaseContext;

  @Option(names = "--sandbox", description = "Run over SIMULATED clusters (in-process mock API servers), one per environment.")
  boolean sandbox;

  @Option(names = "--sandbox-delay", paramLabel = "DURATION", description = "How long simulated rollouts take. Default: 2s.")
  String sandboxDelay = "2s";

  @Mixin
  ClusterCommands.Target target;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration pollEvery = ClusterCommands.Sync.duration(poll);
    Duration timeout = ClusterCommands.Sync.duration(syncTimeout);
    Duration delay = ClusterCommands.Sync.duration(sandboxDelay);
    if (pollEvery == null || timeout == null || delay == null || pollEvery.isZero()) {
      err.println("error: --poll, --sync-timeout and --sandbox-delay take a duration such as 30s or 5m");
      return Main.BAD_INPUT;
    }
    if (workers < 1 || shards < 1 || (shard != null && (shard < 0 || shard >= shards)) || port < 0 || port > 65535) {
      err.println("error: --workers and --shards must be at least 1, --shard in [0, --shards), --port in [0, 65535]");
      return Main.BAD_INPUT;
    }
    if (repo != null && dir != null) {
      err.println("error: give a platform directory or --repo, not both");
      return Main.BAD_INPUT;
    }
    if (sandbox && repo != null) {
      err.println("error: --sandbox runs over a platform directory, not --repo");
      return Main.BAD_INPUT;
    }
    Optional<Role> anonymousRole;
    try {
      anonymousRole = anonymous == null ? Optional.empty() : Optional.of(Role.parse(anonymous));
    } catch (IllegalArgumentException e) {
      err.println("error: --anonymous takes viewer, deployer or admin, got '" + anonymous + "'");
      return Main.BAD_INPUT;
    }
    String ns = namespace != null ? namespace : Optional.ofNullable(System.getenv("POD_NAMESPACE")).orElse("slipway");

    // The platform: where it comes from, and its first reading (for access and, in the sandbox, the environments).
    PlatformSource source;
    Path platformDir;
    if (repo != null) {
      Path cacheDir = cache != null ? cache : Files.createTempDirectory("slipway-serve-");
      try {
        RemoteMirror mirror = RemoteMirror.open(repo, branch, path, cacheDir.resolve("mirror.git"), credentials());
        source = PlatformSource.remote(mirror, repo + " (" + branch + ")", Files.createDirectories(cacheDir.resolve("work")));
      } catch (IOException e) {
        err.println("error: " + e.getMessage());
        return Main.BAD_INPUT;
      }
    } else {
      source = PlatformSource.directory(dir != null ? dir : Path.of("."));
    }
    try {
      platformDir = source.read().dir();
    } catch (IOException e) {
      err.println("error: cannot read the platform: " + e.getMessage());
      source.close();
      return Main.BAD_INPUT;
    }
    Workspace ws = Workspace.load(platformDir);
    if (ws.platform() == null) {
      PlanCommand.printDiagnostics(err, ws.diagnostics().list().stream().filter(Diagnostic::isError).toList());
      source.close();
      return Main.BAD_INPUT;
    }
    PlatformSpec platform = ws.platform();
    for (String e : envs) {
      if (!platform.environmentNames().contains(e)) {
        err.println("error: --env: no environment '" + e + "'; environments: " + String.join(", ", platform.environmentNames()));
        source.close();
        return Main.BAD_INPUT;
      }
    }

    List<AutoCloseable> closing = new ArrayList<>();
    closing.add(source);
    JsonLog.Sink logSink = JsonLog.Sink.stderr();
    JsonLog log = new JsonLog("serve", logSink);
    try {
      Sandbox sb = null;
      Controller.Clusters clusters;
      TokenStore tokenStore;
      String sandboxToken = null;
      if (sandbox) {
        sb = Sandbox.start(platform, SandboxOptions.DEFAULT.withDelay(delay));
        closing.add(0, sb);
        String kubeconfig = sb.kubeconfig();
        clusters = env -> new KubernetesClientBuilder().withConfig(ClusterClient.configure(
            Config.fromKubeconfig(env.cluster().context(), kubeconfig, null), Duration.ofSeconds(30))).build();
        log.warn(sb.banner());
      } else {
        clusters = env -> target.connect(env.cluster().context());
      }
      try {
        tokenStore = loadTokens(ns);
      } catch (IOException | IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return Main.BAD_INPUT;
      }
      if (sandbox && tokens == null && tokensSecret == null) {
        // A newcomer's first run: one admin token, printed once, so the API can be tried at once.
        sandboxToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        tokenStore = TokenStore.of(List.of(new Principal("sandbox-admin", List.of("sandbox-admins"), false)), List.of(sandboxToken));
      }
      List<Map<String, Object>> access = accessList(platform);
      if (sandboxToken != null) {
        access.add(Map.of("group", "sandbox-admins", "role", "admin"));
      }
      AccessPolicy policy = AccessPolicy.fromList(access, anonymousRole);

      ServerMetrics metrics = new ServerMetrics();
      int myShard = shard != null ? shard : Math.max(0, Shards.ofOrdinal(Optional.ofNullable(System.getenv("HOSTNAME")).orElse(""), shards));
      Controller.Responsibility responsibility = Controller.Responsibility.ALL;
      if (leaderElection || shards > 1) {
        KubernetesClient leaseClient = leaseClient(sb, platform);
        closing.add(0, leaseClient);
        String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("slipway") + "-" + ProcessHandle.current().pid();
        ShardLeadership leadership = new ShardLeadership(leaseClient, ns, myShard, identity, ShardLeadership.Timings.DEFAULT,
            leading -> {
              metrics.leader(myShard, leading);
              log.info(leading ? "leading shard" : "stopped leading shard", "shard", myShard, "identity", identity);
            });
        if (leaderElection) {
          leadership.start();
          closing.add(0, leadership);
        }
        int n = shards;
        boolean elected = leaderElection;
        responsibility = app -> (app.equals(dev.slipway.kube.SyncExecutor.CLUSTER) ? myShard == 0 : Shards.of(app, n) == myShard)
            && (!elected || leadership.isLeader());
      }
      Controller controller = new Controller(source, clusters, Controller.Settings.defaults().withWorkers(workers).withPoll(pollEvery)
          .withSyncTimeout(timeout).withEnvironments(new TreeSet<>(envs)).withRateLimit(target.qps, target.burst)
          .withSimulated(sandbox).withBranch(repo != null ? branch : null), responsibility, metrics, logSink, Clock.systemUTC());
      closing.remove(source); // the controller closes it
      String extraGroup = sandboxToken != null ? "sandbox-admins" : null;
      controller.onAccessChange(p -> {
        List<Map<String, Object>> next = accessList(p);
        if (extraGroup != null) {
          next.add(Map.of("group", extraGroup, "role", "admin"));
        }
        try {
          policy.replaceRules(AccessPolicy.fromList(next, anonymousRole));
          log.info("access rules read from the platform", "rules", next.size());
        } catch (IllegalArgumentException e) {
          log.warn("access rules kept: the platform's access list cannot be used", "error", e.getMessage());
        }
      });
      closing.add(0, controller);
      ServerOptions options = ServerOptions.defaults(new InetSocketAddress(bind, port), tokenStore, policy);
      String secret = webhookSecret();
      if (secret != null) {
        options = options.withWebhookSecret(secret);
      }
      if (auditLog != null) {
        options = options.withAuditFile(auditLog);
      }
      ApiServer api = ApiServer.start(controller, options, metrics, logSink);
      closing.add(0, api);
      controller.start();
      out.println((sandbox ? Sandbox.SIMULATED + ": " : "") + "slipway serve: " + source.describe() + " on http://" + bind + ":" + api.port()
          + " (shard " + myShard + " of " + shards + (leaderElection ? ", leader election on" : "") + ")");
      if (sandboxToken != null) {
        out.println("SIMULATED sandbox admin token (shown once): " + sandboxToken);
        out.println("  curl -H 'Authorization: Bearer " + sandboxToken + "' http://" + bind + ":" + api.port() + "/api/v1/applications");
      }
      out.println("Stop with Ctrl-C.");
      out.flush();
      Thread hook = new Thread(() -> {
        stop.countDown();
        try {
          stopped.await(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "slipway-serve-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
          // shutting down: the hook waits for the close below
        }
      }
      return Main.OK;
    } finally {
      for (AutoCloseable c : closing) {
        try {
          c.close();
        } catch (Exception e) {
          err.println("warning: while stopping: " + e.getMessage());
        }
      }
      stopped.countDown();
      out.println("slipway serve stopped.");
      out.flush();
    }
  }

  /** Stops a running {@link #call} (tests, an embedding program). */
  void shutdown() {
    stop.countDown();
  }

  private TokenStore loadTokens(String ns) throws IOException {
    if (tokens != null && tokensSecret != null) {
      throw new IllegalArgumentException("give --tokens or --tokens-secret, not both");
    }
    if (tokens != null) {
      return TokenStore.load(tokens);
    }
    if (tokensSecret != null) {
      try (KubernetesClient k = new KubernetesClientBuilder().build()) {
        var secret = k.secrets().inNamespace(ns).withName(tokensSecret).get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey("tokens.yaml")) {
          throw new IOException("Secret " + ns + "/" + tokensSecret + " has no key tokens.yaml");
        }
        Path tmp = Files.createTempFile("slipway-tokens-", ".yaml");
        try {
          Files.write(tmp, java.util.Base64.getDecoder().decode(secret.getData().get("tokens.yaml")));
          return TokenStore.load(tmp);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
    }
    return TokenStore.empty();
  }

  private String webhookSecret() throws IOException {
    if (webhookSecretFile != null) {
      return Files.readString(webhookSecretFile, StandardCharsets.UTF_8).strip();
    }
    String env = System.getenv("SLIPWAY_WEBHOOK_SECRET");
    return env == null || env.isBlank() ? null : env.strip();
  }

  private static org.eclipse.jgit.transport.CredentialsProvider credentials() {
    String token = System.getenv("SLIPWAY_GIT_TOKEN");
    return token == null || token.isBlank() ? null
        : new org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider("x-access-token", token.strip());
  }

  /** The platform's {@code access:} list as the API's access policy reads it. */
  static List<Map<String, Object>> accessList(PlatformSpec platform) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AccessRule r : platform.access()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("group", r.group());
      m.put("role", r.role().label());
      if (!r.environments().isEmpty()) {
        m.put("environments", r.environments());
      }
      out.add(m);
    }
    return out;
  }

  private KubernetesClient leaseClient(Sandbox sb, PlatformSpec platform) throws IOException {
    if (sb != null) {
      String first = platform.environments().get(0).cluster().context();
      return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(first, sb.kubeconfig(), null)).build();
    }
    if (leaseContext != null) {
      return target.connect(leaseContext);
    }
    return new KubernetesClientBuilder().build();
  }
}
