package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.kube.FaultyApiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unusable cluster fails fast and says why: which environment, context and server, and the
 * cause (refused, DNS, TLS, timeout, 401, 403). Every endpoint is on 127.0.0.1 or a name that
 * cannot resolve.
 */
class ClusterReachTest {
  @TempDir
  Path tmp;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  Path kubeconfig(String... servers) throws IOException {
    String[] envs = {"dev", "staging", "prod"};
    StringBuilder sb = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
    for (int i = 0; i < servers.length; i++) {
      sb.append("- name: c").append(i).append("\n  cluster: {server: \"").append(servers[i]).append("\", insecure-skip-tls-verify: true}\n");
    }
    sb.append("users:\n- name: me\n  user: {token: test}\ncontexts:\n");
    for (int i = 0; i < servers.length; i++) {
      sb.append("- name: acme-").append(envs[i]).append("\n  context: {cluster: c").append(i).append(", user: me}\n");
    }
    Path f = tmp.resolve("kubeconfig");
    Files.writeString(f, sb.toString());
    return f;
  }

  record Timed(CliRun run, Duration took) {}

  Timed diff(Path kc, String... more) {
    Path dir = CliRun.example(tmp.resolve("p" + System.nanoTime()));
    List<String> args = new ArrayList<>(List.of("diff", dir.toString(), "--env", "dev", "--app", "hello-world", "--kubeconfig", kc.toString()));
    args.addAll(List.of(more));
    long start = System.nanoTime();
    CliRun r = CliRun.run(args.toArray(String[]::new));
    return new Timed(r, Duration.ofNanos(System.nanoTime() - start));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Accepts connections and never answers. */
  String hangingEndpoint() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          held.add(server.accept());
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    closing.add(() -> {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    });
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  @Test
  void aRefusedConnectionFailsInSecondsNamingContextServerAndCause() throws Exception {
    String server = "http://127.0.0.1:" + freePort();
    Timed t = diff(kubeconfig(server));
    assertThat(t.run().exitCode()).isEqualTo(2);
    assertThat(t.run().err()).contains("cannot reach the cluster of environment dev (context acme-dev, server " + server + ")")
        .contains("connection refused");
    assertThat(t.took()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anUnknownHostIsReportedAsDns() throws Exception {
    Timed t = diff(kubeconfig("https://cluster.invalid:6443"));
    assertThat(t.run().exitCode()).isEqualTo(2);
    assertThat(t.run().err()).contains("unknown host").contains("(DNS)").contains("context acme-dev");
    assertThat(t.took()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anEndpointThatAcceptsAndHangsTimesOutAfterTheRequestTimeout() throws Exception {
    Timed t = diff(kubeconfig(hangingEndpoint()), "--request-timeout", "2s");
    assertThat(t.run().exitCode()).isEqualTo(2);
    assertThat(t.run().err()).contains("cannot reach the cluster of environment dev").contains("no answer in time");
    assertThat(t.took()).isLessThan(Duration.ofSeconds(12));
  }

  @Test
  void tlsSpokenToAPlainHttpServerIsATlsFailure() throws Exception {
    try (FaultyApiServer api = new FaultyApiServer()) {
      String https = api.url().replace("http://", "https://");
      Timed t = diff(kubeconfig(https));
      assertThat(t.run().exitCode()).isEqualTo(2);
      assertThat(t.run().err()).contains("TLS handshake failed");
    }
  }

  @Test
  void rejectedCredentialsAreNotCannotReach() throws Exception {
    try (FaultyApiServer api = new FaultyApiServer()) {
      api.refuse("GET", "", 401, 1000);
      Timed t = diff(kubeconfig(api.url()));
      assertThat(t.run().exitCode()).isEqualTo(2);
      assertThat(t.run().err()).contains("refused a request").contains("credentials rejected (401 Unauthorized)")
          .doesNotContain("cannot reach");
    }
  }

  @Test
  void aForbiddenListSaysWhichVerbResourceAndNamespaceWereRefused() throws Exception {
    try (FaultyApiServer api = new FaultyApiServer()) {
      api.refuse("GET", "/apis/apps/v1/namespaces/hello-world/deployments", 403, 1000);
      Timed t = diff(kubeconfig(api.url()));
      assertThat(t.run().exitCode()).isEqualTo(2);
      assertThat(t.run().err()).contains("refused a request: not allowed to list deployments.apps in namespace hello-world (403 Forbidden")
          .doesNotContain("cannot reach");
      assertThat(api.count("GET", "/deployments")).as("a 403 is not retried").isEqualTo(1);
    }
  }

  @Test
  void statusReadsEnvironmentsInParallel() throws Exception {
    Path kc = kubeconfig(hangingEndpoint(), hangingEndpoint(), hangingEndpoint());
    Path dir = CliRun.example(tmp.resolve("s"));
    long start = System.nanoTime();
    CliRun r = CliRun.run("status", dir.toString(), "--kubeconfig", kc.toString(), "--request-timeout", "3s");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("environment dev").contains("environment staging").contains("environment prod");
    assertThat(took).as("three 3 s timeouts at once, not one after another").isLessThan(Duration.ofSeconds(8));
  }
}
