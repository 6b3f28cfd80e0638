package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.spec.ComponentSpec.Autoscaling;
import dev.slipway.model.spec.ComponentSpec.Ingress;
import dev.slipway.model.spec.DeliveryStrategy;
import dev.slipway.model.spec.DeliveryStrategy.Kind;
import dev.slipway.model.spec.DeliveryStrategy.Step;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.yaml.Durations;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds a component's {@code strategy:}: {@code blueGreen} or {@code canary}, written as a word
 * (the defaults) or as a map with {@code type:} and settings. Checks what can be checked before
 * anything runs: the type of component, an ingress on an ALB for a canary, the weights, the
 * analysis templates named.
 */
final class Strategies {
  static final Duration SCALE_DOWN_DELAY = Duration.ofSeconds(30);
  static final Duration PROGRESS_DEADLINE = Duration.ofMinutes(10);
  static final Duration PAUSE_DEADLINE = Duration.ofHours(24);
  /** The canary steps when none are written: 5, 20, 50 percent, a minute each. */
  static final List<Step> DEFAULT_STEPS = List.of(Step.weight(5), Step.pauseFor(Duration.ofMinutes(1)), Step.weight(20),
      Step.pauseFor(Duration.ofMinutes(1)), Step.weight(50), Step.pauseFor(Duration.ofMinutes(1)));
  private static final List<String> KINDS = List.of(Kind.BLUE_GREEN.id(), Kind.CANARY.id());

  private Strategies() {}

  /** The component's strategy, or null when it has none (or it is wrong: then a diagnostic says why). */
  static DeliveryStrategy bind(Fields component, Ingress ingress, Autoscaling autoscaling, EnvironmentSpec env, Diagnostics d) {
    SpecNode n = component.raw("strategy");
    if (n == null || n instanceof SpecNode.Null) {
      return null;
    }
    Position at = component.position("strategy");
    String path = component.path("strategy");
    Kind kind;
    Fields f = null;
    if (n instanceof Scalar s) {
      kind = kind(s.value(), at, path, d);
    } else {
      f = Fields.of(n, path, d);
      if (f == null) {
        return null;
      }
      String type = f.required("type");
      kind = type == null ? null : kind(type, f.position("type"), f.path("type"), d);
    }
    if (kind == null) {
      if (f != null) {
        f.finish();
      }
      return null;
    }
    List<String> analysis = List.of();
    List<Step> steps = List.of();
    boolean autoPromote = true;
    Duration scaleDownDelay = SCALE_DOWN_DELAY;
    Duration progressDeadline = PROGRESS_DEADLINE;
    Duration pauseDeadline = PAUSE_DEADLINE;
    if (f != null) {
      analysis = templates(f, "analysis", env, d);
      scaleDownDelay = duration(f, "scaleDownDelay", scaleDownDelay, d);
      progressDeadline = duration(f, "progressDeadline", progressDeadline, d);
      pauseDeadline = duration(f, "pauseDeadline", pauseDeadline, d);
      if (kind == Kind.BLUE_GREEN) {
        autoPromote = f.bool("autoPromote", true);
        if (f.has("steps")) {
          d.error("spec.not-applicable", f.position("steps"), f.path("steps"),
              "'steps' belong to a canary; a blue/green rollout switches all traffic at once (use type: canary for steps)");
        }
      } else {
        steps = f.has("steps") ? steps(f, env, d) : DEFAULT_STEPS;
        if (f.has("autoPromote")) {
          d.error("spec.not-applicable", f.position("autoPromote"), f.path("autoPromote"),
              "'autoPromote' belongs to blue/green; a canary waits where a step says 'pause: {}'");
        }
      }
      f.finish();
    } else if (kind == Kind.CANARY) {
      steps = DEFAULT_STEPS;
    }
    if (autoscaling != null) {
      d.error("spec.unsupported", at, path, "a " + kind.id() + " rollout of an autoscaled component is not supported yet:"
          + " remove 'autoscaling' or the strategy (the Deployment's rolling update works with autoscaling)");
      return null;
    }
    if (kind == Kind.CANARY) {
      var ingressAddon = env.addons().ingress();
      if (ingress == null) {
        d.error("spec.strategy-needs-ingress", at, path, "a canary shifts the ingress's traffic by weight: the component needs an"
            + " 'ingress' (or use strategy: blueGreen, which switches a Service)");
        return null;
      }
      if (ingressAddon == null || !ingressAddon.isAlb()) {
        d.error("spec.strategy-needs-alb", at, path, "a canary's weighted routing needs the AWS Load Balancer Controller; environment '"
            + env.name() + "' has ingress class " + (ingressAddon == null ? "none" : "'" + ingressAddon.className() + "'")
            + " (use strategy: blueGreen there)");
        return null;
      }
    }
    return new DeliveryStrategy(kind, steps, analysis, autoPromote, scaleDownDelay, progressDeadline, pauseDeadline, at);
  }

