package dev.slipway.server.webhook;

import java.util.List;

/** What a forge's webhook delivery turned out to be. */
public sealed interface WebhookDelivery {

  /** The forge that sent it: {@code github}, {@code gitlab} or {@code gitea}. */
  String forge();

  /** A push to a branch, verified. */
  record Push(String forge, String branch, String commit, List<String> paths) implements WebhookDelivery {
    public Push {
      paths = List.copyOf(paths);
    }
  }

  /** A forge checking the hook works (GitHub's {@code ping}). */
  record Ping(String forge) implements WebhookDelivery {}

  /** Verified, but nothing to do: another event type, a tag, a deleted branch. */
  record Ignored(String forge, String reason) implements WebhookDelivery {}

  /**
   * Refused: not verifiable, or not a payload Slipway reads.
   *
   * @param status 400 for a malformed payload, 401 for a missing or wrong signature or token
   */
  record Rejected(String forge, int status, String code, String message) implements WebhookDelivery {}
}
