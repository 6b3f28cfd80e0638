package dev.slipway.engine.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ALB ingress groups: every Ingress with the same {@code group.name} on one cluster becomes one
 * load balancer, so settings the AWS Load Balancer Controller treats as exclusive (one value per
 * group) must agree, and two Ingresses must not claim the same host and path. A conflict is an
 * error finding (the plan fails, exit 1, and a sync refuses to apply) naming both Ingresses and
 * their applications; the controller would otherwise refuse the whole group, or one
 * application's rule would silently take another's traffic.
 */
public final class IngressGroups {
  public static final String CODE = "plan.alb-group-conflict";
  private static final String A = "alb.ingress.kubernetes.io/";

  /** Exclusive annotations (controller docs, MergeBehavior "Exclusive") and what to call them. */
  private static final Map<String, String> EXCLUSIVE = new LinkedHashMap<>();

  static {
    EXCLUSIVE.put(A + "scheme", "scheme");
    EXCLUSIVE.put(A + "ip-address-type", "IP address type");
    EXCLUSIVE.put(A + "ssl-policy", "SSL policy");
    EXCLUSIVE.put(A + "inbound-cidrs", "inbound CIDRs");
  }

  private IngressGroups() {}

  /**
   * What a check needs of one ALB Ingress, taken while its application is fully rendered, so that
   * a streamed plan can compare Ingresses of applications it has already let go.
   */
  public record Member(String cluster, String environment, String application, String namespace, String name, String group,
      Map<String, String> annotations, List<HostPath> hostPaths, Position publicPosition, Position at, String path) {
    String annotation(String key) {
      return annotations.get(key);
    }

    String describe() {
      return "Ingress " + namespace + "/" + name + " (application " + application + ", environment " + environment + ")";
    }
  }

  /** One rule of an Ingress: host and path. */
  public record HostPath(String host, String path) {}

  /** The ALB Ingresses of one planned application that belong to a group. */
  public static List<Member> members(ApplicationPlan app) {
    List<Member> out = new ArrayList<>();
    var env = app.resolved().environment();
    for (RenderedObject o : app.bundle().objects()) {
      if (!o.kind().equals("Ingress") || !o.body().path("spec").path("ingressClassName").asText().equals("alb")) {
        continue;
      }
      JsonNode ann = o.body().path("metadata").path("annotations");
      String group = ann.path(A + "group.name").asText(null);
      if (group == null) {
        continue;
      }
      Map<String, String> kept = new TreeMap<>();
      for (String k : EXCLUSIVE.keySet()) {
        if (ann.has(k)) {
          kept.put(k, ann.get(k).asText());
        }
      }
      if (ann.has(A + "certificate-arn")) {
        kept.put(A + "certificate-arn", ann.get(A + "certificate-arn").asText());
      }
      List<HostPath> hostPaths = new ArrayList<>();
      for (JsonNode rule : o.body().path("spec").path("rules")) {
        for (JsonNode p : rule.path("http").path("paths")) {
          hostPaths.add(new HostPath(rule.path("host").asText(), p.path("path").asText()));
        }
      }
      String component = o.component();
      String path = "spec.components." + component + ".ingress";
      Position at = app.resolved().app().components().get(component) instanceof MapNode c ? c.position() : Position.NONE;
      Position pub = null;
      if (app.resolved().trees().get(component) instanceof MapNode tree && tree.get("ingress") instanceof MapNode ingress) {
        pub = ingress.writtenKeyPosition("public");
        if (pub != null) {
          at = pub;
          path += ".public";
        } else if (tree.writtenKeyPosition("ingress") != null) {
          at = tree.writtenKeyPosition("ingress");
        }
      }
      out.add(new Member(env.cluster().context(), env.name(), app.name(), o.namespace(), o.name(), group, kept, hostPaths, pub, at,
          path));
    }
    return out;
  }

  /** Conflicts within every ALB group of the planned environments; empty when there are none. */
  public static List<Diagnostic> check(List<EnvironmentSummary> environments) {
    Map<String, List<Member>> groups = new TreeMap<>();
    for (EnvironmentSummary e : environments) {
      for (ApplicationSummary a : e.applications()) {
        for (Member m : a.albIngresses()) {
          // The controller groups Ingresses per cluster.
          groups.computeIfAbsent(m.cluster() + "\u0000" + m.group(), k -> new ArrayList<>()).add(m);
        }
      }
    }
    List<Diagnostic> out = new ArrayList<>();
    groups.forEach((key, members) -> {
      String group = key.substring(key.indexOf('\u0000') + 1);
      for (int i = 1; i < members.size(); i++) {
        Member m = members.get(i);
        for (Member first : members.subList(0, i)) {
          String conflict = conflict(first, m);
          if (conflict != null) {
            Member blamed = m.publicPosition() == null && first.publicPosition() != null ? first : m;
            out.add(new Diagnostic(Diagnostic.Severity.ERROR, CODE, blamed.at().file(), blamed.at().line(), blamed.at().column(),
                blamed.path(), first.describe() + " and " + m.describe() + " share ALB group '" + group + "' (one load balancer)"
                + " but " + conflict));
            break;
          }
        }
      }
    });
    return out;
  }

  private static String conflict(Member a, Member b) {
    for (var e : EXCLUSIVE.entrySet()) {
      String va = a.annotation(e.getKey());
      String vb = b.annotation(e.getKey());
      if (va != null && vb != null && !va.equals(vb)) {
        return "differ in " + e.getValue() + ": '" + va + "' and '" + vb + "'; a load balancer has one, so give them the same"
            + " setting or separate groups (addons.ingress.group, e.g. '{app}-{env}')";
      }
    }
    for (HostPath hp : b.hostPaths()) {
      for (HostPath other : a.hostPaths()) {
        if (hp.equals(other)) {
          return "both route host " + hp.host() + " path " + hp.path() + "; the rule evaluated first would take all its requests";
        }
      }
    }
    String ca = a.annotation(A + "certificate-arn");
    String cb = b.annotation(A + "certificate-arn");
    if (ca != null && cb != null && !ca.equals(cb) && sharesHost(a, b)) {
      return "name different certificates ('" + ca + "' and '" + cb + "') for the same host; the listener holds both and"
          + " picks one by SNI, not by Ingress";
    }
    return null;
  }

  private static boolean sharesHost(Member a, Member b) {
    return a.hostPaths().stream().anyMatch(x -> b.hostPaths().stream().anyMatch(y -> x.host().equals(y.host())));
  }
}
