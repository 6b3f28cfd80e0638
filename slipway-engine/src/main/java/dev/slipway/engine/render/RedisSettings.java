package dev.slipway.engine.render;

import dev.slipway.engine.capacity.Resources;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.spec.ComponentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * How a redis component's server is started. The password is passed as {@code $(REDIS_PASSWORD)},
 * which the kubelet expands from the container's secret-backed variable: the rendered manifest
 * never holds it. {@code maxmemory} is three quarters of the memory limit, leaving the rest for
 * the server's own overhead and copy-on-write during a save, so that a full cache evicts keys
 * (least recently used first) instead of being killed for exceeding its limit.
 */
final class RedisSettings {
  private RedisSettings() {}

  static boolean persistent(ComponentSpec c) {
    return c.storage() != null && c.storage().size() != null;
  }

  static List<String> args(ComponentSpec c) {
    List<String> a = new ArrayList<>(List.of("--requirepass", "$(" + ComponentResolver.REDIS_PASSWORD + ")", "--dir", WorkloadRenderer.REDIS_DATA));
    String limit = c.resources().memoryLimit();
    if (limit != null) {
      long mib = Resources.memoryMiB(limit);
      a.addAll(List.of("--maxmemory", Math.max(1, mib * 3 / 4) + "mb", "--maxmemory-policy", "allkeys-lru"));
    }
    if (persistent(c)) {
      a.addAll(List.of("--appendonly", "yes"));
    } else {
      a.addAll(List.of("--save", "", "--appendonly", "no"));
    }
    a.addAll(c.args());
    return a;
  }
}
