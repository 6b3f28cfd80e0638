package dev.slipway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.sync.Health;
import dev.slipway.engine.sync.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The simulated statuses, judged by the health rules the sync waits on (Argo CD's): each kind is
 * Progressing before the delay and Healthy after it, as on a real cluster; faults degrade.
 */
class SimulatedStatusTest {
  static final SandboxOptions OPTIONS = new SandboxOptions(Duration.ofSeconds(2), Duration.ofSeconds(10), "eu-west-1");
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  static ObjectNode obj(String yamlish) {
    try {
      return (ObjectNode) SimulatedStatus.JSON.readTree(yamlish);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String DEPLOYMENT = """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop","generation":1},
       "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1"}]}}}}""";

  /** The object with the status the sandbox computes at {@code now}, for the health rules. */
  static JsonNode at(ObjectNode o, Progress p, String fault, Instant now, JsonNode target) {
    SimulatedStatus.Next next = SimulatedStatus.next(o, p, fault, now, OPTIONS, target);
    ObjectNode copy = o.deepCopy();
    if (next.status() != null) {
      copy.set("status", next.status());
    }
    return copy;
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("Deployment", DEPLOYMENT),
        Arguments.of("StatefulSet", """
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"shop","generation":1},
             "spec":{"replicas":1,"template":{"spec":{}}}}"""),
        Arguments.of("DaemonSet", """
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system","generation":1},"spec":{}}"""),
        Arguments.of("Job", """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"shop","generation":1},"spec":{}}"""),
        Arguments.of("PersistentVolumeClaim", """
            {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"shop"},
             "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"5Gi"}}}}"""),
        Arguments.of("Ingress", """
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web","namespace":"shop"},"spec":{}}"""),
        Arguments.of("Service", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"edge","namespace":"shop"},"spec":{"type":"LoadBalancer"}}"""),
        Arguments.of("ExternalSecret", """
            {"apiVersion":"external-secrets.io/v1","kind":"ExternalSecret","metadata":{"name":"db","namespace":"shop","uid":"u1"},
             "spec":{"target":{"name":"db-creds"},"data":[{"secretKey":"DATABASE_URL","remoteRef":{"key":"shop/db"}}]}}"""),
        Arguments.of("SecretStore", """
            {"apiVersion":"external-secrets.io/v1","kind":"SecretStore","metadata":{"name":"aws","namespace":"shop"},"spec":{}}"""),
        Arguments.of("NodePool", """
            {"apiVersion":"karpenter.sh/v1","kind":"NodePool","metadata":{"name":"default","generation":1},"spec":{}}"""),
        Arguments.of("EC2NodeClass", """
            {"apiVersion":"karpenter.k8s.aws/v1","kind":"EC2NodeClass","metadata":{"name":"default","generation":1},"spec":{}}"""),
        Arguments.of("PodDisruptionBudget", PDB));
  }

  static final String PDB = """
      {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"shop","generation":1},
       "spec":{"minAvailable":1}}""";

  @Test
  void aBudgetUnderAFaultIsDegradedAndACronJobIsHealthyAtOnce() {
    JsonNode failing = at(obj(PDB), Progress.created(1, T0), "SyncFailed", T0.plusSeconds(2), null);
    assertThat(Health.assess(failing).status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(Health.assess(failing).message()).isEqualTo("PodDisruptionBudget has SyncFailed");
    ObjectNode cron = obj("""
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"report","namespace":"shop"},"spec":{"schedule":"0 19 * * *"}}""");
    assertThat(Health.assess(cron).status()).as("no status yet").isEqualTo(HealthStatus.PROGRESSING);
    assertThat(Health.assess(at(cron, Progress.created(1, T0), null, T0, null)).message()).isEqualTo("CronJob has not been scheduled yet");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void progressingBeforeTheDelayHealthyAfter(String kind, String json) {
    ObjectNode o = obj(json);
    Progress p = Progress.created(1, T0);
    assertThat(Health.assess(at(o, p, null, T0.plusMillis(500), null)).status()).as("before the delay").isEqualTo(HealthStatus.PROGRESSING);
    assertThat(Health.assess(at(o, p, null, T0.plusSeconds(2), null)).status()).as("after the delay").isEqualTo(HealthStatus.HEALTHY);
    assertThat(SimulatedStatus.next(o, p, null, T0, OPTIONS, null).recheckAt()).as("looks again when done").isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void deploymentStatusHasTheRealControllersFieldsAndReasons() {
    JsonNode done = at(obj(DEPLOYMENT), Progress.created(1, T0), null, T0.plusSeconds(3), null).path("status");
    assertThat(done.path("observedGeneration").asLong()).isEqualTo(1);
    assertThat(done.path("replicas").asInt()).isEqualTo(3);
    assertThat(done.path("updatedReplicas").asInt()).isEqualTo(3);
    assertThat(done.path("readyReplicas").asInt()).isEqualTo(3);
    assertThat(done.path("availableReplicas").asInt()).isEqualTo(3);
    assertThat(done.path("conditions").toString()).contains("\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\"")
        .contains("\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"NewReplicaSetAvailable\"");
    JsonNode fresh = at(obj(DEPLOYMENT), Progress.created(1, T0), null, T0, null).path("status");
    assertThat(fresh.path("conditions").toString()).contains("MinimumReplicasUnavailable").contains("NewReplicaSetCreated");
  }

  @Test
  void aNewGenerationRollsOutWhileTheOldReplicasServe() {
    ObjectNode v2 = obj(DEPLOYMENT);
    ((ObjectNode) v2.path("metadata")).put("generation", 2);
    ((ObjectNode) v2.path("spec").path("template").path("spec").path("containers").path(0)).put("image", "nginx:2");
    String oldRevision = SimulatedStatus.templateHash(obj(DEPLOYMENT));
    Progress p = new Progress(2, T0, 3, oldRevision);
    JsonNode rolling = at(v2, p, null, T0.plusSeconds(1), null);
    assertThat(Health.assess(rolling).status()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(Health.assess(rolling).message()).contains("3 old replicas are pending termination");
    assertThat(rolling.path("status").path("conditions").toString()).contains("\"reason\":\"MinimumReplicasAvailable\"")
        .contains("ReplicaSetUpdated");
    assertThat(Health.assess(at(v2, p, null, T0.plusSeconds(2), null)).status()).isEqualTo(HealthStatus.HEALTHY);

    ObjectNode stale = at(v2, p, null, T0.plusSeconds(2), null).deepCopy();
    ((ObjectNode) stale.path("metadata")).put("generation", 3);
    assertThat(Health.assess(stale).status()).as("generation not yet observed").isEqualTo(HealthStatus.PROGRESSING);
  }

  @Test
  void aFailingDeploymentNeverBecomesAvailableAndExceedsItsProgressDeadline() {
    ObjectNode o = obj(DEPLOYMENT);
    Progress p = Progress.created(1, T0);
    JsonNode waiting = at(o, p, "ImagePullBackOff", T0.plusSeconds(5), null);
    assertThat(Health.assess(waiting).status()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(SimulatedStatus.next(o, p, "ImagePullBackOff", T0, OPTIONS, null).recheckAt()).isEqualTo(T0.plusSeconds(10));
    JsonNode failed = at(o, p, "ImagePullBackOff", T0.plusSeconds(10), null);
    assertThat(Health.assess(failed).status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(Health.assess(failed).message()).isEqualTo("Deployment \"web\" exceeded its progress deadline");
    assertThat(failed.path("status").path("conditions").toString()).contains("ProgressDeadlineExceeded").contains("ImagePullBackOff");

    ObjectNode ownDeadline = obj(DEPLOYMENT);
    ((ObjectNode) ownDeadline.path("spec")).put("progressDeadlineSeconds", 3);
    assertThat(Health.assess(at(ownDeadline, p, "CrashLoopBackOff", T0.plusSeconds(3), null)).status())
        .as("a shorter deadline of the Deployment's own wins").isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void theFailAnnotationOnThePodTemplateIsAFault() {
    ObjectNode o = obj(DEPLOYMENT);
    ((ObjectNode) o.path("spec").path("template")).putObject("metadata").putObject("annotations")
        .put(SimulatedStatus.FAIL_ANNOTATION, "ImagePullBackOff");
    assertThat(SimulatedStatus.annotatedFault(o)).isEqualTo("ImagePullBackOff");
    assertThat(SimulatedStatus.annotatedFault(obj(DEPLOYMENT))).isNull();
  }

  @Test
  void statefulSetUpdateGoesThroughRevisions() {
    ObjectNode sts = obj("""
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"shop","generation":2},
         "spec":{"replicas":2,"template":{"spec":{"containers":[{"image":"postgres:17"}]}}}}""");
    Progress p = new Progress(2, T0, 2, "oldhash");
    JsonNode rolling = at(sts, p, null, T0.plusSeconds(1), null);
    assertThat(rolling.path("status").path("currentRevision").asText()).isEqualTo("db-oldhash");
    assertThat(rolling.path("status").path("updateRevision").asText()).startsWith("db-").isNotEqualTo("db-oldhash");
    assertThat(Health.assess(rolling).status()).isEqualTo(HealthStatus.PROGRESSING);
    JsonNode done = at(sts, p, null, T0.plusSeconds(2), null);
    assertThat(done.path("status").path("currentRevision")).isEqualTo(done.path("status").path("updateRevision"));
    assertThat(Health.assess(done).status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void ingressGetsAnAlbLikeHostnameThatCannotResolve() {
    ObjectNode ing = obj("""
        {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web","namespace":"hello-world"},"spec":{}}""");
    String host = at(ing, Progress.created(1, T0), null, T0.plusSeconds(2), null).path("status").path("loadBalancer").path("ingress")
        .path(0).path("hostname").asText();
    assertThat(host).matches("k8s-hellowor-web-[a-z0-9]{10}-\\d{10}\\.eu-west-1\\.elb\\.simulated\\.invalid");
  }

  @Test
  void externalSecretIsReadyAndMakesItsTargetSecretWithPlaceholders() {
    ObjectNode es = (ObjectNode) kinds().filter(a -> a.get()[0].equals("ExternalSecret")).findFirst().map(a -> obj((String) a.get()[1]))
        .orElseThrow();
    SimulatedStatus.Next next = SimulatedStatus.next(es, Progress.created(1, T0), null, T0.plusSeconds(2), OPTIONS, null);
    assertThat(next.status().path("conditions").toString()).contains("\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"SecretSynced\"");
    assertThat(next.made()).hasSize(1);
    JsonNode secret = next.made().get(0);
    assertThat(secret.path("metadata").path("name").asText()).isEqualTo("db-creds");
    assertThat(secret.path("metadata").path("ownerReferences").path(0).path("uid").asText()).isEqualTo("u1");
    assertThat(new String(java.util.Base64.getDecoder().decode(secret.path("data").path("DATABASE_URL").asText())))
        .isEqualTo("simulated-DATABASE_URL");
    SimulatedStatus.Next failing = SimulatedStatus.next(es, Progress.created(1, T0), "AccessDenied", T0.plusSeconds(2), OPTIONS, null);
    assertThat(Health.assess(at(es, Progress.created(1, T0), "AccessDenied", T0.plusSeconds(2), null)).status())
        .isEqualTo(HealthStatus.DEGRADED);
    assertThat(failing.made()).isEmpty();
  }

  @Test
  void autoscalersReportTheTargetsReplicasAndNeedATarget() {
    ObjectNode hpa = obj("""
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web","namespace":"shop"},
         "spec":{"minReplicas":2,"maxReplicas":10,"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"}}}""");
    JsonNode target = at(obj(DEPLOYMENT), Progress.created(1, T0), null, T0.plusSeconds(5), null);
    JsonNode ok = at(hpa, Progress.created(1, T0), null, T0.plusSeconds(2), target);
    assertThat(ok.path("status").path("currentReplicas").asInt()).isEqualTo(3);
    assertThat(ok.path("status").path("desiredReplicas").asInt()).isEqualTo(3);
    assertThat(Health.assess(ok).status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(Health.assess(at(hpa, Progress.created(1, T0), null, T0, target)).status()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(Health.assess(at(hpa, Progress.created(1, T0), null, T0.plusSeconds(2), null)).status())
        .as("no target: FailedGetScale").isEqualTo(HealthStatus.DEGRADED);

    ObjectNode so = obj("""
        {"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"name":"web","namespace":"shop"},
         "spec":{"scaleTargetRef":{"name":"web"}}}""");
    JsonNode ready = at(so, Progress.created(1, T0), null, T0.plusSeconds(2), target);
    assertThat(ready.path("status").path("conditions").toString()).contains("\"type\":\"Ready\",\"status\":\"True\"")
        .contains("\"type\":\"Active\",\"status\":\"True\"");
    assertThat(Health.assess(ready).status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void jobsCompleteOrFail() {
    ObjectNode job = obj("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"shop"},"spec":{"backoffLimit":2}}""");
    assertThat(at(job, Progress.created(1, T0), null, T0.plusSeconds(2), null).path("status").path("succeeded").asInt()).isEqualTo(1);
    JsonNode failed = at(job, Progress.created(1, T0), "Error", T0.plusSeconds(2), null);
    assertThat(failed.path("status").path("failed").asInt()).isEqualTo(3);
    assertThat(Health.assess(failed).status()).isEqualTo(HealthStatus.DEGRADED);
  }
}
