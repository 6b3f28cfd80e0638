package dev.slipway.sandbox;

import java.time.Duration;

/**
 * How the simulated clusters behave.
 *
 * @param delay how long a rollout, a volume binding, a load balancer or a secret sync takes before
 *     the simulated controller reports it done
 * @param progressDeadline the longest a failing Deployment waits before it reports
 *     {@code ProgressDeadlineExceeded}; a Deployment's own, shorter {@code progressDeadlineSeconds}
 *     wins. Real clusters wait 600 s by default; the sandbox compresses time so a demo shows it.
 * @param region the AWS region load-balancer names are made up for
 */
public record SandboxOptions(Duration delay, Duration progressDeadline, String region) {
  public static final SandboxOptions DEFAULT = new SandboxOptions(Duration.ofSeconds(2), Duration.ofSeconds(30), "us-east-1");

  public SandboxOptions {
    if (delay.isNegative() || progressDeadline.isNegative()) {
      throw new IllegalArgumentException("delays must not be negative");
    }
    region = region == null || region.isBlank() ? "us-east-1" : region;
  }

  public SandboxOptions withDelay(Duration d) {
    return new SandboxOptions(d, progressDeadline, region);
  }

  public SandboxOptions withProgressDeadline(Duration d) {
    return new SandboxOptions(delay, d, region);
  }

  public SandboxOptions withRegion(String r) {
    return new SandboxOptions(delay, progressDeadline, r);
  }
}
