package dev.slipway.server.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.server.api.ControlPlane;
import dev.slipway.server.api.EnvironmentInfo;
import dev.slipway.server.auth.AuditEntry;
import dev.slipway.server.auth.AuditLog;
import dev.slipway.server.auth.Principal;
import dev.slipway.server.auth.Role;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP API of {@code slipway serve}, on the JDK's own HTTP server: no framework, because the
 * API is a dozen routes of JSON and one event stream, and a framework would be the largest part of
 * the server. Every request goes through {@link #dispatch}: route, authenticate, authorise, handle,
 * and any refusal becomes a JSON error that changed nothing. A GET that matches no route may name a
 * file of the web dashboard ({@link DashboardAssets}). See {@code docs/api.md} and {@code docs/dashboard.md}.
 */
public final class ApiServer implements AutoCloseable {
  static final String API = "/api/v1";

  static {
    // The JDK server waits forever for a request body by default: a client that announces a body
    // and never sends it would hold a request thread for good. Bound it (unless set by the operator).
    // Response time is left unbounded: event streams are long responses.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", "30");
    }
  }

  private final ControlPlane plane;
  private final ServerOptions options;
  private final ServerMetrics metrics;
  private final JsonLog log;
  private final ObjectMapper json = mapper();
  private final Router router = new Router();
  private final DashboardAssets dashboard = new DashboardAssets();
  private final EventHub hub;
  private final AuditLog audit;
  private final HttpServer server;
  private final ThreadPoolExecutor requests;
  private final ExecutorService streams;
  private final Semaphore streamSlots;
  private final AutoCloseable subscription;

  private ApiServer(ControlPlane plane, ServerOptions options, ServerMetrics metrics, JsonLog.Sink logSink) throws IOException {
    this.plane = plane;
    this.options = options;
    this.metrics = metrics;
    this.log = new JsonLog("dev.slipway.server.http", logSink);
    // The boot id makes event ids of an earlier process unresumable (its buffer is gone).
    this.hub = new EventHub(Long.toString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE, 36), options.eventBuffer(), 256);
    this.audit = new AuditLog(options.auditFile(), options.auditKeep(), json);
    this.streamSlots = new Semaphore(options.maxEventStreams());
    new ApplicationRoutes(plane, options.access(), audit, options.clock()).addTo(router);
    new OperationsRoutes(this, plane, options, audit, metrics, json).addTo(router);
    AtomicInteger n = new AtomicInteger();
    this.requests = new ThreadPoolExecutor(options.threads(), options.threads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(Math.max(1, options.queue())), r -> daemon(r, "slipway-http-" + n.incrementAndGet()),
        new ThreadPoolExecutor.CallerRunsPolicy());
    AtomicInteger s = new AtomicInteger();
    this.streams = Executors.newCachedThreadPool(r -> daemon(r, "slipway-events-" + s.incrementAndGet()));
    this.server = HttpServer.create(options.address(), 128);
    server.createContext("/", this::dispatch);
    server.setExecutor(requests);
    this.subscription = plane.subscribe(hub::publish);
  }

  /** Starts listening; the API serves until {@link #close()}. */
  public static ApiServer start(ControlPlane plane, ServerOptions options, ServerMetrics metrics, JsonLog.Sink logSink)
      throws IOException {
    ApiServer api = new ApiServer(plane, options, metrics, logSink);
    api.server.start();
    api.log.info("API listening", "address", api.server.getAddress().toString(), "routes", api.router.routes().size(),
        "simulated", plane.simulated());
    if (options.webhookSecret() == null) {
      api.log.warn("no webhook secret is set: unsigned Git webhooks are accepted (they can only trigger a fetch)");
    }
    if (options.access().anonymousAllowed()) {
      api.log.warn("anonymous access is enabled");
    }
    return api;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  List<Route> routes() {
    return router.routes();
  }

  ObjectMapper json() {
    return json;
  }

  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      log.warn("unsubscribing from the control plane failed", "error", e);
    }
    hub.closeAll();
    streams.shutdownNow();
    server.stop(0);
    requests.shutdownNow();
    try {
      audit.close();
    } catch (IOException e) {
      log.warn("closing the audit log failed", "error", e);
    }
  }

  private void dispatch(HttpExchange ex) {
    long start = System.nanoTime();
    String method = ex.getRequestMethod();
    String routeLabel = "unmatched";
    int status = 500;
    Principal principal = null;
    boolean streaming = false;
    try {
      Router.Match match = router.match(method, ex.getRequestURI().getPath());
      if (match instanceof Router.WrongMethod w) {
        throw new ApiError(405, "method-not-allowed", method + " is not allowed here; allowed: " + String.join(", ", w.allowed()),
            Map.of(), Map.of("Allow", List.of(String.join(", ", w.allowed()))));
      }
      if (!(match instanceof Router.Found found)) {
        String path = ex.getRequestURI().getPath();
        Optional<Response> asset = (method.equals("GET") || method.equals("HEAD")) && !path.startsWith(API + "/") && !path.equals(API)
            ? dashboard.answer(path, ex.getRequestHeaders().getFirst("If-None-Match")) : Optional.empty();
        if (asset.isEmpty()) {
          throw ApiError.notFound("no such route: " + method + " " + path);
        }
        routeLabel = "dashboard";
        status = asset.get().status();
        send(ex, asset.get());
        return;
      }
      Route route = found.route();
      routeLabel = route.pattern();
      principal = authenticate(route, ex);
      authorise(route, principal, found.params());
      Call call = new Call(ex, route, found.params(), principal, options.maxBodyBytes(), json);
      Response response = route.handler().handle(call);
      if (response == Response.STREAMING) {
        streaming = true;
        status = 200;
        return;
      }
      status = response.status();
      send(ex, response);
    } catch (ApiError e) {
      status = e.status;
      sendError(ex, e);
    } catch (Exception e) {
      status = 500;
      log.error("request failed", "method", method, "route", routeLabel, "error", e);
      sendError(ex, new ApiError(500, "internal", "the server failed to handle the request; it is logged"));
    } finally {
      if (!streaming) {
        ex.close();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      metrics.httpRequest(method, routeLabel, status, took);
      JsonLog.Level level = status >= 500 ? JsonLog.Level.ERROR : method.equals("GET") || status == 404 ? JsonLog.Level.DEBUG
          : JsonLog.Level.INFO;
      log.log(level, "request", "method", method, "route", routeLabel, "status", status, "ms", took.toMillis(),
          "subject", principal == null ? null : principal.subject());
    }
  }

  private Principal authenticate(Route route, HttpExchange ex) {
    if (route.access() == Route.Access.PUBLIC) {
      return null;
    }
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || header.isBlank()) {
      if (options.access().anonymousAllowed()) {
        return Principal.ANONYMOUS;
      }
      throw unauthorised("a bearer token is required: send Authorization: Bearer <token>", null);
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw unauthorised("the Authorization header must be 'Bearer <token>'", "invalid_request");
    }
    return options.tokens().authenticate(header.substring(7).trim())
        .orElseThrow(() -> unauthorised("the token is not valid", "invalid_token"));
  }

  private static ApiError unauthorised(String message, String error) {
    String challenge = "Bearer realm=\"slipway\"" + (error == null ? "" : ", error=\"" + error + "\"");
    return new ApiError(401, "unauthorized", message, Map.of(), Map.of("WWW-Authenticate", List.of(challenge)));
  }

  private void authorise(Route route, Principal principal, Map<String, String> params) {
    switch (route.access()) {
      case PUBLIC, AUTHENTICATED -> {
        return;
      }
      case ENVIRONMENT -> {
        String env = params.get("env");
        Optional<Role> role = options.access().roleIn(principal, env);
        if (role.map(r -> r.allows(route.role())).orElse(false)) {
          return;
        }
        String what = route.action() == null ? "read" : route.action();
        if (route.action() != null) {
          audit.record(new AuditEntry(options.clock().instant(), principal.subject(), route.action(), env, params.get("app"), null,
              "forbidden", "needs " + route.role().label()));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", what);
        details.put("environment", env);
        details.put("required", route.role().label());
        details.put("role", role.map(Role::label).orElse(null));
        throw new ApiError(403, "forbidden", principal.subject() + " may not " + what + " in environment " + env + ": it needs the "
            + route.role().label() + " role and has " + role.map(r -> "the " + r.label() + " role").orElse("no role") + " there",
            details, Map.of());
      }
      case ANY_ENVIRONMENT -> {
        for (EnvironmentInfo e : plane.environments()) {
          if (options.access().allows(principal, e.name(), route.role())) {
            return;
          }
        }
        throw new ApiError(403, "forbidden", principal.subject() + " may not read " + route.pattern() + ": it needs the "
            + route.role().label() + " role in at least one environment", Map.of("required", route.role().label()), Map.of());
      }
      default -> throw new IllegalStateException(route.access().toString());
    }
  }

  /** Takes the exchange over for an event stream; 503 when all stream slots are taken. */
  Response stream(Call call) throws IOException {
    if (!streamSlots.tryAcquire()) {
      throw new ApiError(503, "too-many-streams", "the server has " + options.maxEventStreams()
          + " event streams open; try again later", Map.of(), Map.of("Retry-After", List.of("5")));
    }
    Principal p = call.principal;
    EventHub.Attach attach = hub.attach(call.header("Last-Event-ID"),
        e -> e.environment() == null || options.access().roleIn(p, e.environment()).isPresent());
    HttpExchange ex = call.exchange;
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.getResponseHeaders().set("X-Accel-Buffering", "no");
    try {
      ex.sendResponseHeaders(200, 0);
      metrics.eventStreamOpened();
      streams.execute(new EventStream(ex, hub, attach, options.heartbeat(), json, options.clock(), () -> {
        metrics.eventStreamClosed();
        streamSlots.release();
      }));
    } catch (IOException | RuntimeException e) {
      hub.detach(attach.subscriber());
      streamSlots.release();
      throw e;
    }
    return Response.STREAMING;
  }

  private void send(HttpExchange ex, Response r) throws IOException {
    byte[] body;
    if (r.body() == null) {
      body = new byte[0];
    } else if (r.body() instanceof byte[] bytes) {
      body = bytes;
    } else if (r.body() instanceof String s && !r.contentType().equals("application/json")) {
      body = s.getBytes(StandardCharsets.UTF_8);
    } else {
      body = json.writeValueAsBytes(r.body());
    }
    ex.getResponseHeaders().set("Content-Type", r.contentType() + (r.contentType().contains("charset") ? "" : "; charset=utf-8"));
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      ex.sendResponseHeaders(r.status(), -1);
      return;
    }
    ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void sendError(HttpExchange ex, ApiError e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e.code);
    error.put("message", e.getMessage());
    if (!e.details.isEmpty()) {
      error.put("details", e.details);
    }
    e.headers.forEach((k, v) -> ex.getResponseHeaders().put(k, v));
    try {
      send(ex, Response.json(e.status, Map.of("error", error)));
    } catch (IOException | RuntimeException io) {
      // Headers already sent or the client left: nothing more can be said to it.
      log.debug("could not send an error response", "error", io);
    }
  }

  /** The API's JSON: ISO-8601 instants, health by its Argo CD label, unknown request fields refused. */
  static ObjectMapper mapper() {
    SimpleModule health = new SimpleModule("slipway-health");
    health.addSerializer(new StdSerializer<>(HealthStatus.class) {
      private static final long serialVersionUID = 1L;

      @Override
      public void serialize(HealthStatus value, com.fasterxml.jackson.core.JsonGenerator gen,
          com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
        gen.writeString(value.label());
      }
    });
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(health)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        // "true" is not a boolean and "3" is not a revision number: a client that sends them has a bug.
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
