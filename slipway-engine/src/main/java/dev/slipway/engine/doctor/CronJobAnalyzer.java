package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code CronJob}: a CronJob whose latest runs failed (its Jobs with a {@code Failed} condition,
 * newest first). One failed run is a warning; two or more in a row, or no success in the history
 * the CronJob keeps, an error.
 */
final class CronJobAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "CronJob";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode cron : scan.live.ofKind("CronJob")) {
      ObjectRef ref = LiveObjects.ref(cron);
      List<JsonNode> jobs = new ArrayList<>(scan.live.ofKind("Job").stream()
          .filter(j -> LiveObjects.controller(j).map(o -> o.kind().equals("CronJob") && o.name().equals(ref.name())).orElse(false)
              && ref.namespace().equals(LiveObjects.namespace(j)))
          .toList());
      jobs.sort(Comparator.comparing(CronJobAnalyzer::started).reversed().thenComparing(LiveObjects::name));
      List<JsonNode> failedRun = new ArrayList<>();
      for (JsonNode j : jobs) {
        if (failed(j)) {
          failedRun.add(j);
        } else if (LiveObjects.condition(j, "Complete").path("status").asText().equals("True")) {
          break;
        } else if (failedRun.isEmpty()) {
          continue; // the newest may still be running
        } else {
          break;
        }
      }
      if (failedRun.isEmpty()) {
        continue;
      }
      boolean anySuccess = jobs.stream().anyMatch(j -> LiveObjects.condition(j, "Complete").path("status").asText().equals("True"));
      String component = scan.component(cron);
      List<String> evidence = new ArrayList<>();
      for (JsonNode j : failedRun) {
        JsonNode c = LiveObjects.condition(j, "Failed");
        evidence.add("Job " + LiveObjects.name(j) + " started " + started(j) + ": " + LiveObjects.describeCondition(c).replaceFirst("^condition ", ""));
      }
      JsonNode status = cron.path("status");
      evidence.add("lastScheduleTime: " + status.path("lastScheduleTime").asText("never") + ", lastSuccessfulTime: "
          + status.path("lastSuccessfulTime").asText("never"));
      String reason = LiveObjects.condition(failedRun.get(0), "Failed").path("reason").asText("");
      SpecRef at;
      String explanation = (failedRun.size() == 1 ? "The latest run failed" : "The last " + failedRun.size() + " runs failed")
          + (anySuccess ? "" : " and no run in the kept history succeeded");
      String fix;
      if (reason.equals("DeadlineExceeded")) {
        at = scan.locate(ref, component, "schedule.activeDeadlineSeconds", "schedule");
        explanation += ": each ran longer than its active deadline ("
            + cron.path("spec").path("jobTemplate").path("spec").path("activeDeadlineSeconds").asText("?") + "s) and was stopped.";
        fix = "make the job faster, or raise activeDeadlineSeconds" + (at == null ? "" : " at " + at);
      } else {
        at = scan.locate(ref, component, "image");
        String job = LiveObjects.name(failedRun.get(0));
        explanation += ": its pods exited with an error " + (reason.equals("BackoffLimitExceeded")
            ? "more times than backoffLimit (" + cron.path("spec").path("jobTemplate").path("spec").path("backoffLimit").asText("6") + ") allows."
            : "(" + reason + ").");
        fix = "read why with kubectl logs -n " + ref.namespace() + " job/" + job + "; fix the job or roll back its image"
            + (at == null ? "" : " (" + at + ")");
      }
      Severity severity = failedRun.size() >= 2 || !anySuccess ? Severity.ERROR : Severity.WARNING;
      scan.add(severity, ref, component, name(), evidence, explanation, fix, at);
    }
  }

  private static boolean failed(JsonNode job) {
    return LiveObjects.condition(job, "Failed").path("status").asText().equals("True");
  }

  private static String started(JsonNode job) {
    return job.path("status").path("startTime").asText(job.path("metadata").path("creationTimestamp").asText(""));
  }
}
