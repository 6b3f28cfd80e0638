package dev.slipway.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario dump under src/test/resources/doctor against the example platform: the finding
 * each broken state must give (analyzer, object, severity), what its explanation and fix say, and
 * the spec file:line (field) its fix names.
 */
class DoctorScenariosTest {
  @TempDir
  static Path tmp;

  /** One broken state and the finding it must give. {@code spec} null: the cause is not in the spec. */
  record Scenario(String dump, String env, String analyzer, String object, String severity, String explains, String fixes, String spec) {
    @Override
    public String toString() {
      return dump;
    }
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario("crashloop-exit-code", "dev", "CrashLoopBackOff", "Deployment/proyecto06/backend", "error",
            "the application fails on start (exit code 1)", "kubectl logs -n proyecto06 backend-7d9f8c6b5d-x2k4q -c backend --previous",
            "apps/proyecto06/app.yaml:19 (components.backend.image)"),
        new Scenario("crashloop-command-not-found", "dev", "CrashLoopBackOff", "Deployment/hello-world/web", "error",
            "its command does not exist in the image (exit code 127", "correct the command",
            "apps/hello-world/app.yaml:11 (components.web.image)"),
        new Scenario("oomkilled-request-limit", "dev", "OOMKilled", "Deployment/proyecto06/backend", "error",
            "more memory than its limit of 128Mi (last seen using 126Mi)", "raise the memory (Slipway sets the limit equal to it) to at least 256Mi",
            "apps/proyecto06/app.yaml:25 (components.backend.resources.memory)"),
        new Scenario("oomkilled-limit-override", "dev", "OOMKilled", "Deployment/flask-otel-app/api", "error",
            "more memory than its limit of 512Mi", "raise the memory limit to at least 1024Mi",
            "apps/flask-otel-app/app.yaml:35 (environments.dev.components.api.resources.limits.memory)"),
        new Scenario("imagepull-tag-not-found", "dev", "ImagePullBackOff", "Deployment/proyecto06/frontend", "error",
            "has no image proyecto06-frontend with tag 1.4.3", "correct the tag at apps/proyecto06/app.yaml:31",
            "apps/proyecto06/app.yaml:31 (components.frontend.image)"),
        new Scenario("imagepull-ecr-unauthorized", "staging", "ImagePullBackOff", "Deployment/proyecto06/backend", "error",
            "refuses the pull: the node has no credentials", "ecr:BatchGetImage",
            "apps/proyecto06/app.yaml:19 (components.backend.image)"),
        new Scenario("imagepull-registry-not-allowed", "dev", "ImagePullBackOff", "Deployment/hello-world/web", "error",
            "The registry is also not one environment dev's policy allows", "use an image from an allowed registry (slipway.yaml:42",
            "apps/hello-world/app.yaml:11 (components.web.image)"),
        new Scenario("pending-request-too-large", "dev", "Pending", "Deployment/reports/trainer", "error",
            "requests more memory than any node environment dev's node pools may launch can give a pod",
            "or allow a larger instance type at slipway.yaml:47 (environments[dev].nodePools[0].instanceTypes)",
            "apps/reports/app.yaml:15 (components.trainer.resources.memory)"),
        new Scenario("pending-nodepool-limits", "prod", "Pending", "Deployment/proyecto06/backend", "error",
            "it has reached its limits", "raise the node pool's limits at slipway.yaml:81",
            "slipway.yaml:81 (environments[prod].nodePools[0].limits)"),
        new Scenario("pending-node-selector", "dev", "Pending", "Deployment/hello-world/web", "error",
            "nodeSelector {acme.example/tier=edge} matches no node and no NodePool's labels", "it was added in the cluster; run slipway sync --env dev --app hello-world",
            null),
        new Scenario("pending-untolerated-taint", "dev", "Pending", "Deployment/flask-otel-app/api", "error",
            "Every node carries a taint the pod does not tolerate", "remove the taint from a NodePool", null),
        new Scenario("probe-readiness-404", "dev", "Probe", "Deployment/proyecto06/backend", "error",
            "answers 404 on /health", "set the probe's path to the application's health endpoint at apps/proyecto06/app.yaml:21",
            "apps/proyecto06/app.yaml:21 (components.backend.probes.readiness)"),
        new Scenario("probe-liveness-connection-refused", "dev", "Probe", "Deployment/flask-otel-app/api", "error",
            "Nothing listens on port 5000 in the container when the liveness probe runs", "make the component's port (apps/flask-otel-app/app.yaml:11",
            "apps/flask-otel-app/app.yaml:11 (components.api.port)"),
        new Scenario("probe-port-not-declared", "staging", "Probe", "Deployment/proyecto06/frontend", "error",
            "checks port 80, which the container does not declare (it declares 8080 (http))", "probe the port the application listens on",
            "apps/proyecto06/app.yaml:32 (components.frontend.port)"),
        new Scenario("service-selector-no-pods", "dev", "Service", "Service/proyecto06/backend", "error",
            "No pod in namespace proyecto06 carries the Service's selector labels", "the live selector differs from the rendered one: run slipway sync",
            null),
        new Scenario("service-pods-not-ready", "dev", "Service", "Service/hello-world/web", "error",
            "pod(s) exist but none is ready", "see the findings about Deployment/hello-world/web", null),
        new Scenario("ingress-group-conflict", "prod", "Ingress", "Ingress/proyecto06/frontend", "error",
            "the Ingresses of group acme-public ask for conflicting settings", "give this application's ingress its own group at slipway.yaml:10",
            "slipway.yaml:10 (spec.addons.ingress)"),
        new Scenario("ingress-no-subnets", "dev", "Ingress", "Ingress/hello-world/web", "error",
            "finds no subnets to put the ALB in", "kubernetes.io/role/elb=1", null),
        new Scenario("hpa-no-metrics", "staging", "Autoscaling", "HorizontalPodAutoscaler/proyecto06/backend", "error",
            "cannot read Deployment/backend's CPU or memory from the resource metrics API", "install metrics-server",
            "apps/proyecto06/app.yaml:26 (components.backend.autoscaling)"),
        new Scenario("scaledobject-prometheus-unreachable", "staging", "Autoscaling", "ScaledObject/flask-otel-app/api", "error",
            "KEDA cannot reach the metrics server its trigger queries", "point the Prometheus address at a server KEDA can reach at slipway.yaml:25",
            "slipway.yaml:25 (spec.addons.metrics.prometheusAddress)"),
        new Scenario("externalsecret-access-denied", "dev", "ExternalSecret", "ExternalSecret/proyecto06/backend-secrets", "error",
            "to the store's IAM role arn:aws:iam::123456789012:role/acme-dev-proyecto06-secrets: the role has no secretsmanager:GetSecretValue on it",
            "allow secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:proyecto06/database-url-?????? to arn:aws:iam::123456789012:role/acme-dev-proyecto06-secrets",
            "slipway.yaml:20 (spec.addons.secrets.roleArn)"),
        new Scenario("externalsecret-not-found", "dev", "ExternalSecret", "ExternalSecret/hello-world/web-secrets", "error",
            "The secret eks-observability-app-secret does not exist in AWS Secrets Manager (us-east-1)",
            "create eks-observability-app-secret in Secrets Manager in us-east-1, or correct the key at apps/hello-world/app.yaml:16",
            "apps/hello-world/app.yaml:16 (components.web.secrets.API_KEY)"),
        new Scenario("pvc-storage-class-missing", "dev", "PersistentVolumeClaim", "PersistentVolumeClaim/proyecto06/data-database-0", "error",
            "asks for storage class gp3, which does not exist in the cluster", "create the StorageClass gp3",
            "slipway.yaml:29 (spec.addons.storage.class)"),
        new Scenario("cronjob-last-runs-failed", "dev", "CronJob", "CronJob/reports/nightly", "error",
            "The last 3 runs failed: each ran longer than its active deadline (1800s)", "raise activeDeadlineSeconds at apps/reports/app.yaml:11",
            "apps/reports/app.yaml:11 (components.nightly.schedule.activeDeadlineSeconds)"),
        new Scenario("pdb-blocks-every-eviction", "prod", "PodDisruptionBudget", "PodDisruptionBudget/proyecto06/backend", "error",
            "allows no eviction even with every pod healthy (minAvailable 3 of 3 pods)",
            "the live budget differs from the rendered one (maxUnavailable 1): run slipway sync --env prod --app proyecto06", null),
        new Scenario("pdb-unhealthy-pods", "prod", "PodDisruptionBudget", "PodDisruptionBudget/proyecto06/frontend", "warning",
            "Only 2 of 3 pods are healthy and the budget needs 2", "make the unhealthy pods healthy", null),
        new Scenario("rollout-progress-deadline", "staging", "Rollout", "Deployment/proyecto06/backend", "error",
            "did not become available within the progress deadline", "roll back with slipway rollback --env staging --app proyecto06",
            "apps/proyecto06/app.yaml:19 (components.backend.image)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void eachBrokenStateGivesItsFindingWithExplanationAndFix(Scenario s) {
    List<Finding> findings = DoctorFixtures.diagnose(DoctorFixtures.platformWithReports(tmp.resolve(s.dump())), s.env(), s.dump());
    assertThat(findings).as("findings of " + s.dump()).anySatisfy(f -> {
      assertThat(f.analyzer()).isEqualTo(s.analyzer());
      assertThat(f.object().toString()).isEqualTo(s.object());
      assertThat(f.severity().label()).isEqualTo(s.severity());
      assertThat(f.explanation()).contains(s.explains());
      assertThat(f.fix()).contains(s.fixes());
      assertThat(f.spec() == null ? null : f.spec().toString()).isEqualTo(s.spec());
      assertThat(f.evidence()).isNotEmpty();
    });
  }

  @Test
  void aHealthyEnvironmentHasNoFinding() {
    assertThat(DoctorFixtures.diagnose(DoctorFixtures.EXAMPLE, "dev", "healthy")).isEmpty();
  }

  @Test
  void everyAnalyzerHasAScenario() {
    assertThat(scenarios().map(Scenario::analyzer).distinct().toList()).containsExactlyInAnyOrderElementsOf(Doctor.analyzers());
  }
}