  private static Kind kind(String value, Position at, String path, Diagnostics d) {
    for (Kind k : Kind.values()) {
      if (k.id().equals(value)) {
        return k;
      }
    }
    d.error("spec.invalid-value", at, path, Fields.quote(path, value) + " is not a strategy; one of " + String.join(", ", KINDS)
        + Suggest.hint(value, KINDS));
    return null;
  }

  private static Duration duration(Fields f, String key, Duration fallback, Diagnostics d) {
    String v = f.string(key);
    if (v == null) {
      return fallback;
    }
    if (!Durations.valid(v)) {
      d.error("spec.invalid-duration", f.position(key), f.path(key), "'" + v + "' is not a duration (examples: 30s, 5m, 1h30m)");
      return fallback;
    }
    return Durations.parse(v);
  }

  /** Names of analysis templates; an unknown one is an error with the known ones. */
  private static List<String> templates(Fields f, String key, EnvironmentSpec env, Diagnostics d) {
    List<String> names = f.stringList(key);
    if (names == null) {
      return List.of();
    }
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!env.analysis().containsKey(name)) {
        SpecNode list = f.raw(key);
        Position at = list instanceof ListNode l && i < l.items().size() ? l.items().get(i).position() : f.position(key);
        d.error("spec.unknown-analysis", at, f.path(key) + "[" + i + "]", "no analysis template '" + name + "' in slipway.yaml"
            + (env.analysis().isEmpty() ? " (spec.analysis.templates has none)"
                : "; known: " + String.join(", ", env.analysis().keySet()) + Suggest.hint(name, env.analysis().keySet())));
      }
    }
    return names;
  }

  private static List<Step> steps(Fields f, EnvironmentSpec env, Diagnostics d) {
    SpecNode n = f.raw("steps");
    if (!(n instanceof ListNode list) || list.items().isEmpty()) {
      d.error("spec.invalid-value", f.position("steps"), f.path("steps"), "steps must be a non-empty list such as"
          + " [{setWeight: 5}, {pause: {duration: 5m}}, {setWeight: 50}, {pause: {}}]");
      return List.of();
    }
    List<Step> out = new ArrayList<>();
    int last = 0;
    for (int i = 0; i < list.items().size(); i++) {
      SpecNode item = list.items().get(i);
      String path = f.path("steps") + "[" + i + "]";
      Fields s = Fields.of(item, path, d);
      if (s == null) {
        continue;
      }
      int kinds = (s.has("setWeight") ? 1 : 0) + (s.has("pause") ? 1 : 0) + (s.has("analysis") ? 1 : 0);
      if (kinds != 1) {
        d.error("spec.invalid-value", item.position(), path, "a step is exactly one of setWeight, pause or analysis");
        s.finish();
        continue;
      }
      if (s.has("setWeight")) {
        Integer w = s.integer("setWeight", 0, 100);
        if (w != null) {
          if (w < last) {
            d.error("spec.invalid-weight", s.position("setWeight"), path + ".setWeight", "weight " + w + " after " + last
                + ": a canary's weights only grow (abort is what returns traffic to the stable version)");
          }
          last = Math.max(last, w);
          out.add(new Step(w, null, false, List.of(), s.position("setWeight")));
        }
      } else if (s.has("pause")) {
        Fields p = s.childOrEmpty("pause");
        if (s.raw("pause") instanceof Scalar) {
          d.error("spec.invalid-value", s.position("pause"), path + ".pause", "pause is a map: {duration: 5m}, or {} to wait for"
              + " slipway rollout promote");
        } else {
          Duration dur = p.has("duration") ? duration(p, "duration", null, d) : null;
          out.add(new Step(null, dur, dur == null, List.of(), s.position("pause")));
        }
        p.finish();
      } else {
        List<String> names = templates(s, "analysis", env, d);
        if (names.isEmpty()) {
          d.error("spec.invalid-value", s.position("analysis"), path + ".analysis", "an analysis step names one or more templates");
        }
        out.add(new Step(null, null, false, names, s.position("analysis")));
      }
      s.finish();
    }
    return out;
  }
}
