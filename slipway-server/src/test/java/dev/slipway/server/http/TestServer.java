package dev.slipway.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.server.InMemoryControlPlane;
import dev.slipway.server.auth.AccessPolicy;
import dev.slipway.server.auth.Principal;
import dev.slipway.server.auth.Role;
import dev.slipway.server.auth.TokenStore;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The API over an {@link InMemoryControlPlane} on 127.0.0.1, with four callers and their tokens. */
final class TestServer implements AutoCloseable {
  /** Deployer in dev and staging, viewer in prod. */
  static final String ALICE = "alice-token-0123456789";
  /** Viewer everywhere. */
  static final String VICTOR = "victor-token-0123456789";
  /** Admin everywhere. */
  static final String ADA = "ada-token-0123456789abc";
  /** Viewer in prod only. */
  static final String PAT = "pat-token-0123456789abc";

  static final List<Map<String, Object>> ACCESS = List.of(
      Map.of("group", "developers", "role", "deployer", "environments", List.of("dev", "staging")),
      Map.of("group", "developers", "role", "viewer", "environments", List.of("prod")),
      Map.of("group", "viewers", "role", "viewer"),
      Map.of("group", "platform", "role", "admin"),
      Map.of("group", "prod-watchers", "role", "viewer", "environments", List.of("prod")));

  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

  final InMemoryControlPlane plane = new InMemoryControlPlane(CLOCK);
  final ServerMetrics metrics = new ServerMetrics();
  final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  final ApiServer api;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ObjectMapper json = new ObjectMapper();

  TestServer() {
    this(UnaryOperator.identity(), Optional.empty());
  }

  TestServer(UnaryOperator<ServerOptions> configure, Optional<Role> anonymous) {
    TokenStore tokens = TokenStore.of(List.of(
        new Principal("alice", List.of("developers"), false),
        new Principal("victor", List.of("viewers"), false),
        new Principal("ada", List.of("platform"), false),
        new Principal("pat", List.of("prod-watchers"), false)), List.of(ALICE, VICTOR, ADA, PAT));
    ServerOptions options = configure.apply(ServerOptions.defaults(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tokens, AccessPolicy.fromList(ACCESS, anonymous)).withClock(CLOCK));
    try {
      api = ApiServer.start(plane, options, metrics,
          new JsonLog.Sink(new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC(), JsonLog.Level.DEBUG));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  HttpResponse<String> get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  HttpResponse<String> post(String path, String token, String body) {
    HttpRequest.Builder b = request(path, token);
    if (body == null) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return send(b.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode json(HttpResponse<String> response) {
    try {
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  String logText() {
    return logs.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    api.close();
  }
}
