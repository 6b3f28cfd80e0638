package dev.slipway.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.server.api.ControlPlane;
import dev.slipway.server.api.EnvironmentInfo;
import dev.slipway.server.api.PushResult;
import dev.slipway.server.auth.AuditEntry;
import dev.slipway.server.auth.AuditLog;
import dev.slipway.server.auth.Role;
import dev.slipway.server.metrics.ServerMetrics;
import dev.slipway.server.webhook.GitWebhook;
import dev.slipway.server.webhook.WebhookDelivery;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Routes around the applications: who am I, events, webhooks, audit, OpenAPI, probes and metrics. */
final class OperationsRoutes {
  private final ApiServer server;
  private final ControlPlane plane;
  private final ServerOptions options;
  private final AuditLog audit;
  private final ServerMetrics metrics;
  private final GitWebhook webhook;
  private final byte[] openApi;

  OperationsRoutes(ApiServer server, ControlPlane plane, ServerOptions options, AuditLog audit, ServerMetrics metrics, ObjectMapper json) {
    this.server = server;
    this.plane = plane;
    this.options = options;
    this.audit = audit;
    this.metrics = metrics;
    this.webhook = new GitWebhook(options.webhookSecret());
    this.openApi = openApiJson(json);
  }

  void addTo(Router router) {
    router.add(new Route("GET", ApiServer.API + "/whoami", Route.Access.AUTHENTICATED, null, null, this::whoami));
    router.add(new Route("GET", ApiServer.API + "/events", Route.Access.AUTHENTICATED, null, null, server::stream));
    router.add(new Route("GET", ApiServer.API + "/audit", Route.Access.ANY_ENVIRONMENT, Role.ADMIN, null, this::audit));
    router.add(new Route("POST", ApiServer.API + "/webhooks/git", Route.Access.PUBLIC, null, "webhook", this::webhook));
    router.add(new Route("GET", ApiServer.API + "/openapi.json", Route.Access.PUBLIC, null, null,
        c -> Response.text(200, new String(openApi, java.nio.charset.StandardCharsets.UTF_8), "application/vnd.oai.openapi+json")));
    router.add(new Route("GET", "/healthz", Route.Access.PUBLIC, null, null, c -> Response.ok(Map.of("status", "ok"))));
    router.add(new Route("GET", "/readyz", Route.Access.PUBLIC, null, null, c -> {
      if (!plane.ready()) {
        throw new ApiError(503, "not-ready", "the controller has not read Git and synced its cluster caches yet");
      }
      return Response.ok(Map.of("status", "ready"));
    }));
    router.add(new Route("GET", "/metrics", Route.Access.PUBLIC, null, null, c -> {
      metrics.observe(plane.applications());
      return Response.text(200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
    }));
  }

  private Response whoami(Call c) {
    Map<String, String> roles = new TreeMap<>();
    for (EnvironmentInfo e : plane.environments()) {
      options.access().roleIn(c.principal, e.name()).ifPresent(r -> roles.put(e.name(), r.label()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", c.principal.subject());
    body.put("groups", c.principal.groups());
    body.put("anonymous", c.principal.anonymous());
    body.put("roles", roles);
    body.put("simulated", plane.simulated());
    return Response.ok(body);
  }

  /** The recent audit entries of the environments the caller administers (and those of no environment). */
  private Response audit(Call c) {
    List<AuditEntry> shown = audit.recent().stream()
        .filter(e -> e.environment() == null || options.access().allows(c.principal, e.environment(), Role.ADMIN))
        .toList();
    return Response.ok(Map.of("items", shown));
  }

  private Response webhook(Call c) throws IOException {
    WebhookDelivery d = webhook.read(c::header, c.body());
    String who = "webhook:" + d.forge();
    if (d instanceof WebhookDelivery.Rejected r) {
      metrics.webhook(d.forge(), "rejected");
      audit.record(new AuditEntry(options.clock().instant(), who, "webhook", null, null, null, "rejected", r.message()));
      throw new ApiError(r.status(), r.code(), r.message());
    }
    if (d instanceof WebhookDelivery.Ping) {
      metrics.webhook(d.forge(), "ignored");
      return Response.ok(Map.of("status", "pong"));
    }
    if (d instanceof WebhookDelivery.Ignored i) {
      metrics.webhook(d.forge(), "ignored");
      return Response.ok(Map.of("status", "ignored", "reason", i.reason()));
    }
    WebhookDelivery.Push push = (WebhookDelivery.Push) d;
    PushResult result = plane.onPush(push.branch(), push.commit(), push.paths());
    metrics.webhook(d.forge(), result.accepted() ? "accepted" : "ignored");
    audit.record(new AuditEntry(options.clock().instant(), who, "webhook", null, null, push.commit(),
        result.accepted() ? "accepted" : "ignored", "push to " + push.branch() + (result.message().isEmpty() ? "" : ": " + result.message())));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", result.accepted() ? "accepted" : "ignored");
    body.put("branch", push.branch());
    body.put("commit", push.commit());
    body.put("paths", push.paths().size());
    body.put("applications", result.applications());
    body.put("message", result.message());
    return Response.json(result.accepted() ? 202 : 200, body);
  }

  /** The OpenAPI document, kept as YAML for people and served as JSON. */
  private static byte[] openApiJson(ObjectMapper json) {
    try (InputStream in = OperationsRoutes.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the jar");
      }
      JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(in);
      return json.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenAPI document", e);
    }
  }
}
