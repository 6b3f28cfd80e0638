package dev.slipway.model.spec;

/**
 * The cluster add-ons an environment has, which decide what Slipway renders for an application:
 * ALB Ingress annotations, External Secrets objects, ServiceMonitors and dashboards, KEDA
 * ScaledObjects, the storage class of volumes.
 */
public record AddonsSpec(
    IngressAddon ingress, SecretsAddon secrets, MetricsAddon metrics, AutoscalingAddon autoscaling, StorageAddon storage) {

  /**
   * AWS Load Balancer Controller (class {@code alb}) or another ingress controller.
   *
   * @param sourceCidrs where traffic to ingress-backed pods may come from, for NetworkPolicies
   * @param subnetCidrs the ALB's subnets: with target type ip the ALB reaches pods from addresses
   *     in these, so when set the NetworkPolicy admits only them; empty when not given
   * @param ipAddressType {@code ipv4} or {@code dualstack}; null leaves the controller's default
   * @param sslPolicy the HTTPS listener's security policy; null leaves the controller's default
   * @param inboundCidrs the clients the ALB accepts ({@code inbound-cidrs}); empty for anyone
   */
  public record IngressAddon(
      String className,
      String scheme,
      String targetType,
      String certificateArn,
      String group,
      String controllerNamespace,
      java.util.List<String> sourceCidrs,
      java.util.List<String> subnetCidrs,
      String ipAddressType,
      String sslPolicy,
      java.util.List<String> inboundCidrs) {

    public boolean isAlb() {
      return "alb".equals(className);
    }

    /** ALB sending straight to pod IPs: pods need readiness gates and a drain on shutdown. */
    public boolean albToPods() {
      return isAlb() && "ip".equals(targetType);
    }
  }

  /**
   * External Secrets Operator with a provider store.
   *
   * @param provider {@code aws-secretsmanager} or {@code aws-parameterstore}
   * @param roleArn IAM role for the store's service account; {@code {app}}/{@code {env}} replaced
   */
  public record SecretsAddon(String provider, String storeName, String region, String refreshInterval, String roleArn) {}

  /** Prometheus Operator objects: ServiceMonitor, PrometheusRule, Grafana dashboard ConfigMaps. */
  public record MetricsAddon(
      boolean serviceMonitor,
      boolean alerts,
      boolean dashboards,
      String interval,
      String namespace,
      String prometheusAddress) {}

  /** KEDA for event-driven and scheduled scaling; plain HPA otherwise. */
  public record AutoscalingAddon(boolean keda) {}

  public record StorageAddon(String storageClass) {}
}
