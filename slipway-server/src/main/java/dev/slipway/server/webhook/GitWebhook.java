package dev.slipway.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads push webhooks of GitHub, GitLab and Gitea: which forge sent it (by its event header),
 * whether it is genuine, and what was pushed. Pure: headers and body in, a {@link WebhookDelivery}
 * out.
 *
 * <p>Verification, when a secret is configured (then an unsigned delivery is refused):
 * <ul>
 *   <li>GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}
 *   <li>Gitea: {@code X-Gitea-Signature: <hex HMAC-SHA256 of the body>} (Gitea also sends GitHub's
 *       headers; its own are checked first)
 *   <li>GitLab: {@code X-Gitlab-Token: <the secret>} (GitLab does not sign bodies)
 * </ul>
 * Comparisons are constant-time ({@link MessageDigest#isEqual}); the GitLab token is hashed first
 * so that its length does not leak either.
 */
public final class GitWebhook {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ZERO_COMMIT = "0000000000000000000000000000000000000000";

  private final byte[] secret;

  /** @param secret the shared secret, or null to accept unsigned deliveries */
  public GitWebhook(String secret) {
    this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
  }

  public boolean verifies() {
    return secret != null;
  }

  /**
   * @param header a case-insensitive header lookup returning null when absent
   */
  public WebhookDelivery read(Function<String, String> header, byte[] body) {
    String gitea = header.apply("X-Gitea-Event");
    String gitlab = header.apply("X-Gitlab-Event");
    String github = header.apply("X-GitHub-Event");
    if (gitea != null) {
      return read("gitea", gitea, "push", verifyHex("gitea", header.apply("X-Gitea-Signature"), "", body), body);
    }
    if (gitlab != null) {
      return read("gitlab", gitlab, "Push Hook", verifyToken(header.apply("X-Gitlab-Token")), body);
    }
    if (github != null) {
      return read("github", github, "push", verifyHex("github", header.apply("X-Hub-Signature-256"), "sha256=", body), body);
    }
    return new WebhookDelivery.Rejected("unknown", 400, "unknown-forge",
        "no X-GitHub-Event, X-Gitlab-Event or X-Gitea-Event header: not a push webhook Slipway reads");
  }

  private WebhookDelivery read(String forge, String event, String pushEvent, String verifyProblem, byte[] body) {
    if (verifyProblem != null) {
      return new WebhookDelivery.Rejected(forge, 401, "bad-signature", verifyProblem);
    }
    if (forge.equals("github") && event.equals("ping")) {
      return new WebhookDelivery.Ping(forge);
    }
    if (!event.equals(pushEvent)) {
      return new WebhookDelivery.Ignored(forge, "event '" + event + "' is not a push");
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(body);
    } catch (IOException e) {
      return new WebhookDelivery.Rejected(forge, 400, "bad-json", "the payload is not JSON");
    }
    if (payload == null || !payload.isObject()) {
      return new WebhookDelivery.Rejected(forge, 400, "bad-payload", "the payload is not a JSON object");
    }
    String ref = payload.path("ref").asText("");
    String after = payload.path("after").asText("");
    if (ref.isEmpty() || after.isEmpty()) {
      return new WebhookDelivery.Rejected(forge, 400, "bad-payload", "a push payload needs 'ref' and 'after'");
    }
    if (!ref.startsWith("refs/heads/")) {
      return new WebhookDelivery.Ignored(forge, "ref " + ref + " is not a branch");
    }
    if (after.equals(ZERO_COMMIT)) {
      return new WebhookDelivery.Ignored(forge, "branch " + ref.substring(11) + " was deleted");
    }
    TreeSet<String> paths = new TreeSet<>();
    for (JsonNode commit : payload.path("commits")) {
      for (String field : List.of("added", "modified", "removed")) {
        commit.path(field).forEach(p -> {
          if (p.isTextual()) {
            paths.add(p.asText());
          }
        });
      }
    }
    return new WebhookDelivery.Push(forge, ref.substring("refs/heads/".length()), after, List.copyOf(paths));
  }

  /** Null when genuine, else why not. */
  private String verifyHex(String forge, String signature, String prefix, byte[] body) {
    if (secret == null) {
      return null;
    }
    if (signature == null || signature.isBlank()) {
      return "the delivery is not signed, and a webhook secret is configured";
    }
    String s = signature.trim().toLowerCase(Locale.ROOT);
    if (!s.startsWith(prefix)) {
      return "the signature does not start with '" + prefix + "'";
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(s.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      return "the signature is not hexadecimal";
    }
    return MessageDigest.isEqual(hmacSha256(secret, body), given) ? null : "the " + forge + " signature does not match the body";
  }

  private String verifyToken(String token) {
    if (secret == null) {
      return null;
    }
    if (token == null || token.isEmpty()) {
      return "the delivery has no X-Gitlab-Token, and a webhook secret is configured";
    }
    return MessageDigest.isEqual(sha256(secret), sha256(token.getBytes(StandardCharsets.UTF_8))) ? null
        : "the X-Gitlab-Token does not match";
  }

  /** HMAC-SHA256 as the forges compute it; public for tests and for tools that sign deliveries. */
  public static byte[] hmacSha256(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
