package dev.slipway.engine.capacity;

import java.util.List;

/**
 * What a node pool may launch: instance types (resolved in the catalogue), capacity type, zones,
 * and the most CPU (millicores) and memory (MiB) all its nodes together may have; null for none.
 */
public record NodePoolCapacity(
    String name, List<InstanceType> types, String capacityType, List<String> zones, Long cpuLimitMillis, Long memoryLimitMiB,
    String consolidation) {}
