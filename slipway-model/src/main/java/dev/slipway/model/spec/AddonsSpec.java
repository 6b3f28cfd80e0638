package dev.slipway.model.spec;

/**
 * The cluster add-ons an environment has, which decide what Slipway renders for an application:
 * ALB Ingress annotations, External Secrets objects, ServiceMonitors and dashboards, KEDA
 * ScaledObjects, the storage class of volumes.
 */
public record AddonsSpec(
    IngressAddon ingress, SecretsAddon secrets, MetricsAddon metrics, AutoscalingAddon autoscaling, StorageAddon storage) {

  /** AWS Load Balancer Controller (class {@code alb}) or another ingress controller. */
  public record IngressAddon(
      String className,
      String scheme,
      String targetType,
      String certificateArn,
      String group,
      String controllerNamespace,
      java.util.List<String> sourceCidrs) {

    public boolean isAlb() {
      return "alb".equals(className);
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
