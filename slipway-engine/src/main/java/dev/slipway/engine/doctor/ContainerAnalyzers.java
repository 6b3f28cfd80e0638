package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.capacity.Resources;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import dev.slipway.engine.policy.Images;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.yaml.Quantities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The analyzers of containers that do not run: crash loops, out-of-memory kills, images that
 * cannot be pulled. Pods of one workload failing the same way are one finding, at the workload,
 * with the first pod's details as evidence and the others named.
 */
final class ContainerAnalyzers {
  private ContainerAnalyzers() {}

  /** One container of one pod, with its status. */
  record Seen(JsonNode pod, String container, JsonNode status, JsonNode spec) {
    JsonNode waiting() {
      return status.path("state").path("waiting");
    }

    /** The last termination: the current state when terminated, else the previous one. */
    JsonNode terminated() {
      JsonNode now = status.path("state").path("terminated");
      return now.isMissingNode() ? status.path("lastState").path("terminated") : now;
    }

    int restarts() {
      return status.path("restartCount").asInt(0);
    }
  }

  /** Containers (init containers first) of every pod that {@code test} picks, grouped by workload and container. */
  static Map<String, List<Seen>> group(Scan scan, Predicate<Seen> test) {
    Map<String, List<Seen>> out = new LinkedHashMap<>();
    for (JsonNode pod : scan.live.ofKind("Pod")) {
      for (String list : List.of("initContainerStatuses", "containerStatuses")) {
        for (JsonNode cs : pod.path("status").path(list)) {
          String name = cs.path("name").asText();
          Seen s = new Seen(pod, name, cs, containerSpec(pod, name));
          if (test.test(s)) {
            out.computeIfAbsent(scan.live.workload(pod) + "|" + name, k -> new ArrayList<>()).add(s);
          }
        }
      }
    }
    return out;
  }

