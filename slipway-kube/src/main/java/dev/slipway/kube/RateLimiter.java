package dev.slipway.kube;

/**
 * A token bucket, as client-go's client-side rate limiter: up to {@code burst} requests at once,
 * refilled at {@code qps} per second. Shared by every request of one client, across threads, so a
 * large platform synced in parallel cannot flood an API server.
 */
public final class RateLimiter {
  private final double qps;
  private final double burst;
  private double tokens;
  private long last;

  public RateLimiter(double qps, int burst) {
    if (qps <= 0 || burst < 1) {
      throw new IllegalArgumentException("qps must be positive and burst at least 1");
    }
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.last = System.nanoTime();
  }

  /** Waits for a token. */
  public void acquire() {
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
      last = now;
      tokens -= 1;
      waitNanos = tokens >= 0 ? 0 : (long) (-tokens / qps * 1e9);
    }
    if (waitNanos > 0) {
      try {
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while rate-limited", e);
      }
    }
  }
}
