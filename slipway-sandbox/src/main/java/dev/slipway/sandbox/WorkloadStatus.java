package dev.slipway.sandbox;

import static dev.slipway.sandbox.SimulatedStatus.array;
import static dev.slipway.sandbox.SimulatedStatus.condition;
import static dev.slipway.sandbox.SimulatedStatus.generation;
import static dev.slipway.sandbox.SimulatedStatus.name;
import static dev.slipway.sandbox.SimulatedStatus.object;
import static dev.slipway.sandbox.SimulatedStatus.replicas;
import static dev.slipway.sandbox.SimulatedStatus.templateHash;
import static dev.slipway.sandbox.SimulatedStatus.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.sandbox.SimulatedStatus.Next;
import java.time.Duration;
import java.time.Instant;

/**
 * Status of workloads as kube-controller-manager writes it: the Deployment controller (rolling
 * update: the new ReplicaSet's pods become available after the delay while the old ones stay),
 * the StatefulSet controller (revisions), the DaemonSet controller and the Job controller.
 */
final class WorkloadStatus {
  /** Nodes the simulated cluster pretends to have, for DaemonSets. */
  static final int NODES = 3;

  private WorkloadStatus() {}

  static Next deployment(JsonNode o, Progress p, String fault, Instant now, SandboxOptions options) {
    int n = replicas(o);
    String rs = name(o) + "-" + templateHash(o);
    ObjectNode s = object().put("observedGeneration", generation(o));
    ArrayNode conditions = array();
    if (o.path("spec").path("paused").asBoolean(false)) {
      s.put("replicas", p.previousAvailable()).put("updatedReplicas", 0).put("readyReplicas", p.previousAvailable())
          .put("availableReplicas", p.previousAvailable());
      condition(conditions, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", p.since());
      s.set("conditions", conditions);
      return Next.of(s, null);
    }
    Instant doneAt = p.since().plus(options.delay());
    boolean done = n == 0 || fault == null && !now.isBefore(doneAt);
    if (done) {
      s.put("replicas", n).put("updatedReplicas", n).put("readyReplicas", n).put("availableReplicas", n);
      condition(conditions, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", doneAt);
      condition(conditions, "Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet \"" + rs + "\" has successfully progressed.", doneAt);
      s.set("conditions", conditions);
      return Next.of(s, null);
    }
    // Rolling: the new ReplicaSet's pods are up but not yet available; the old ones keep serving.
    // A change of replicas alone (same template) makes no new ReplicaSet: nothing old to terminate.
    boolean sameTemplate = templateHash(o).equals(p.previousRevision());
    int old = sameTemplate ? 0 : p.previousAvailable();
    int available = sameTemplate ? Math.min(n, p.previousAvailable()) : old;
    s.put("replicas", old + n).put("updatedReplicas", n).put("readyReplicas", available).put("availableReplicas", available)
        .put("unavailableReplicas", old + n - available);
    int maxUnavailable = n / 4; // the default 25%, rounded down as Kubernetes does for maxUnavailable
    if (available >= n - maxUnavailable && available > 0) {
      condition(conditions, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", p.since());
    } else {
      condition(conditions, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", p.since());
    }
    Instant deadlineAt = p.since().plus(progressDeadline(o, options));
    if (fault != null && !now.isBefore(deadlineAt)) {
      condition(conditions, "Progressing", "False", "ProgressDeadlineExceeded", "ReplicaSet \"" + rs
          + "\" has timed out progressing. (simulated: its pods are in " + fault + ")", deadlineAt);
      s.set("conditions", conditions);
      return Next.of(s, null);
    }
    condition(conditions, "Progressing", "True", p.previousRevision() == null ? "NewReplicaSetCreated" : "ReplicaSetUpdated",
        (p.previousRevision() == null ? "Created new replica set \"" + rs + "\"" : "ReplicaSet \"" + rs + "\" is progressing.")
            + (fault == null ? "" : " (simulated: its pods are in " + fault + ")"), p.since());
    s.set("conditions", conditions);
    return Next.of(s, fault == null ? doneAt : deadlineAt);
  }

  /** The Deployment's own deadline (default 600 s), shortened to the sandbox's so demos show it. */
  static Duration progressDeadline(JsonNode o, SandboxOptions options) {
    Duration own = Duration.ofSeconds(o.path("spec").path("progressDeadlineSeconds").asLong(600));
    return own.compareTo(options.progressDeadline()) < 0 ? own : options.progressDeadline();
  }

  static Next statefulSet(JsonNode o, Progress p, String fault, Instant now, SandboxOptions options) {
    int n = replicas(o);
    String revision = name(o) + "-" + templateHash(o);
    String previous = p.previousRevision() == null ? null : name(o) + "-" + p.previousRevision();
    boolean created = previous == null || previous.equals(revision);
    Instant doneAt = p.since().plus(options.delay());
    boolean done = n == 0 || fault == null && !now.isBefore(doneAt);
    ObjectNode s = object().put("observedGeneration", generation(o)).put("replicas", n).put("collisionCount", 0);
    if (done) {
      s.put("readyReplicas", n).put("availableReplicas", n).put("currentReplicas", n).put("updatedReplicas", n)
          .put("currentRevision", revision).put("updateRevision", revision);
      return Next.of(s, null);
    }
    if (created) {
      // Pods start from the one revision there is; none ready yet (or never, with a fault). A change of
      // replicas alone keeps the pods that were ready.
      int ready = previous == null ? 0 : Math.min(n, p.previousAvailable());
      s.put("readyReplicas", ready).put("availableReplicas", ready).put("currentReplicas", n).put("updatedReplicas", n)
          .put("currentRevision", revision).put("updateRevision", revision);
    } else {
      // Rolling update from the highest ordinal down: one pod on the new revision, not ready yet.
      int ready = Math.max(0, n - 1);
      s.put("readyReplicas", ready).put("availableReplicas", ready).put("currentReplicas", Math.max(0, n - 1))
          .put("updatedReplicas", Math.min(1, n)).put("currentRevision", previous).put("updateRevision", revision);
    }
    return Next.of(s, fault == null ? doneAt : null);
  }

  static Next daemonSet(JsonNode o, Progress p, String fault, Instant now, SandboxOptions options) {
    Instant doneAt = p.since().plus(options.delay());
    boolean done = fault == null && !now.isBefore(doneAt);
    int ready = done ? NODES : p.previousRevision() == null ? 0 : NODES - 1;
    ObjectNode s = object().put("observedGeneration", generation(o)).put("desiredNumberScheduled", NODES)
        .put("currentNumberScheduled", NODES).put("numberMisscheduled", 0).put("numberReady", ready)
        .put("updatedNumberScheduled", done ? NODES : 1).put("numberAvailable", ready).put("numberUnavailable", NODES - ready);
    return Next.of(s, done || fault != null ? null : doneAt);
  }

  static Next job(JsonNode o, Progress p, String fault, Instant now, SandboxOptions options) {
    JsonNode spec = o.path("spec");
    ObjectNode s = object();
    ArrayNode conditions = array();
    if (spec.path("suspend").asBoolean(false)) {
      condition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", p.since());
      s.set("conditions", conditions);
      return Next.of(s, null);
    }
    Instant doneAt = p.since().plus(options.delay());
    s.put("startTime", time(p.since()));
    if (now.isBefore(doneAt)) {
      s.put("active", spec.path("parallelism").asInt(1)).put("ready", 0);
      return Next.of(s, doneAt);
    }
    if (fault != null) {
      int tries = spec.path("backoffLimit").asInt(6) + 1;
      s.put("failed", tries);
      condition(conditions, "FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", doneAt);
      condition(conditions, "Failed", "True", "BackoffLimitExceeded",
          "Job has reached the specified backoff limit (simulated: its pods failed with " + fault + ")", doneAt);
      s.set("conditions", conditions);
      return Next.of(s, null);
    }
    s.put("succeeded", spec.path("completions").asInt(1)).put("completionTime", time(doneAt)).put("ready", 0);
    condition(conditions, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", doneAt);
    condition(conditions, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", doneAt);
    s.set("conditions", conditions);
    return Next.of(s, null);
  }
}
