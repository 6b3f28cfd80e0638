package dev.slipway.engine.capacity;

/**
 * Replicas of one workload, which schedule alike.
 *
 * @param workload {@code Kind/name} of the workload, for reports
 * @param spreadZones whether replicas spread over zones (topology spread on the zone key)
 * @param onePerNode whether replicas repel each other (required pod anti-affinity on the hostname)
 */
public record PodGroup(
    String application, String component, String workload, long cpuMillis, long memoryMiB, int count,
    boolean spreadZones, boolean onePerNode) {

  public PodGroup withCount(int n) {
    return new PodGroup(application, component, workload, cpuMillis, memoryMiB, n, spreadZones, onePerNode);
  }
}
