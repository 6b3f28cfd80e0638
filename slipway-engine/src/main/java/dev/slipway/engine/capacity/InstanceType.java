package dev.slipway.engine.capacity;

/**
 * An EC2 instance type as Karpenter sees it, with allocatable computed the way EKS's AL2023 AMI
 * and Karpenter compute it: capacity less 7.5% VM memory overhead, kube-reserved CPU (6% of the
 * first core, 1% of the second, 0.5% of the next two, 0.25% beyond), kube-reserved memory
 * (11 MiB per schedulable pod + 255 MiB) and the 100 MiB memory eviction threshold.
 *
 * @param onDemandPerHour USD per hour, Linux, on-demand
 */
public record InstanceType(String name, int vcpu, long memoryMiB, int maxPods, double onDemandPerHour) {

  public static final double VM_MEMORY_OVERHEAD = 0.075;
  public static final long EVICTION_MEMORY_MIB = 100;

  public long allocatableCpuMillis() {
    return vcpu * 1000L - kubeReservedCpuMillis(vcpu);
  }

  public long allocatableMemoryMiB() {
    long afterOverhead = (long) Math.floor(memoryMiB * (1 - VM_MEMORY_OVERHEAD));
    return afterOverhead - kubeReservedMemoryMiB() - EVICTION_MEMORY_MIB;
  }

  public long kubeReservedMemoryMiB() {
    return 11L * maxPods + 255;
  }

  /** kube-reserved CPU in millicores for a node with {@code vcpu} cores. */
  static long kubeReservedCpuMillis(int vcpu) {
    double cores = vcpu;
    double reserved = Math.min(cores, 1) * 60
        + Math.max(0, Math.min(cores, 2) - 1) * 10
        + Math.max(0, Math.min(cores, 4) - 2) * 5
        + Math.max(0, cores - 4) * 2.5;
    return Math.round(reserved);
  }

  /** USD per hour for a capacity type, with spot priced as a fraction of on-demand. */
  public double pricePerHour(String capacityType, double spotPriceRatio) {
    return "spot".equals(capacityType) ? onDemandPerHour * spotPriceRatio : onDemandPerHour;
  }
}
