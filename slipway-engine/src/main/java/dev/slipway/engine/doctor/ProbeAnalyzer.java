package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Probe}: readiness, liveness and startup probes that fail ({@code Unhealthy} events),
 * measured against the container: the probed port against the ports it declares, the answer
 * (refused, 404, 5xx, timeout) against what it means.
 */
final class ProbeAnalyzer implements Analyzer {
  private static final Pattern KIND = Pattern.compile("^(Readiness|Liveness|Startup) probe failed:\\s*(.*)$", Pattern.DOTALL);
  private static final Pattern FIELD = Pattern.compile("spec\\.(?:init)?[cC]ontainers\\{([^}]+)}");
  private static final Pattern STATUS = Pattern.compile("statuscode: (\\d{3})");

  @Override
  public String name() {
    return "Probe";
  }

  private record Failure(JsonNode pod, String container, String probe, JsonNode event, String detail) {}

  @Override
  public void analyze(Scan scan) {
    Map<String, List<Failure>> groups = new LinkedHashMap<>();
    for (JsonNode pod : scan.live.ofKind("Pod")) {
      for (JsonNode e : scan.live.events(LiveObjects.ref(pod), "Unhealthy")) {
        Matcher m = KIND.matcher(LiveObjects.message(e).strip());
        if (!m.matches()) {
          continue;
        }
        Matcher f = FIELD.matcher(e.path("involvedObject").path("fieldPath").asText(e.path("regarding").path("fieldPath").asText("")));
        String container = f.find() ? f.group(1) : pod.path("spec").path("containers").path(0).path("name").asText();
        String key = scan.live.workload(pod) + "|" + container + "|" + m.group(1);
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new Failure(pod, container, m.group(1), e, m.group(2)));
      }
    }
    groups.values().forEach(g -> analyze(scan, g));
  }

  private void analyze(Scan scan, List<Failure> failures) {
    Failure first = failures.get(failures.size() - 1); // the latest event
    JsonNode pod = first.pod();
    ObjectRef workload = scan.live.workload(pod);
    String component = scan.component(workload, pod);
    String kind = first.probe().toLowerCase(Locale.ROOT);
    JsonNode container = ContainerAnalyzers.containerSpec(pod, first.container());
    JsonNode probe = container.path(kind + "Probe");
    JsonNode http = probe.path("httpGet");
    JsonNode portNode = http.isMissingNode() ? probe.path("tcpSocket").path("port") : http.path("port");
    String path = http.path("path").asText(null);
    List<String> declared = new ArrayList<>();
    Integer probedNumber = null;
    for (JsonNode p : container.path("ports")) {
      declared.add(p.path("containerPort").asText() + (p.has("name") ? " (" + p.path("name").asText() + ")" : ""));
      if (portNode.isTextual() && portNode.asText().equals(p.path("name").asText())) {
        probedNumber = p.path("containerPort").asInt();
      }
    }
    if (portNode.isInt()) {
      probedNumber = portNode.asInt();
    }
    boolean portDeclared = !portNode.isMissingNode() && (portNode.isTextual() ? probedNumber != null
        : container.path("ports").findValues("containerPort").stream().anyMatch(p -> p.asInt() == portNode.asInt()));
    List<String> evidence = new ArrayList<>();
    evidence.add("pods: " + String.join(", ", failures.stream().map(f -> LiveObjects.name(f.pod())).distinct().toList()));
    evidence.add(LiveObjects.describeEvent(first.event()));
    evidence.add(kind + "Probe: " + (http.isMissingNode() ? (probe.has("tcpSocket") ? "tcpSocket" : probe.has("exec") ? "exec" : "?")
        : "httpGet " + (path == null ? "/" : path)) + (portNode.isMissingNode() ? "" : " port " + portNode.asText())
        + ", timeoutSeconds " + probe.path("timeoutSeconds").asInt(1) + ", failureThreshold " + probe.path("failureThreshold").asInt(3));
    evidence.add("container ports: " + (declared.isEmpty() ? "none" : String.join(", ", declared)));
    String d = first.detail().toLowerCase(Locale.ROOT);
    Matcher status = STATUS.matcher(d);
    boolean ready = LiveObjects.condition(pod, "Ready").path("status").asText().equals("True");
    Severity severity = kind.equals("readiness") && ready ? Severity.WARNING : Severity.ERROR;
    String effect = switch (kind) {
      case "liveness" -> "the kubelet restarts the container after " + probe.path("failureThreshold").asInt(3) + " failures";
      case "startup" -> "the container is restarted before it is ever checked for liveness or readiness";
      default -> "the pod is kept out of its Service's endpoints, so it gets no traffic";
    };
    String probeField = "probes." + kind;
    String explanation;
    String fix;
    SpecRef at;
    if (!portDeclared && !portNode.isMissingNode()) {
      at = scan.locate(workload, component, probeField + ".port", "port");
      explanation = "The " + kind + " probe checks port " + portNode.asText() + ", which the container does not declare (it declares "
          + (declared.isEmpty() ? "none" : String.join(", ", declared)) + "); " + effect + ".";
      fix = "probe the port the application listens on, or set the component's port to it" + (at == null ? "" : " at " + at);
    } else if (d.contains("connection refused")) {
      at = scan.locate(workload, component, "port", probeField);
      explanation = "Nothing listens on port " + portNode.asText() + " in the container when the " + kind + " probe runs: the application "
          + "listens on another port or address (it must listen on 0.0.0.0, not 127.0.0.1), or has not started yet; " + effect + ".";
      fix = "make the component's port" + (at == null ? "" : " (" + at + ")") + " the one the application listens on, or give it time "
          + "to start (probes." + kind + ".initialDelaySeconds, or a startup probe)";
    } else if (status.find()) {
      int code = Integer.parseInt(status.group(1));
      at = scan.locate(workload, component, probeField + ".path", probeField);
      if (code == 404) {
        explanation = "The application answers 404 on " + path + ": the " + kind + " probe's path does not exist; " + effect + ".";
        fix = "set the probe's path to the application's health endpoint" + (at == null ? "" : " at " + at);
      } else if (code >= 500) {
        explanation = "The application answers " + code + " on " + path + ": it reports itself unhealthy, often because something it "
            + "depends on (database, secret, another service) is not reachable; " + effect + ".";
        fix = "read the application's logs (kubectl logs -n " + workload.namespace() + " " + LiveObjects.name(pod) + " -c "
            + first.container() + ") for what its health check fails on";
      } else {
        explanation = "The application answers " + code + " on " + path + ", which a probe counts as failure (only 200-399 pass); " + effect + ".";
        fix = "point the probe at an endpoint that answers 2xx without authentication or redirects" + (at == null ? "" : " (" + at + ")");
      }
    } else if (d.contains("timeout") || d.contains("deadline exceeded")) {
      at = scan.locate(workload, component, probeField + ".timeoutSeconds", probeField);
      explanation = "The application does not answer the " + kind + " probe within " + probe.path("timeoutSeconds").asInt(1)
          + "s; " + effect + ".";
      fix = "make the health endpoint answer quickly (no calls to dependencies), or raise probes." + kind + ".timeoutSeconds"
          + (at == null ? "" : " at " + at);
    } else {
      at = scan.locate(workload, component, probeField);
      explanation = "The " + kind + " probe fails: " + first.detail().strip() + "; " + effect + ".";
      fix = "check the probe" + (at == null ? "" : " at " + at) + " against what the application serves";
    }
    scan.add(severity, workload, component, name(), evidence, explanation, fix, at);
  }
}
