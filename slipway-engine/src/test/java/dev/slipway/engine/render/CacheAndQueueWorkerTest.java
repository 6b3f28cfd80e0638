package dev.slipway.engine.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.aws.IamPolicies;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code redis} type (one cache, password from the secret store) and a {@code worker}
 * consuming an SQS queue (KEDA's aws-sqs-queue trigger, acting as the workload's IAM role, whose
 * policy gains exactly that queue): {@code examples/orders}, whose environments give every
 * application a role of its own.
 */
class CacheAndQueueWorkerTest {
  static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-{env}";
  static final String PROD_QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-prod";

  @TempDir
  Path dir;

  /** The example's platform with {@code appYaml} as its one application. */
  private Path platform(String appYaml) throws IOException {
    Files.copy(EXAMPLE.resolve("slipway.yaml"), dir.resolve("slipway.yaml"), StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(dir.resolve("apps/orders"));
    Files.writeString(dir.resolve("apps/orders/app.yaml"), appYaml);
    return dir;
  }

  static final Path EXAMPLE = Path.of("..", "examples", "orders");
  private static final String APP = read(EXAMPLE.resolve("apps/orders/app.yaml"));

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Plan plan(String app) throws IOException {
    return new Planner().plan(Workspace.load(app.equals(APP) ? EXAMPLE : platform(app)), Planner.Scope.ALL);
  }

  private static ApplicationPlan app(Plan plan, String env) {
    return plan.environments().stream().filter(e -> e.name().equals(env)).findFirst().orElseThrow().applications().get(0);
  }

  private static JsonNode only(ApplicationPlan app, String kind, String name) {
    return app.bundle().objects().stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name)).body();
  }

  @Test
  void aWorkerWithDefaultSettingsAndACachePlanCleanInProductionUnderTheBaselinePolicy() throws IOException {
    Plan plan = plan(APP);
    assertThat(plan.specDiagnostics()).filteredOn(Diagnostic::isError).isEmpty();
    assertThat(plan.allDiagnostics()).filteredOn(Diagnostic::isError).isEmpty();
    assertThat(plan.hasValidationErrors()).isFalse();
    assertThat(plan.enforcedViolations()).isZero();
    assertThat(plan.blocked()).isFalse();
    assertThat(app(plan, "prod").policy()).isNotEmpty().allMatch(f -> f.outcome().name().equals("PASS"));
    assertThat(app(plan, "prod").policy()).extracting(f -> f.rule()).contains("require-min-replicas-prod", "require-pdb-prod",
        "require-probes", "require-requests-limits");
    assertThat(plan.environments().stream().filter(e -> e.name().equals("prod")).findFirst().orElseThrow().enforced()).isTrue();
  }

  @Test
  void redisIsOneStatefulSetWithAHeadlessServiceAndItsPasswordFromTheStoreEvenWhereTheEnvironmentDefaultsToThreeReplicas()
      throws IOException {
    ApplicationPlan prod = app(plan(APP), "prod");
    JsonNode sts = only(prod, "StatefulSet", "cache");
    assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(1);
    JsonNode container = sts.at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("docker.io/library/redis:7.4-alpine");
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    // 256Mi limit (= request): three quarters for keys, evicting least recently used; no persistence without storage.
    assertThat(args).containsSubsequence("--requirepass", "$(REDIS_PASSWORD)")
        .containsSubsequence("--maxmemory", "192mb", "--maxmemory-policy", "allkeys-lru")
        .containsSubsequence("--save", "", "--appendonly", "no");
    assertThat(container.path("env").toString()).contains("\"secretKeyRef\"").contains("REDIS_PASSWORD").doesNotContain("redis-password\"}");
    assertThat(sts.at("/spec/volumeClaimTemplates").isMissingNode()).isTrue();
    assertThat(sts.at("/spec/template/spec/volumes").toString()).contains("{\"name\":\"data\",\"emptyDir\":{}}");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    JsonNode service = only(prod, "Service", "cache");
    assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(service.at("/spec/ports/0/name").asText()).isEqualTo("redis");
    assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(6379);
    // Only the component that depends on the cache may reach it.
    assertThat(only(prod, "NetworkPolicy", "cache").toString()).contains("\"app.kubernetes.io/name\":\"processor\"");
    assertThat(only(prod, "ExternalSecret", "cache-secrets").toString()).contains("orders/redis-password");
  }

  @Test
  void aCacheWithStorageKeepsAnAppendOnlyFileOnAVolume() throws IOException {
    String app = APP.replace("secrets: {REDIS_PASSWORD: orders/redis-password}\n    processor",
        "secrets: {REDIS_PASSWORD: orders/redis-password}\n      storage: {size: 2Gi}\n    processor");
    assertThat(app).isNotEqualTo(APP);
    JsonNode sts = only(app(plan(app), "dev"), "StatefulSet", "cache");
    assertThat(sts.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("2Gi");
    assertThat(sts.at("/spec/template/spec/containers/0/args").toString()).contains("\"--appendonly\",\"yes\"").doesNotContain("--save");
  }

  @Test
  void theWorkerIsScaledByKedaOnItsQueueAsTheWorkloadWithTheEnvironmentsFloor() throws IOException {
    ApplicationPlan prod = app(plan(APP), "prod");
    JsonNode so = only(prod, "ScaledObject", "processor");
    assertThat(so.at("/spec/minReplicaCount").asInt()).isEqualTo(3);
    assertThat(so.at("/spec/maxReplicaCount").asInt()).isEqualTo(10);
    JsonNode trigger = so.at("/spec/triggers/0");
    assertThat(so.at("/spec/triggers").size()).isEqualTo(1);
    assertThat(trigger.path("type").asText()).isEqualTo("aws-sqs-queue");
    assertThat(trigger.at("/metadata/queueURL").asText()).isEqualTo(PROD_QUEUE);
    assertThat(trigger.at("/metadata/queueLength").asText()).isEqualTo("5");
    assertThat(trigger.at("/metadata/awsRegion").asText()).isEqualTo("us-east-1");
    assertThat(trigger.at("/authenticationRef/name").asText()).isEqualTo("processor-queue");
    JsonNode auth = only(prod, "TriggerAuthentication", "processor-queue");
    assertThat(auth.at("/spec/podIdentity/provider").asText()).isEqualTo("aws");
    assertThat(auth.at("/spec/podIdentity/identityOwner").asText()).isEqualTo("workload");
    assertThat(only(prod, "ServiceAccount", "processor").at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText())
        .isEqualTo("arn:aws:iam::123456789012:role/orders-platform-prod-orders");
    assertThat(only(prod, "Deployment", "processor").at("/spec/template/spec/containers/0/env").toString())
        .contains("{\"name\":\"QUEUE_URL\",\"value\":\"" + PROD_QUEUE + "\"}");
    assertThat(only(prod, "PodDisruptionBudget", "processor")).isNotNull();
    // Applied before the ScaledObject that names it.
    List<String> kinds = prod.bundle().objects().stream().map(o -> o.kind()).toList();
    assertThat(kinds.indexOf("TriggerAuthentication")).isLessThan(kinds.indexOf("ScaledObject"));
  }

  @Test
  void theApplicationRoleIsAllowedExactlyItsQueueAndNothingElse() throws IOException {
    ApplicationPlan prod = app(plan(APP), "prod");
    var policies = IamPolicies.of(prod.resolved());
    assertThat(policies).containsOnlyKeys("arn:aws:iam::123456789012:role/orders-platform-prod-orders");
    var statements = policies.values().iterator().next().statements();
    assertThat(statements).hasSize(1);
    assertThat(statements.get(0).resources()).containsExactly("arn:aws:sqs:us-east-1:123456789012:orders-prod");
    assertThat(statements.get(0).actions()).containsExactlyElementsOf(IamPolicies.QUEUE_CONSUMER_ACTIONS)
        .allMatch(a -> a.startsWith("sqs:") && !a.contains("*"));
    assertThat(statements.get(0).components()).containsExactly("processor");
  }

  @Test
  void scalingToZeroAndATargetPerReplicaAreWrittenOnTheQueueAndAutoscaling() throws IOException {
    String app = APP.replace("queue: " + QUEUE, "queue:\n        url: " + QUEUE + "\n        messagesPerReplica: 20\n"
        + "        activationMessages: 2\n      autoscaling: {min: 0, max: 4}");
    assertThat(app).isNotEqualTo(APP);
    JsonNode so = only(app(plan(app), "dev"), "ScaledObject", "processor");
    assertThat(so.at("/spec/minReplicaCount").asInt()).isZero();
    assertThat(so.at("/spec/maxReplicaCount").asInt()).isEqualTo(4);
    assertThat(so.at("/spec/triggers/0/metadata/queueLength").asText()).isEqualTo("20");
    assertThat(so.at("/spec/triggers/0/metadata/activationQueueLength").asText()).isEqualTo("2");
  }

  private List<String> errors(String app) throws IOException {
    return plan(app).specDiagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList();
  }

  @Test
  void badCachesAndQueuesAreErrorsAtTheirPosition() throws IOException {
    assertThat(errors(APP.replace("type: redis\n      secrets: {REDIS_PASSWORD: orders/redis-password}", "type: redis")))
        .anyMatch(e -> e.contains("app.yaml:10:") && e.contains("spec.components.cache.secrets.REDIS_PASSWORD")
            && e.contains("password from the secret store"));
    assertThat(errors(APP.replace("type: redis\n", "type: redis\n      replicas: 3\n")))
        .anyMatch(e -> e.contains("app.yaml:11:") && e.contains("independent caches"));
    assertThat(errors(APP.replace("type: redis\n", "type: redis\n      autoscaling: {min: 1, max: 3}\n")))
        .anyMatch(e -> e.contains("'autoscaling' does not apply to a redis component") && e.contains("maxmemory follows the limit"));
    assertThat(errors(APP.replace("queue: " + QUEUE, "queue: orders")))
        .anyMatch(e -> e.contains("app.yaml:15:") && e.contains("'orders' is not an SQS queue URL"));
    assertThat(errors(APP.replace("type: redis\n", "type: redis\n      queue: " + QUEUE + "\n")))
        .anyMatch(e -> e.contains("'queue' does not apply to a redis component"));
  }

  @Test
  void theCachesPasswordAndWhatSlipwaySetsCannotBeGivenAsArgumentsNorTheQueueUrlAsAVariable() throws IOException {
    assertThat(errors(APP.replace("type: redis\n", "type: redis\n      args: [--maxmemory-policy, volatile-lru, --requirepass, hunter2]\n")))
        .anyMatch(e -> e.contains("app.yaml:11:") && e.contains("spec.components.cache.args[2]") && e.contains("'--requirepass' is set by Slipway"))
        .noneMatch(e -> e.contains("args[0]"));
    assertThat(errors(APP.replace("env: {REDIS_HOST: cache}", "env: {REDIS_HOST: cache, QUEUE_URL: other}")))
        .anyMatch(e -> e.contains("spec.components.processor.env.QUEUE_URL") && e.contains("set by Slipway from the worker's queue"));
  }

  @Test
  void aQueueInAChinaRegionIsInItsOwnPartition() throws IOException {
    ApplicationPlan dev = app(plan(APP.replace("https://sqs.us-east-1.amazonaws.com/", "https://sqs.cn-north-1.amazonaws.com.cn/")), "dev");
    assertThat(IamPolicies.of(dev.resolved()).values().iterator().next().statements().get(0).resources())
        .containsExactly("arn:aws-cn:sqs:cn-north-1:123456789012:orders-dev");
    assertThat(errors(APP.replace("https://sqs.us-east-1.amazonaws.com/", "https://sqs.cn-north-1.amazonaws.com/")))
        .anyMatch(e -> e.contains("China regions (cn-*) and only they are served from amazonaws.com.cn"));
  }

  @Test
  void aQueueWorkerWithoutARoleSaysWhereToGiveIt() throws IOException {
    Path p = platform(APP);
    String text = Files.readString(p.resolve("slipway.yaml"))
        .replace("      serviceAccount: {roleArn: \"arn:aws:iam::123456789012:role/orders-platform-{env}-{app}\"}\n", "");
    assertThat(text).doesNotContain("serviceAccount: {roleArn");
    Files.writeString(p.resolve("slipway.yaml"), text);
    List<String> errors = new Planner().plan(Workspace.load(p), Planner.Scope.ALL).specDiagnostics().stream()
        .filter(Diagnostic::isError).map(Diagnostic::format).toList();
    assertThat(errors).anyMatch(e -> e.contains("app.yaml:15:") && e.contains("serviceAccount.roleArn")
        && e.contains("defaults.serviceAccount.roleArn on environment"));
  }
}
