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
 * group) must agree, and two Ingresses must not claim the same host and path. A conflict is a
 * spec error naming both Ingresses and their applications; the controller would otherwise refuse
 * the whole group, or one application's rule would silently take another's traffic.
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

  private record Member(EnvironmentPlan env, ApplicationPlan app, RenderedObject ingress) {
    String annotation(String key) {
      JsonNode v = ingress.body().path("metadata").path("annotations").get(key);
      return v == null ? null : v.asText();
    }

    String describe() {
      return "Ingress " + ingress.namespace() + "/" + ingress.name() + " (application " + app.name() + ", environment "
          + env.name() + ")";
    }

    List<String[]> hostPaths() {
      List<String[]> out = new ArrayList<>();
      for (JsonNode rule : ingress.body().path("spec").path("rules")) {
        for (JsonNode p : rule.path("http").path("paths")) {
          out.add(new String[] {rule.path("host").asText(), p.path("path").asText()});
        }
      }
      return out;
    }
  }

  /** Conflicts within every ALB group of the planned environments; empty when there are none. */
  public static List<Diagnostic> check(List<EnvironmentPlan> environments) {
    Map<String, List<Member>> groups = new TreeMap<>();
    for (EnvironmentPlan e : environments) {
      for (ApplicationPlan a : e.applications()) {
        for (RenderedObject o : a.bundle().objects()) {
          if (o.kind().equals("Ingress") && o.body().path("spec").path("ingressClassName").asText().equals("alb")) {
            Member m = new Member(e, a, o);
            String group = m.annotation(A + "group.name");
            if (group != null) {
              // The controller groups Ingresses per cluster.
              groups.computeIfAbsent(e.environment().cluster().context() + "\u0000" + group, k -> new ArrayList<>()).add(m);
            }
          }
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
            out.add(error(blamed(first, m), first.describe() + " and " + m.describe() + " share ALB group '" + group + "' (one load balancer)"
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
    for (String[] hp : b.hostPaths()) {
      for (String[] other : a.hostPaths()) {
        if (hp[0].equals(other[0]) && hp[1].equals(other[1])) {
          return "both route host " + hp[0] + " path " + hp[1] + "; the rule evaluated first would take all its requests";
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
    return a.hostPaths().stream().anyMatch(x -> b.hostPaths().stream().anyMatch(y -> x[0].equals(y[0])));
  }

  /** The member whose component overrides the scheme itself, where one does; else the later one. */
  private static Member blamed(Member first, Member later) {
    return publicPosition(later) == null && publicPosition(first) != null ? first : later;
  }

  private static Position publicPosition(Member m) {
    return m.app().resolved().trees().get(m.ingress().component()) instanceof MapNode tree
        && tree.get("ingress") instanceof MapNode ingress ? ingress.writtenKeyPosition("public") : null;
  }

  /** At the component's {@code ingress.public}, else its {@code ingress}, where it was written. */
  private static Diagnostic error(Member m, String message) {
    String component = m.ingress().component();
    String path = "spec.components." + component + ".ingress";
    Position at = m.app().resolved().app().components().get(component) instanceof MapNode c ? c.position() : Position.NONE;
    if (m.app().resolved().trees().get(component) instanceof MapNode tree && tree.get("ingress") instanceof MapNode ingress) {
      Position p = ingress.writtenKeyPosition("public");
      if (p != null) {
        at = p;
        path += ".public";
      } else if (tree.writtenKeyPosition("ingress") != null) {
        at = tree.writtenKeyPosition("ingress");
      }
    }
    return new Diagnostic(Diagnostic.Severity.ERROR, CODE, at.file(), at.line(), at.column(), path, message);
  }
}
