package dev.slipway.server.http;

import static dev.slipway.server.http.TestServer.ADA;
import static dev.slipway.server.http.TestServer.ALICE;
import static dev.slipway.server.http.TestServer.PAT;
import static dev.slipway.server.http.TestServer.VICTOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.auth.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizationTest {
  private static final String SHOP = "/api/v1/applications/shop/environments/";
  private static final List<String> ACTIONS = List.of("sync", "rollback", "refresh", "pin", "unpin", "pause", "resume");

  @Test
  void noTokenGets401WithABearerChallenge() {
    try (TestServer s = new TestServer()) {
      HttpResponse<String> r = s.get("/api/v1/applications", null);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"slipway\"");
      assertThat(s.json(r).path("error").path("code").asText()).isEqualTo("unauthorized");
      assertThat(s.post(SHOP + "dev/sync", null, "{}").statusCode()).isEqualTo(401);
      assertThat(s.get("/api/v1/events", null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void wrongOrMalformedTokenGets401() {
    try (TestServer s = new TestServer()) {
      HttpResponse<String> wrong = s.get("/api/v1/whoami", "alice-token-0123456780");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
      HttpResponse<String> basic = s.send(s.request("/api/v1/whoami", null).header("Authorization", "Basic YWxpY2U6eA==").build());
      assertThat(basic.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void viewerGets403OnEveryActionNamingWhatWasRefused() {
    try (TestServer s = new TestServer()) {
      String before = s.get("/api/v1/applications", ADA).body();
      for (String action : ACTIONS) {
        HttpResponse<String> r = s.post(SHOP + "dev/" + action, VICTOR, action.equals("rollback") ? "{\"revision\":1}" : "{}");
        assertThat(r.statusCode()).as(action).isEqualTo(403);
        JsonNode error = s.json(r).path("error");
        assertThat(error.path("message").asText()).contains("victor").contains(action).contains("dev").contains("deployer");
        assertThat(error.path("details").path("action").asText()).isEqualTo(action);
        assertThat(error.path("details").path("required").asText()).isEqualTo("deployer");
        assertThat(error.path("details").path("role").asText()).isEqualTo("viewer");
      }
      assertThat(s.get("/api/v1/applications", ADA).body()).isEqualTo(before);
    }
  }

  @Test
  void deployerInOneEnvironmentIsAViewerInAnother() {
    try (TestServer s = new TestServer()) {
      assertThat(s.post(SHOP + "staging/pin", ALICE, null).statusCode()).isEqualTo(200);
      assertThat(s.post(SHOP + "prod/pin", ALICE, null).statusCode()).isEqualTo(403);
      assertThat(s.get(SHOP + "prod", ALICE).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void matrixShowsOnlyTheEnvironmentsTheCallerMaySee() {
    try (TestServer s = new TestServer()) {
      JsonNode m = s.json(s.get("/api/v1/applications", PAT));
      assertThat(m.path("environments").toString()).isEqualTo("[\"prod\"]");
      List<String> envs = new ArrayList<>();
      m.path("items").forEach(i -> envs.add(i.path("environment").asText()));
      assertThat(envs).hasSize(3).containsOnly("prod");
      assertThat(s.json(s.get("/api/v1/applications?env=dev", PAT)).path("items").size()).isZero();
      assertThat(s.get(SHOP + "dev", PAT).statusCode()).isEqualTo(403);
      assertThat(s.json(s.get("/api/v1/environments", PAT)).path("items").size()).isEqualTo(1);
    }
  }

  @Test
  void anonymousCallersAreRefusedUnlessAnAnonymousRoleIsConfigured() {
    try (TestServer closed = new TestServer()) {
      assertThat(closed.get("/api/v1/applications", null).statusCode()).isEqualTo(401);
    }
    try (TestServer open = new TestServer(UnaryOperator.identity(), Optional.of(Role.VIEWER))) {
      HttpResponse<String> r = open.get("/api/v1/applications", null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(open.json(r).path("items").size()).isEqualTo(9);
      assertThat(open.json(open.get("/api/v1/whoami", null)).path("anonymous").asBoolean()).isTrue();
      assertThat(open.post(SHOP + "dev/sync", null, "{}").statusCode()).isEqualTo(403);
      assertThat(open.get("/api/v1/audit", null).statusCode()).isEqualTo(403);
      // A wrong token is still wrong, not anonymous.
      assertThat(open.get("/api/v1/applications", "not-a-token-at-all").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void auditRecordsActionsWithTheirResultAndOnlyAdminsReadIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit/audit.jsonl");
    try (TestServer s = new TestServer(o -> o.withAuditFile(file), Optional.empty())) {
      s.post(SHOP + "dev/sync", ALICE, "{}");
      s.post(SHOP + "dev/rollback", ALICE, "{\"revision\": 42}");
      s.post(SHOP + "dev/sync", ALICE, "{\"dryRun\": true}");
      s.post(SHOP + "prod/pause", VICTOR, null);
      assertThat(s.get("/api/v1/audit", ALICE).statusCode()).isEqualTo(403);
      HttpResponse<String> r = s.get("/api/v1/audit", ADA);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode items = s.json(r).path("items");
      List<String> lines = new ArrayList<>();
      items.forEach(i -> lines.add(String.join(" ", i.path("who").asText(), i.path("action").asText(), i.path("environment").asText(),
          i.path("application").asText(), i.path("result").asText())));
      assertThat(lines).containsExactly(
          "victor pause prod shop forbidden",
          "alice sync-dry-run dev shop done",
          "alice rollback dev shop not-found",
          "alice sync dev shop accepted");
      assertThat(items.get(3).path("revision").asText()).isEqualTo("c0ffee1");
      assertThat(items.get(3).path("time").asText()).isEqualTo("2025-06-01T12:00:00Z");
      String written = Files.readString(file);
      assertThat(written.lines()).hasSize(4);
      for (String token : List.of(TestServer.ALICE, TestServer.VICTOR, TestServer.ADA)) {
        assertThat(written).doesNotContain(token);
        assertThat(r.body()).doesNotContain(token);
        assertThat(s.logText()).doesNotContain(token);
      }
    }
  }

  @Test
  void auditShowsAnAdminOnlyTheEnvironmentsItAdministers() {
    List<java.util.Map<String, Object>> access = List.of(
        java.util.Map.of("group", "platform", "role", "admin", "environments", List.of("dev")),
        java.util.Map.of("group", "developers", "role", "deployer"));
    try (TestServer s = new TestServer(o -> new ServerOptions(o.address(), o.tokens(),
        dev.slipway.server.auth.AccessPolicy.fromList(access, Optional.empty()), null, null, 4, 16, 1 << 20, o.heartbeat(), 100, 8,
        100, o.clock()), Optional.empty())) {
      s.post(SHOP + "dev/pin", ALICE, null);
      s.post(SHOP + "prod/pin", ALICE, null);
      JsonNode items = s.json(s.get("/api/v1/audit", ADA)).path("items");
      assertThat(items).hasSize(1);
      assertThat(items.get(0).path("environment").asText()).isEqualTo("dev");
    }
  }
}
