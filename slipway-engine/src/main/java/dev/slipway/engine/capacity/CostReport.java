package dev.slipway.engine.capacity;

import java.util.List;
import java.util.SortedMap;

/**
 * The estimated monthly cost of one environment at minimum and at maximum replicas, line by line,
 * with each application's share and the assumptions behind the numbers.
 */
public record CostReport(
    String environment, Catalog catalog, Scenario atMin, Scenario atMax, List<Consolidation.Drain> consolidation,
    List<String> notes) {

  /** One scenario (floor or ceiling): where pods go and what it costs. */
  public record Scenario(CapacityPlan capacity, List<Line> lines, SortedMap<String, Double> perApplication, double shared) {
    public double total() {
      return lines.stream().mapToDouble(Line::monthly).sum();
    }

    public double line(String category) {
      return lines.stream().filter(l -> l.category().equals(category)).mapToDouble(Line::monthly).sum();
    }
  }

  /** A cost category, how it was counted, and its monthly amount. */
  public record Line(String category, String detail, double monthly) {}

  public static final List<String> CATEGORIES = List.of(
      "nodes", "system nodes", "EKS control plane", "load balancers", "NAT gateways", "EBS volumes", "Secrets Manager",
      "managed Prometheus");
}
