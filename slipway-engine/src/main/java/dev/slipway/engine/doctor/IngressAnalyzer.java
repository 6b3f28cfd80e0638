package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code Ingress}: an Ingress without an address, so its host resolves to nothing. The AWS Load
 * Balancer Controller says why in events on the Ingress ({@code FailedBuildModel},
 * {@code FailedDeployModel}); the analyzer reads them (group conflicts, subnets, certificates,
 * permissions) and checks what it can itself: the IngressClass, the backend Services.
 */
final class IngressAnalyzer implements Analyzer {
  static final String GROUP = "alb.ingress.kubernetes.io/group.name";
  /** An Ingress younger than this without an address is still being provisioned. */
  static final Duration PROVISIONING = Duration.ofMinutes(5);

  @Override
  public String name() {
    return "Ingress";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode ing : scan.live.ofKind("Ingress")) {
      if (ing.path("status").path("loadBalancer").path("ingress").size() > 0) {
        continue;
      }
      ObjectRef ref = LiveObjects.ref(ing);
      String component = scan.component(ing);
      List<String> evidence = new ArrayList<>();
      evidence.add("status.loadBalancer.ingress: empty");
      String className = ing.path("spec").path("ingressClassName").asText(
          ing.path("metadata").path("annotations").path("kubernetes.io/ingress.class").asText(""));
      evidence.add("ingressClassName: " + (className.isEmpty() ? "none" : className));
      List<JsonNode> warnings = scan.live.events(ref).stream().filter(e -> e.path("type").asText().equals("Warning")).toList();
      warnings.stream().reduce((a, b) -> b).ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
      String text = String.join("\n", warnings.stream().map(LiveObjects::message).toList()).toLowerCase(Locale.ROOT);
      String group = ing.path("metadata").path("annotations").path(GROUP).asText(null);
      List<String> missing = missingBackends(scan, ing);
      String explanation;
      String fix;
      SpecRef at = null;
      if (text.contains("conflict") || text.contains("group") && group != null) {
        List<String> members = scan.live.ofKind("Ingress").stream().filter(o -> o != ing)
            .filter(o -> group != null && group.equals(o.path("metadata").path("annotations").path(GROUP).asText(null)))
            .map(o -> LiveObjects.ref(o).toString()).toList();
        evidence.add("ingress group " + (group == null ? "(none)" : group) + (members.isEmpty() ? "" : " shared with " + String.join(", ", members)));
        at = scan.spec.platformSpecField("addons.ingress.group");
        explanation = "The load balancer controller refuses to build the ALB: the Ingresses of group " + group
            + " ask for conflicting settings (an Ingress of the group sets a different scheme, listen ports, certificate, "
            + "or the same group.order), so the whole group gets no address.";
        fix = "make the group's Ingresses agree, or give this application's ingress its own group"
            + (at == null ? " (addons.ingress.group in slipway.yaml)" : " at " + at);
      } else if (text.contains("subnet")) {
        explanation = "The load balancer controller finds no subnets to put the ALB in.";
        fix = "tag the public subnets kubernetes.io/role/elb=1 (internal ALBs: kubernetes.io/role/internal-elb=1) and "
            + "kubernetes.io/cluster/<cluster>=shared, or name them in alb.ingress.kubernetes.io/subnets";
      } else if (text.contains("certificate")) {
        at = scan.spec.platformSpecField("addons.ingress.certificateArn");
        explanation = "The load balancer controller cannot use the TLS certificate for the ALB's HTTPS listener.";
        fix = "use an ACM certificate of the cluster's region that covers the host" + (at == null ? "" : " (" + at + ")");
      } else if (text.contains("accessdenied") || text.contains("not authorized") || text.contains("unauthorized")) {
        explanation = "The load balancer controller is not allowed to create the ALB: its IAM role lacks a permission.";
        fix = "attach the AWS Load Balancer Controller's IAM policy (iam_policy.json of its release) to the controller's role";
      } else if (!missing.isEmpty()) {
        missing.forEach(m -> evidence.add("backend Service " + m + " does not exist"));
        explanation = "The Ingress routes to a Service that does not exist, so the controller cannot build its target groups.";
        fix = "create the Service, or correct the Ingress's backend";
      } else if (!className.isEmpty() && scan.live.hasKind("IngressClass")
          && scan.live.get("IngressClass", null, className).isEmpty()) {
        at = scan.spec.platformSpecField("addons.ingress.class");
        explanation = "No IngressClass " + className + " exists, so no controller serves this Ingress.";
        fix = "install the ingress controller that provides class " + className + ", or use the class of the one installed"
            + (at == null ? "" : " (" + at + ")");
      } else if (!warnings.isEmpty()) {
        explanation = "The ingress controller reports a failure: " + ContainerAnalyzers.firstLine(LiveObjects.message(warnings.get(warnings.size() - 1)));
        fix = "correct what the controller's event names; its logs have the details";
      } else {
        Duration age = scan.age(ing.path("metadata").path("creationTimestamp").asText(null));
        if (age != null && age.compareTo(PROVISIONING) < 0) {
          continue; // an ALB takes a few minutes
        }
        evidence.add("created " + Scan.shortAge(age) + " ago; no events from a controller");
        explanation = "No controller has taken the Ingress: nothing has given it an address and no event says why.";
        fix = "check that the AWS Load Balancer Controller runs (kubectl -n kube-system get deploy aws-load-balancer-controller) "
            + "and serves class " + (className.isEmpty() ? "alb" : className);
      }
      scan.add(Severity.ERROR, ref, component, name(), evidence, explanation, fix, at);
    }
  }

  private static List<String> missingBackends(Scan scan, JsonNode ing) {
    if (!scan.live.hasKind("Service")) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    String ns = LiveObjects.namespace(ing);
    for (JsonNode svc : ing.findValues("service")) {
      String name = svc.path("name").asText(null);
      if (name != null && scan.live.get("Service", ns, name).isEmpty() && !out.contains(ns + "/" + name)) {
        out.add(ns + "/" + name);
      }
    }
    return out;
  }
}
