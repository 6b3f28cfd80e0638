package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code Rollout}: a Deployment whose rollout stopped ({@code Progressing=False},
 * {@code ProgressDeadlineExceeded}): the new pods never became available in time. The evidence
 * sums up why its pods are not available, and the ReplicaSets' {@code FailedCreate} events (a
 * quota, an admission webhook) when pods were not even created.
 */
final class RolloutAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "Rollout";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode d : scan.live.ofKind("Deployment")) {
      JsonNode progressing = LiveObjects.condition(d, "Progressing");
      if (!progressing.path("status").asText().equals("False") || !progressing.path("reason").asText().equals("ProgressDeadlineExceeded")) {
        continue;
      }
      ObjectRef ref = LiveObjects.ref(d);
      String component = scan.component(d);
      JsonNode s = d.path("status");
      List<String> evidence = new ArrayList<>();
      evidence.add(LiveObjects.describeCondition(progressing));
      evidence.add("replicas " + s.path("replicas").asInt(0) + ", updated " + s.path("updatedReplicas").asInt(0) + ", ready "
          + s.path("readyReplicas").asInt(0) + ", available " + s.path("availableReplicas").asInt(0) + ", unavailable "
          + s.path("unavailableReplicas").asInt(0) + "; progressDeadlineSeconds " + d.path("spec").path("progressDeadlineSeconds").asInt(600));
      // The ReplicaSet that timed out is named in the condition's message; its pods are the new ones.
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("ReplicaSet \"([^\"]+)\"").matcher(progressing.path("message").asText(""));
      String newRs = m.find() ? m.group(1) : null;
      Map<String, Integer> states = new TreeMap<>();
      for (JsonNode pod : scan.live.podsOf(ref)) {
        boolean isNew = newRs == null || LiveObjects.controller(pod).map(o -> o.name().equals(newRs)).orElse(false);
        if (isNew) {
          states.merge(state(pod), 1, Integer::sum);
        }
      }
      if (!states.isEmpty()) {
        evidence.add((newRs == null ? "pods: " : "pods of " + newRs + ": ") + String.join(", ", states.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
      }
      List<String> failedCreate = new ArrayList<>();
      for (JsonNode rs : scan.live.ofKind("ReplicaSet")) {
        if (LiveObjects.controller(rs).map(ref::equals).orElse(false)) {
          scan.live.events(LiveObjects.ref(rs), "FailedCreate").stream().reduce((a, b) -> b)
              .ifPresent(e -> failedCreate.add("ReplicaSet " + LiveObjects.name(rs) + ": " + LiveObjects.describeEvent(e)));
        }
      }
      evidence.addAll(failedCreate);
      SpecRef at = scan.locate(ref, component, "image");
      String cause = !failedCreate.isEmpty() ? "its ReplicaSet cannot create pods (see the FailedCreate event)"
          : states.isEmpty() ? "no pod of it is in the dump" : "its new pods are " + String.join(", ", states.keySet());
      scan.add(Severity.ERROR, ref, component, name(), evidence,
          "The rollout stopped: the new pods did not become available within the progress deadline, so the Deployment still runs "
              + "the old ones (or none); " + cause + ".",
          "fix the new pods' problem (the other findings for " + ref + " say which), or roll back with " + scan.rollbackCommand(ref)
              + (at == null ? "" : " (the image is set at " + at + ")"),
          at);
    }
  }

  /** A pod's state in a word: the first waiting reason, Pending, not ready, or Running. */
  private static String state(JsonNode pod) {
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      String w = cs.path("state").path("waiting").path("reason").asText("");
      if (!w.isEmpty()) {
        return w;
      }
    }
    String phase = pod.path("status").path("phase").asText("Unknown");
    if (!phase.equals("Running")) {
      return phase;
    }
    return LiveObjects.condition(pod, "Ready").path("status").asText().equals("True") ? "Running" : "Running, not ready";
  }
}
