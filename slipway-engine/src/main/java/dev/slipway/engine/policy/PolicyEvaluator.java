package dev.slipway.engine.policy;

import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.spec.ApplicationSpec.Waiver;
import java.util.ArrayList;
import java.util.List;

/** Evaluates the baseline on an application's rendered objects and applies its waivers. */
public final class PolicyEvaluator {
  private final List<BaselineRule> rules;

  public PolicyEvaluator(List<BaselineRule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static PolicyEvaluator baseline() {
    return new PolicyEvaluator(BaselineRules.ALL);
  }

  public List<BaselineRule> rules() {
    return rules;
  }

  /**
   * Every rule on every object. Failures covered by a waiver become {@code WAIVED} with its reason.
   *
   * @param fileOf the output file of each object, for reports
   */
  public List<PolicyFinding> evaluate(List<RenderedObject> objects, PolicyContext ctx, List<Waiver> waivers,
      java.util.function.Function<RenderedObject, String> fileOf) {
    List<PolicyFinding> out = new ArrayList<>();
    for (RenderedObject o : objects) {
      for (BaselineRule rule : rules) {
        if (!rule.appliesTo(o.body(), ctx)) {
          continue;
        }
        List<Violation> vs = rule.check(o.body(), ctx);
        if (vs.isEmpty()) {
          out.add(new PolicyFinding(rule.id(), o.ref(), fileOf.apply(o), o.component(), "", "", PolicyFinding.Outcome.PASS, null));
          continue;
        }
        Waiver w = waivers.stream().filter(x -> x.covers(rule.id(), o.component(), ctx.environment())).findFirst().orElse(null);
        for (Violation v : vs) {
          out.add(new PolicyFinding(rule.id(), o.ref(), fileOf.apply(o), o.component(), v.path(), v.message(),
              w == null ? PolicyFinding.Outcome.FAIL : PolicyFinding.Outcome.WAIVED, w == null ? null : w.reason()));
        }
      }
    }
    return out;
  }
}
