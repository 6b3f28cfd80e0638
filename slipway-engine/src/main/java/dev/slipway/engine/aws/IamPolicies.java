package dev.slipway.engine.aws;

import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ComponentSpec.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The AWS permissions an application's IAM roles (IRSA) need for what its components declare,
 * each statement on exactly the resources named in the spec: no wildcard resource is ever
 * produced. Today that is the SQS queue a worker consumes — the worker receives, deletes and
 * extends the visibility of its messages, and KEDA, acting as the workload, reads the queue's
 * attributes to scale it. Pure: resolved application in, policies out, in a stable order.
 */
public final class IamPolicies {
  /** What a consumer does with its queue's messages, and what KEDA reads to scale it. */
  public static final List<String> QUEUE_CONSUMER_ACTIONS = List.of("sqs:ChangeMessageVisibility", "sqs:DeleteMessage",
      "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage");

  private IamPolicies() {}

  /** One statement: actions allowed on exact resources, and the components that need them. */
  public record Statement(String sid, List<String> actions, List<String> resources, List<String> components) {}

  /** The policy one role needs, with the components that run with the role. */
  public record RolePolicy(String roleArn, List<Statement> statements) {}

  /** Role ARN (with {app} and {env} filled) → the policy it needs in this application; roles needing nothing are absent. */
  public static SortedMap<String, RolePolicy> of(ResolvedApplication app) {
    SortedMap<String, List<Statement>> byRole = new TreeMap<>();
    for (ComponentSpec c : app.components()) {
      Queue q = c.queue();
      if (q == null || c.serviceAccount() == null || c.serviceAccount().roleArn() == null) {
        continue;
      }
      String role = c.serviceAccount().roleArn().replace("{app}", app.name()).replace("{env}", app.environment().name());
      byRole.computeIfAbsent(role, r -> new ArrayList<>())
          .add(new Statement(sid("ConsumeQueue", c.name()), QUEUE_CONSUMER_ACTIONS, List.of(q.arn()), List.of(c.name())));
    }
    SortedMap<String, RolePolicy> out = new TreeMap<>();
    byRole.forEach((role, statements) -> out.put(role, new RolePolicy(role, merge(statements))));
    return out;
  }

  /** Statements of several components on the same queue become one, naming every component. */
  private static List<Statement> merge(List<Statement> statements) {
    SortedMap<String, Statement> byResource = new TreeMap<>();
    for (Statement s : statements) {
      String key = String.join(",", s.actions()) + "|" + String.join(",", s.resources());
      Statement prev = byResource.get(key);
      if (prev == null) {
        byResource.put(key, s);
      } else {
        TreeSet<String> components = new TreeSet<>(prev.components());
        components.addAll(s.components());
        byResource.put(key, new Statement(prev.sid(), prev.actions(), prev.resources(), List.copyOf(components)));
      }
    }
    return List.copyOf(byResource.values());
  }

  /** An IAM statement id: alphanumeric only. */
  private static String sid(String prefix, String component) {
    StringBuilder b = new StringBuilder(prefix);
    for (String part : component.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return b.toString();
  }
}
