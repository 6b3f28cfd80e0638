package dev.slipway.kube.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which shard an application belongs to: a stable hash of its name (the first 8 bytes of its
 * SHA-256), modulo the number of shards. Stable across processes, JVMs and restarts, so every
 * replica computes the same split; adding an application moves no other.
 */
public final class Shards {
  private Shards() {}

  /** The shard, in {@code [0, count)}, of {@code application}. */
  public static int of(String application, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("shard count must be at least 1, got " + count);
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(application.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xff);
      }
      return (int) Long.remainderUnsigned(h, count);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The shard of a replica named as a StatefulSet names its pods ({@code slipway-2} → 2), modulo
   * {@code count}; -1 when the name has no ordinal.
   */
  public static int ofOrdinal(String podName, int count) {
    int dash = podName.lastIndexOf('-');
    if (dash < 0 || dash == podName.length() - 1) {
      return -1;
    }
    try {
      return Integer.parseInt(podName.substring(dash + 1)) % count;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