  static JsonNode containerSpec(JsonNode pod, String name) {
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        if (c.path("name").asText().equals(name)) {
          return c;
        }
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** {@code pods: a, b (2 of 3 of the workload)}: the pods a finding covers. */
  static String pods(Scan scan, ObjectRef workload, List<Seen> seen) {
    int all = scan.live.podsOf(workload).size();
    List<String> names = seen.stream().map(s -> LiveObjects.name(s.pod())).distinct().toList();
    return "pods: " + String.join(", ", names) + (all > names.size() ? " (" + names.size() + " of " + all + ")" : "");
  }

  static String termination(JsonNode t) {
    if (t.isMissingNode()) {
      return "last termination: none recorded";
    }
    String msg = t.path("message").asText("").strip();
    return "last termination: exit code " + t.path("exitCode").asText("?") + ", reason " + t.path("reason").asText("?")
        + (t.has("finishedAt") ? ", finished " + t.path("finishedAt").asText() : "")
        + (msg.isEmpty() ? "" : ", message: " + firstLine(msg));
  }

  static String firstLine(String s) {
    String line = s.lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  /** {@code CrashLoopBackOff}: a container that keeps exiting and is restarted with a growing back-off. */
  static final class CrashLoop implements Analyzer {
    @Override
    public String name() {
      return "CrashLoopBackOff";
    }

    @Override
    public void analyze(Scan scan) {
      group(scan, s -> s.waiting().path("reason").asText().equals("CrashLoopBackOff")
          && !s.terminated().path("reason").asText().equals("OOMKilled")).forEach((key, seen) -> {
            Seen first = seen.get(0);
            ObjectRef workload = scan.live.workload(first.pod());
            String component = scan.component(workload, first.pod());
            JsonNode t = first.terminated();
            int code = t.path("exitCode").asInt(-1);
            List<String> evidence = new ArrayList<>();
            evidence.add(pods(scan, workload, seen));
            evidence.add("container " + first.container() + ": waiting CrashLoopBackOff, restartCount " + first.restarts());
            evidence.add(termination(t));
            scan.live.events(LiveObjects.ref(first.pod()), "BackOff").stream().reduce((a, b) -> b)
                .ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
            String why = exitMeaning(code, t.path("message").asText(""));
            String logs = "kubectl logs -n " + workload.namespace() + " " + LiveObjects.name(first.pod()) + " -c " + first.container()
                + " --previous";
            String explanation = "Container " + first.container() + " keeps exiting (" + first.restarts() + " restarts): " + why;
            SpecRef at;
            String fix;
            String msg = t.path("message").asText("").toLowerCase(Locale.ROOT);
            if (msg.contains("read-only file system")) {
              at = scan.locate(workload, component, "security.readOnlyRootFilesystem", "config");
              fix = "the container writes outside /tmp: mount a writable volume where it writes, or set security.readOnlyRootFilesystem: false"
                  + (at == null ? "" : " at " + at);
            } else if (code == 126 || code == 127) {
              at = scan.locate(workload, component, "command", "args", "image");
              fix = "correct the command" + (at == null ? "" : " at " + at) + " to one the image has (read " + logs + ")";
            } else {
              at = scan.locate(workload, component, "image");
              fix = "read why it exits with " + logs + "; fix the application, or roll back to the last good release with "
                  + scan.rollbackCommand(workload) + (at == null ? "" : " (the image is set at " + at + ")");
            }
            scan.add(Severity.ERROR, workload, component, name(), evidence, explanation, fix, at);
          });
    }

    static String exitMeaning(int code, String message) {
      return switch (code) {
        case 0 -> "it exits successfully, but a long-running container must not exit; its command ends instead of serving.";
        case 1, 2 -> "the application fails on start (exit code " + code + ").";
        case 126 -> "its command cannot be executed (exit code 126: permission denied or not executable).";
        case 127 -> "its command does not exist in the image (exit code 127: command not found).";
        case 137 -> "it is killed with SIGKILL (exit code 137): by the kubelet after its liveness probe fails, or by an out-of-memory kill.";
        case 139 -> "it crashes with a segmentation fault (exit code 139).";
        case 143 -> "it is stopped with SIGTERM (exit code 143), usually because its liveness probe fails.";
        case -1 -> "its exit code is not recorded yet.";
        default -> code > 128 ? "it is killed by signal " + (code - 128) + " (exit code " + code + ")."
            : "it exits with code " + code + (message.isEmpty() ? "." : ": " + firstLine(message));
      };
    }
  }

  /** {@code OOMKilled}: the kernel killed the container for using more memory than its limit. */
  static final class OomKilled implements Analyzer {
    @Override
    public String name() {
      return "OOMKilled";
    }

    @Override
    public void analyze(Scan scan) {
      group(scan, s -> s.terminated().path("reason").asText().equals("OOMKilled")).forEach((key, seen) -> {
        Seen first = seen.get(0);
        ObjectRef workload = scan.live.workload(first.pod());
        String component = scan.component(workload, first.pod());
        String limit = first.spec().path("resources").path("limits").path("memory").asText(null);
        List<String> evidence = new ArrayList<>();
        evidence.add(pods(scan, workload, seen));
        evidence.add("container " + first.container() + ": restartCount " + first.restarts()
            + (first.waiting().has("reason") ? ", waiting " + first.waiting().path("reason").asText() : ""));
        evidence.add(termination(first.terminated()));
        evidence.add("memory limit: " + (limit == null ? "none" : limit) + ", request: "
            + first.spec().path("resources").path("requests").path("memory").asText("none"));
        Long usage = usageMiB(scan, seen);
        if (usage != null) {
          evidence.add("memory usage (PodMetrics): " + usage + "Mi");
        }
        Optional<ComponentSpec> c = scan.spec.component(scan.application(workload), component);
        boolean limitWritten = c.isPresent() && c.get().resources() != null && c.get().resources().memoryLimit() != null
            && !c.get().resources().memoryLimit().equals(c.get().resources().memory());
        SpecRef at = limitWritten ? scan.locate(workload, component, "resources.limits.memory", "resources.memory")
            : scan.locate(workload, component, "resources.memory", "resources");
        long limitMiB = limit == null || !Quantities.isValid(limit) ? 0 : Resources.memoryMiB(limit);
        String suggestion = limitMiB > 0 ? Math.max(limitMiB * 2, usage == null ? 0 : usage * 3 / 2) + "Mi" : null;
        String explanation = "Container " + first.container() + " was killed by the kernel for using more memory than its limit"
            + (limit == null ? "" : " of " + limit) + (usage == null ? "" : " (last seen using " + usage + "Mi)")
            + "; it restarts and is killed again as it grows.";
        String fix = "raise the memory " + (limitWritten ? "limit" : "(Slipway sets the limit equal to it)")
            + (suggestion == null ? "" : " to at least " + suggestion) + (at == null ? "" : " at " + at)
            + ", or find what grows in the application (a leak, an unbounded cache)";
        long[] largest = scan.spec.largestRequests();
        if (suggestion != null && !limitWritten && largest[1] > 0 && Resources.memoryMiB(suggestion) > largest[1]) {
          fix += "; note that " + suggestion + " is more than any allowed instance type can give a pod (" + largest[1] + "Mi)";
        }
        scan.add(Severity.ERROR, workload, component, name(), evidence, explanation, fix, at);
      });
    }

    private static Long usageMiB(Scan scan, List<Seen> seen) {
      Long max = null;
      for (Seen s : seen) {
        JsonNode metrics = scan.live.get("PodMetrics", LiveObjects.namespace(s.pod()), LiveObjects.name(s.pod())).orElse(null);
        if (metrics == null) {
          continue;
        }
        for (JsonNode c : metrics.path("containers")) {
          String mem = c.path("usage").path("memory").asText(null);
          if (c.path("name").asText().equals(s.container()) && mem != null && Quantities.isValid(mem)) {
            long v = Resources.memoryMiB(mem);
            max = max == null ? v : Math.max(max, v);
          }
        }
      }
      return max;
    }
  }

  /** {@code ImagePullBackOff}: the kubelet cannot pull the container's image. */
  static final class ImagePull implements Analyzer {
    private static final List<String> REASONS = List.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull");

    @Override
    public String name() {
      return "ImagePullBackOff";
    }

    @Override
    public void analyze(Scan scan) {
      group(scan, s -> REASONS.contains(s.waiting().path("reason").asText())).forEach((key, seen) -> {
        Seen first = seen.get(0);
        ObjectRef workload = scan.live.workload(first.pod());
        String component = scan.component(workload, first.pod());
        String image = first.spec().path("image").asText(first.status().path("image").asText());
        Images.Ref ref = Images.parse(image);
        List<String> evidence = new ArrayList<>();
        evidence.add(pods(scan, workload, seen));
        evidence.add("container " + first.container() + ": waiting " + first.waiting().path("reason").asText()
            + (first.waiting().has("message") ? ": " + firstLine(first.waiting().path("message").asText()) : ""));
        evidence.add("image " + image + ": registry " + ref.registry() + ", repository " + ref.repository()
            + ", tag " + (ref.tag() == null ? "(none: latest)" : ref.tag()) + (ref.digest() == null ? "" : ", digest " + ref.digest()));
        List<JsonNode> failed = scan.live.events(LiveObjects.ref(first.pod()), "Failed").stream()
            .filter(e -> LiveObjects.message(e).contains("pull") || LiveObjects.message(e).contains("image")).toList();
        failed.stream().reduce((a, b) -> b).ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
        String text = (failed.stream().map(LiveObjects::message).reduce("", (a, b) -> a + "\n" + b) + "\n"
            + first.waiting().path("message").asText("")).toLowerCase(Locale.ROOT);
        SpecRef at = scan.locate(workload, component, "image");
        String specImage = scan.spec.component(scan.application(workload), component).map(ComponentSpec::image).orElse(null);
        String drift = specImage != null && !specImage.equals(image)
            ? " The live image differs from the spec's " + specImage + ": it was changed in the cluster, and a sync restores the spec's."
            : "";
        String explanation;
        String fix;
        boolean ecr = ref.registry().matches("\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com");
        if (first.waiting().path("reason").asText().equals("InvalidImageName")) {
          explanation = "The image reference " + image + " is not valid.";
          fix = "correct the image" + (at == null ? "" : " at " + at);
        } else if (text.contains("not found") || text.contains("manifest unknown") || text.contains("does not exist")) {
          explanation = "The registry " + ref.registry() + " has no image " + ref.repository().substring(ref.registry().length() + 1)
              + (ref.tag() == null ? "" : " with tag " + ref.tag())
              + ": the tag was never pushed, or was deleted." + drift;
          fix = "push " + image + ", or correct the tag" + (at == null ? "" : " at " + at) + " to one that exists";
        } else if (text.contains("unauthorized") || text.contains("401") || text.contains("403") || text.contains("denied")
            || text.contains("no basic auth credentials") || text.contains("authorization")) {
          explanation = "The registry " + ref.registry() + " refuses the pull: the node has no credentials it accepts." + drift;
          fix = ecr ? "give the nodes' IAM role read access to ECR (ecr:GetAuthorizationToken, ecr:BatchCheckLayerAvailability, "
              + "ecr:GetDownloadUrlForLayer, ecr:BatchGetImage, e.g. the AmazonEC2ContainerRegistryReadOnly policy); for a repository "
              + "of another account, allow this account in the repository's policy"
              : "add an imagePullSecret with credentials for " + ref.registry() + " to the pod's ServiceAccount, or make the repository public";
        } else if (text.contains("toomanyrequests") || text.contains("rate limit")) {
          explanation = "The registry " + ref.registry() + " rate-limits the pulls (Docker Hub's anonymous limit)." + drift;
          fix = "pull through a mirror or an ECR pull-through cache, or authenticate the pulls";
        } else if (text.contains("i/o timeout") || text.contains("no such host") || text.contains("dial tcp") || text.contains("connection refused")) {
          explanation = "The nodes cannot reach the registry " + ref.registry() + "." + drift;
          fix = ecr ? "let the nodes' subnets reach ECR: a NAT gateway, or the ecr.api, ecr.dkr and s3 VPC endpoints"
              : "let the nodes' subnets reach " + ref.registry() + " (NAT gateway, proxy, DNS)";
        } else {
          explanation = "The kubelet cannot pull " + image + "." + drift;
          fix = "check that " + image + " exists and that the nodes may pull it (kubectl describe pod -n " + workload.namespace() + " "
              + LiveObjects.name(first.pod()) + ")";
        }
        List<String> allowed = scan.spec.environment().policy().allowedRegistries();
        if (!allowed.isEmpty() && allowed.stream().noneMatch(ref::isFrom)) {
          SpecRef policy = scan.spec.platformField("policy.allowedRegistries");
          explanation += " The registry is also not one environment " + scan.spec.plan().name() + "'s policy allows ("
              + String.join(", ", allowed) + ").";
          fix += "; use an image from an allowed registry (" + policy + ")";
        }
        scan.add(Severity.ERROR, workload, component, name(), evidence, explanation, fix, at);
      });
    }
  }
}
