package dev.slipway.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.server.webhook.GitWebhook;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookTest {
  private static final String SECRET = "s3cret-shared-with-the-forge";
  private static final String PUSH = """
      {"ref": "refs/heads/main", "before": "a1", "after": "b2b2b2b",
       "commits": [
         {"id": "1", "added": ["apps/shop/app.yaml"], "modified": [], "removed": []},
         {"id": "2", "added": [], "modified": ["apps/billing/app.yaml"], "removed": ["apps/shop/old.yaml"]}]}
      """;

  private static TestServer signed() {
    return new TestServer(o -> o.withWebhookSecret(SECRET), Optional.empty());
  }

  private static String hmac(String secret, String body) {
    return HexFormat.of().formatHex(GitWebhook.hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> deliver(TestServer s, String body, String... headers) {
    HttpRequest.Builder b = s.request("/api/v1/webhooks/git", null).header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return s.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void githubPushWithAValidSignatureReachesTheControlPlane() {
    try (TestServer s = signed()) {
      HttpResponse<String> r = deliver(s, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, PUSH));
      assertThat(r.statusCode()).isEqualTo(202);
      assertThat(s.json(r).path("applications").toString()).isEqualTo("[\"billing\",\"shop\"]");
      assertThat(s.plane.pushes()).containsExactly("main b2b2b2b apps/billing/app.yaml,apps/shop/app.yaml,apps/shop/old.yaml");
    }
  }

  @Test
  void gitlabPushWithTheRightTokenIsAcceptedAndAWrongOneRefused() {
    try (TestServer s = signed()) {
      assertThat(deliver(s, PUSH, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET).statusCode()).isEqualTo(202);
      HttpResponse<String> wrong = deliver(s, PUSH, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET + "x");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(s.json(wrong).path("error").path("code").asText()).isEqualTo("bad-signature");
      assertThat(s.plane.pushes()).hasSize(1);
    }
  }

  @Test
  void giteaPushWithAValidHexSignatureIsAcceptedEvenWithGithubHeadersAlongside() {
    try (TestServer s = signed()) {
      HttpResponse<String> r = deliver(s, PUSH, "X-Gitea-Event", "push", "X-Gitea-Signature", hmac(SECRET, PUSH),
          "X-GitHub-Event", "push");
      assertThat(r.statusCode()).isEqualTo(202);
      assertThat(s.plane.pushes()).hasSize(1);
    }
  }

  @Test
  void wrongSignaturesAreRefusedForEveryForgeAndNothingIsPushed() {
    try (TestServer s = signed()) {
      String forged = hmac("another-secret", PUSH);
      assertThat(deliver(s, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + forged).statusCode()).isEqualTo(401);
      assertThat(deliver(s, PUSH, "X-Gitea-Event", "push", "X-Gitea-Signature", forged).statusCode()).isEqualTo(401);
      // A valid signature of another body does not sign this one.
      String tampered = PUSH.replace("b2b2b2b", "e7e7e7e");
      assertThat(deliver(s, tampered, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, PUSH)).statusCode())
          .isEqualTo(401);
      assertThat(deliver(s, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=zz").statusCode()).isEqualTo(401);
      assertThat(s.plane.pushes()).isEmpty();
    }
  }

  @Test
  void unsignedDeliveriesAreRefusedWhenASecretIsConfigured() {
    try (TestServer s = signed()) {
      HttpResponse<String> r = deliver(s, PUSH, "X-GitHub-Event", "push");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(s.json(r).path("error").path("message").asText()).contains("not signed");
      assertThat(deliver(s, PUSH, "X-Gitlab-Event", "Push Hook").statusCode()).isEqualTo(401);
      assertThat(deliver(s, PUSH, "X-Gitea-Event", "push").statusCode()).isEqualTo(401);
      assertThat(s.plane.pushes()).isEmpty();
    }
  }

  @Test
  void unsignedDeliveriesAreAcceptedWhenNoSecretIsConfigured() {
    try (TestServer s = new TestServer()) {
      assertThat(deliver(s, PUSH, "X-GitHub-Event", "push").statusCode()).isEqualTo(202);
      assertThat(s.plane.pushes()).hasSize(1);
    }
  }

  @Test
  void pingIsAnsweredAndOtherEventsTagsAndOtherBranchesAreIgnored() {
    try (TestServer s = signed()) {
      String ping = "{\"zen\": \"Keep it logically awesome.\", \"hook_id\": 1}";
      HttpResponse<String> pong = deliver(s, ping, "X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, ping));
      assertThat(pong.statusCode()).isEqualTo(200);
      assertThat(s.json(pong).path("status").asText()).isEqualTo("pong");
      String issue = "{\"action\": \"opened\"}";
      HttpResponse<String> other = deliver(s, issue, "X-GitHub-Event", "issues", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, issue));
      assertThat(s.json(other).path("status").asText()).isEqualTo("ignored");
      String tag = PUSH.replace("refs/heads/main", "refs/tags/v1");
      assertThat(s.json(deliver(s, tag, "X-Gitea-Event", "push", "X-Gitea-Signature", hmac(SECRET, tag))).path("status").asText())
          .isEqualTo("ignored");
      String feature = PUSH.replace("refs/heads/main", "refs/heads/feature");
      HttpResponse<String> branch = deliver(s, feature, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET);
      assertThat(branch.statusCode()).isEqualTo(200);
      assertThat(s.json(branch).path("status").asText()).isEqualTo("ignored");
      assertThat(s.plane.pushes()).containsExactly("feature b2b2b2b apps/billing/app.yaml,apps/shop/app.yaml,apps/shop/old.yaml");
    }
  }

  @Test
  void malformedPayloadsAre400AndTheServerStillAnswers() {
    try (TestServer s = signed()) {
      String broken = "{\"ref\": \"refs/heads/main\", ";
      HttpResponse<String> bad = deliver(s, broken, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, broken));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(s.json(bad).path("error").path("code").asText()).isEqualTo("bad-json");
      String noRef = "{\"commits\": []}";
      assertThat(deliver(s, noRef, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, noRef)).statusCode())
          .isEqualTo(400);
      String array = "[1, 2]";
      assertThat(deliver(s, array, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, array)).statusCode())
          .isEqualTo(400);
      assertThat(deliver(s, PUSH).statusCode()).isEqualTo(400);
      assertThat(s.plane.pushes()).isEmpty();
      assertThat(s.get("/healthz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void oversizedPayloadIs413() {
    try (TestServer s = new TestServer(o -> o.withWebhookSecret(SECRET).withMaxBodyBytes(1024), Optional.empty())) {
      String big = "{\"ref\": \"refs/heads/main\", \"after\": \"b2\", \"pad\": \"" + "x".repeat(4096) + "\"}";
      HttpResponse<String> r = deliver(s, big, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, big));
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(s.plane.pushes()).isEmpty();
      assertThat(s.get("/healthz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void webhookDeliveriesAreAuditedUnderTheForgesName() {
    try (TestServer s = signed()) {
      deliver(s, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, PUSH));
      deliver(s, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=00");
      var items = s.json(s.get("/api/v1/audit", TestServer.ADA)).path("items");
      assertThat(items.get(0).path("who").asText() + " " + items.get(0).path("result").asText()).isEqualTo("webhook:github rejected");
      assertThat(items.get(1).path("revision").asText()).isEqualTo("b2b2b2b");
      assertThat(s.get("/api/v1/audit", TestServer.ADA).body()).doesNotContain(SECRET);
    }
  }
}
