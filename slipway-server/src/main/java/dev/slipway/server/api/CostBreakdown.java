package dev.slipway.server.api;

import java.math.BigDecimal;
import java.util.List;

/** The estimated monthly cost of an application in one environment, by component. */
public record CostBreakdown(BigDecimal monthlyTotal, String currency, List<Item> items) {
  public CostBreakdown {
    items = items == null ? List.of() : List.copyOf(items);
  }

  /**
   * @param cpu requested CPU of all replicas, in cores
   * @param memoryGiB requested memory of all replicas, in GiB
   */
  public record Item(String component, int replicas, double cpu, double memoryGiB, BigDecimal monthly) {}
}
