package dev.slipway.cli;

import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.policy.SecretNames;
import dev.slipway.engine.plan.Plan;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.util.ArrayList;
import java.util.List;

/** {@code plan --explain}: every resolved value of every component with the layer it came from. */
final class ExplainPrinter {

  private static final List<String> ORDER = List.of("type", "image", "version", "port", "command", "args", "replicas",
      "resources", "probes", "env", "secrets", "config", "autoscaling", "ingress", "serviceAccount", "dependsOn",
      "metrics", "storage", "schedule", "security");

  private ExplainPrinter() {}

  static String print(Plan plan) {
    StringBuilder sb = new StringBuilder();
    for (EnvironmentPlan e : plan.environments()) {
      for (var a : e.applications()) {
        ResolvedApplication r = a.resolved();
        sb.append(r.name()).append(" in ").append(e.name()).append(" (namespace ").append(r.namespace()).append(")\n");
        for (var c : r.trees().entrySet()) {
          sb.append("\n  component ").append(c.getKey()).append('\n');
          List<String[]> rows = new ArrayList<>();
          MapNode tree = (MapNode) c.getValue();
          for (String key : ORDER) {
            if (tree.has(key)) {
              flatten(key, tree.get(key), rows);
            }
          }
          tree.entries().forEach((k, v) -> {
            if (!ORDER.contains(k)) {
              flatten(k, v, rows);
            }
          });
          sb.append(Output.table(rows, "    "));
        }
        sb.append('\n');
      }
    }
    sb.append("Layers, lowest first: type default, platform (slipway.yaml environment defaults), app (app.yaml),\n")
        .append("environment override (app.yaml environments.<env>), what-if --set (the command line; each names the value\n")
        .append("it overrides), derived (computed from other values).\n");
    return sb.toString();
  }

  private static void flatten(String path, SpecNode n, List<String[]> rows) {
    if (n instanceof MapNode m) {
      if (m.entries().isEmpty()) {
        rows.add(new String[] {path, "{}", m.origin().describe()});
      }
      m.entries().forEach((k, v) -> flatten(path.isEmpty() ? k : path + "." + k, v, rows));
    } else if (n instanceof ListNode l) {
      if (l.items().stream().allMatch(i -> i instanceof Scalar)) {
        List<String> vals = l.items().stream().map(i -> ((Scalar) i).value()).toList();
        rows.add(new String[] {path, "[" + String.join(", ", vals) + "]", l.origin().describe()});
      } else {
        for (int i = 0; i < l.items().size(); i++) {
          flatten(path + "[" + i + "]", l.items().get(i), rows);
        }
      }
    } else if (n instanceof Scalar s) {
      String value = s.kind() == Scalar.Kind.STRING ? quoteIfNeeded(s.value()) : s.value();
      if (path.startsWith("env.") && SecretNames.looksLikeSecret(path.substring(4))) {
        value = "(hidden: the name looks like a secret)";
      }
      rows.add(new String[] {path, value, s.origin().describe()});
    } else {
      rows.add(new String[] {path, "(removed)", n.origin().describe()});
    }
  }

  private static String quoteIfNeeded(String v) {
    String oneLine = v.contains("\n") ? v.substring(0, v.indexOf('\n')) + " ..." : v;
    return oneLine.matches("[0-9.]+|true|false|null|") ? "\"" + oneLine + "\"" : oneLine;
  }
}
