package dev.slipway.server.http;

import dev.slipway.server.auth.AccessPolicy;
import dev.slipway.server.auth.TokenStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the API server is set up. Defaults suit one replica on a small machine; {@code slipway serve}
 * fills these from its flags.
 *
 * @param address where to listen; port 0 picks a free one
 * @param threads request threads; requests beyond them queue (up to {@code queue}), then the
 *     accepting thread runs them itself, which slows accepting: back-pressure, not an unbounded queue
 * @param maxBodyBytes larger request bodies get 413
 * @param webhookSecret the forges' shared secret; null accepts unsigned webhooks (say so in the logs)
 * @param auditFile JSON lines file, or null for the in-memory list only
 * @param heartbeat interval of event-stream heartbeats
 * @param eventBuffer events kept for {@code Last-Event-ID} resume
 * @param maxEventStreams concurrent event streams; more get 503
 */
public record ServerOptions(
    InetSocketAddress address,
    TokenStore tokens,
    AccessPolicy access,
    String webhookSecret,
    Path auditFile,
    int threads,
    int queue,
    long maxBodyBytes,
    Duration heartbeat,
    int eventBuffer,
    int maxEventStreams,
    int auditKeep,
    Clock clock) {

  public ServerOptions {
    Objects.requireNonNull(address);
    Objects.requireNonNull(tokens);
    Objects.requireNonNull(access);
    Objects.requireNonNull(heartbeat);
    Objects.requireNonNull(clock);
    if (threads < 1 || queue < 0 || maxBodyBytes < 1 || eventBuffer < 1 || maxEventStreams < 1 || auditKeep < 1) {
      throw new IllegalArgumentException("threads, maxBodyBytes, eventBuffer, maxEventStreams and auditKeep must be positive");
    }
  }

  /** Listening on {@code address} with 8 threads, 1 MiB bodies, 15 s heartbeats, 1,000 buffered events, 64 streams. */
  public static ServerOptions defaults(InetSocketAddress address, TokenStore tokens, AccessPolicy access) {
    return new ServerOptions(address, tokens, access, null, null, 8, 256, 1 << 20, Duration.ofSeconds(15), 1000, 64, 500,
        Clock.systemUTC());
  }

  public ServerOptions withWebhookSecret(String secret) {
    return new ServerOptions(address, tokens, access, secret, auditFile, threads, queue, maxBodyBytes, heartbeat, eventBuffer,
        maxEventStreams, auditKeep, clock);
  }

  public ServerOptions withAuditFile(Path file) {
    return new ServerOptions(address, tokens, access, webhookSecret, file, threads, queue, maxBodyBytes, heartbeat, eventBuffer,
        maxEventStreams, auditKeep, clock);
  }

  public ServerOptions withHeartbeat(Duration interval) {
    return new ServerOptions(address, tokens, access, webhookSecret, auditFile, threads, queue, maxBodyBytes, interval, eventBuffer,
        maxEventStreams, auditKeep, clock);
  }

  public ServerOptions withEventBuffer(int events) {
    return new ServerOptions(address, tokens, access, webhookSecret, auditFile, threads, queue, maxBodyBytes, heartbeat, events,
        maxEventStreams, auditKeep, clock);
  }

  public ServerOptions withMaxBodyBytes(long bytes) {
    return new ServerOptions(address, tokens, access, webhookSecret, auditFile, threads, queue, bytes, heartbeat, eventBuffer,
        maxEventStreams, auditKeep, clock);
  }

  public ServerOptions withClock(Clock c) {
    return new ServerOptions(address, tokens, access, webhookSecret, auditFile, threads, queue, maxBodyBytes, heartbeat, eventBuffer,
        maxEventStreams, auditKeep, c);
  }

  public ServerOptions withMaxEventStreams(int streams) {
    return new ServerOptions(address, tokens, access, webhookSecret, auditFile, threads, queue, maxBodyBytes, heartbeat, eventBuffer,
        streams, auditKeep, clock);
  }
}
