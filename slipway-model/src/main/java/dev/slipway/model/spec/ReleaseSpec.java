package dev.slipway.model.spec;

import dev.slipway.model.Position;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A release: an immutable record of what ran in an environment when it was promoted onwards, as
 * Kargo's freight is. Promotion never re-resolves a tag: the environment it is promoted to renders
 * exactly these image references (by digest when the digest was known). Kept in Git as
 * {@code releases/<env>/<app>.yaml}, so that an environment's state is in the platform repository.
 *
 * @param id a name derived from the content ({@link #idOf}): the same release read twice has the
 *     same id, so approvals can be bound to it
 * @param environment where this release runs (the environment it was promoted to)
 * @param from the upstream environment it was taken from
 * @param commit the platform commit the upstream environment was synced from, or null
 * @param configHash the hash of the upstream environment's rendered objects, as its history records it
 * @param created when the release was taken from upstream (ISO-8601, UTC)
 * @param promoted when it was promoted to {@code environment}, or null for a candidate
 * @param images component → image it runs
 * @param position where the release file starts (for errors)
 */
public record ReleaseSpec(
    String id,
    String application,
    String environment,
    String from,
    String commit,
    String configHash,
    String created,
    String createdBy,
    String promoted,
    String promotedBy,
    String reason,
    SortedMap<String, ReleaseImage> images,
    Position position) {

  public ReleaseSpec {
    images = images == null ? new TreeMap<>() : new TreeMap<>(images);
    position = position == null ? Position.NONE : position;
  }

  /**
   * One component's image.
   *
   * @param image the reference the environment runs: {@code repo:tag@sha256:…} when the digest is known
   * @param digest the digest the upstream pods ran ({@code sha256:…}), or null when it could not be read
   */
  public record ReleaseImage(String image, String digest) {
    /** The reference pinned to {@code digest} when there is one (a tag kept for people, the digest for the kubelet). */
    public static ReleaseImage of(String rendered, String digest) {
      if (digest == null || rendered.contains("@")) {
        return new ReleaseImage(rendered, rendered.contains("@") ? rendered.substring(rendered.indexOf('@') + 1) : null);
      }
      return new ReleaseImage(rendered + "@" + digest, digest);
    }

    public boolean digestKnown() {
      return digest != null;
    }
  }

  /** The same release, promoted to {@code target} by {@code who} at {@code when}. */
  public ReleaseSpec promotedTo(String target, String when, String who, String why) {
    return new ReleaseSpec(id, application, target, from, commit, configHash, created, createdBy, when, who, why, images, Position.NONE);
  }

  /** A content id: application, source, commit, configuration hash and images; never times or people. */
  public static String idOf(String application, String from, String commit, String configHash, Map<String, ReleaseImage> images) {
    StringBuilder text = new StringBuilder();
    text.append(application).append('\n').append(from).append('\n').append(commit).append('\n').append(configHash).append('\n');
    new TreeMap<>(images).forEach((c, i) -> text.append(c).append('=').append(i.image()).append('\n'));
    try {
      byte[] sum = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return "r-" + HexFormat.of().formatHex(sum).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
