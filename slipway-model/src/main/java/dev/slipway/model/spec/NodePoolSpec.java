package dev.slipway.model.spec;

import java.util.List;

/**
 * A Karpenter-style node pool: which instances the environment may launch and how far it may
 * grow. Rendered as a {@code karpenter.sh/v1} NodePool plus its EC2NodeClass.
 *
 * @param capacityType {@code on-demand} or {@code spot}
 * @param cpuLimit total CPU the pool may provision (a quantity), null for no limit
 * @param memoryLimit total memory the pool may provision (a quantity), null for no limit
 * @param consolidation {@code WhenEmpty} or {@code WhenEmptyOrUnderutilized}
 */
public record NodePoolSpec(
    String name,
    List<String> instanceTypes,
    String capacityType,
    List<String> architectures,
    List<String> zones,
    String cpuLimit,
    String memoryLimit,
    String consolidation,
    String consolidateAfter) {}
