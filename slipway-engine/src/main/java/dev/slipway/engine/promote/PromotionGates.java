package dev.slipway.engine.promote;

import dev.slipway.model.spec.ApprovalsSpec;
import dev.slipway.model.spec.ApprovalsSpec.Approval;
import dev.slipway.model.spec.EnvironmentSpec.PromotionSpec;
import dev.slipway.model.spec.ReleaseSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The gates of one promotion, judged from data: every gate is evaluated and listed (not only the
 * first that fails), each with the reason a person acts on. Gates fail closed: what could not be
 * read does not pass. Pure: the caller reads the cluster and Git and passes the clock's reading.
 */
public final class PromotionGates {
  private PromotionGates() {}

  /**
   * A manual rollback pinned the target: automated promotion leaves it alone (Kargo #3016) and a
   * manual one needs {@code --force}.
   *
   * @param revision the pinned history revision
   * @param by who made the revision that pinned it
   */
  public record Pin(int revision, String by) {}

  /**
   * Everything one promotion is judged on.
   *
   * @param route the source and target environments (a valid route)
   * @param candidate the release taken from the source
   * @param check the target rendered with the candidate, validated and policy-checked
   * @param approvals the approvals file of the target, or null
   * @param promoter who promotes, or null when only listing (then fourEyes cannot exclude anyone yet)
   * @param pin the target's pin, or null
   * @param pinUnreadable why the target's pin could not be read, or null (then the pin gate fails closed)
   * @param force whether {@code --force} overrides a pin
   */
  public record Input(PromotionRoute route, ReleaseSpec candidate, TargetCheck check, SourceObservation source, ApprovalsSpec approvals,
      String promoter, Pin pin, String pinUnreadable, boolean force, Instant now) {}

  /** The gates, and whether all passed. */
  public record Report(List<Gate> gates) {
    public Report {
      gates = List.copyOf(gates);
    }

    public boolean passed() {
      return gates.stream().allMatch(Gate::passed);
    }

    public List<Gate> failed() {
      return gates.stream().filter(g -> !g.passed()).toList();
    }
  }

  public static Report evaluate(Input in) {
    PromotionSpec spec = in.route().target().promotion();
    String app = in.candidate().application();
    String source = in.route().source().name();
    String target = in.route().target().name();
    List<Gate> gates = new ArrayList<>();
    gates.add(Gate.pass("route", source + " → " + target + " (" + target + "'s promotion.from)"));
    gates.add(policy(in.check(), target));
    gates.add(sourceGate(in, app, source));
    if (spec.soak() != null) {
      gates.add(soak(in, spec.soak(), app, source));
    }
    if (spec.needsApproval()) {
      gates.add(approval(in, spec, app, target));
    }
    gates.add(in.pinUnreadable() != null
        ? Gate.fail("pin", "cannot read whether " + target + " is pinned: " + in.pinUnreadable() + " (fail closed)")
        : pin(in.pin(), in.force(), app, target));
    return new Report(gates);
  }

  static Gate policy(TargetCheck c, String target) {
    if (c == null || !c.planned()) {
      return Gate.fail("policy", "the release could not be planned for " + target + " (fail closed)");
    }
    if (c.blocked()) {
      List<String> parts = new ArrayList<>();
      if (c.invalid() > 0) {
        parts.add(c.invalid() + " invalid object(s)");
      }
      if (c.enforced() > 0) {
        parts.add(c.enforced() + " enforced policy violation(s)");
      }
      return Gate.fail("policy", String.join(" and ", parts) + " in " + target + " with the release's images: "
          + String.join("; ", c.problems()));
    }
    return Gate.pass("policy", "valid, no enforced policy violation in " + target
        + (c.warnings() > 0 ? " (" + c.warnings() + " warning(s))" : ""));
  }

  /** The source runs the release now: its newest revision deployed the release's configuration and succeeded; Synced and Healthy. */
  static Gate sourceGate(Input in, String app, String source) {
    String problem = sourceProblem(in, app, source);
    if (problem != null) {
      return Gate.fail("source", problem);
    }
    SourceObservation.Revision r = runningSince(in.source(), in.candidate().configHash());
    return Gate.pass("source", app + " is Synced and Healthy in " + source + " at the release's revision " + r.number());
  }

  private static String sourceProblem(Input in, String app, String source) {
    SourceObservation s = in.source();
    if (s == null || s.unreadable() != null) {
      return "cannot read " + app + " in " + source + ": " + (s == null ? "not read" : s.unreadable()) + " (fail closed)";
    }
    if (s.revisions().isEmpty()) {
      return "no sync of " + app + " in " + source + " is recorded in its history; sync " + source + " first";
    }
    SourceObservation.Revision last = s.revisions().get(s.revisions().size() - 1);
    if (!last.succeeded()) {
      return source + "'s last sync of " + app + " (revision " + last.number() + ") did not succeed: " + last.result();
    }
    if (in.candidate().configHash() == null || !in.candidate().configHash().equals(last.hash())) {
      return source + "'s last sync of " + app + " (revision " + last.number() + ") deployed configuration " + last.hash()
          + ", not the release's " + in.candidate().configHash() + "; sync " + source + " first";
    }
    if (!"Synced".equals(s.sync()) || !"Healthy".equals(s.health())) {
      return app + " in " + source + " is " + s.sync() + " and " + s.health() + " now";
    }
    return null;
  }

  /** The oldest revision of the unbroken run of successful syncs of this configuration that ends with the newest. */
  static SourceObservation.Revision runningSince(SourceObservation s, String hash) {
    SourceObservation.Revision since = null;
    for (int i = s.revisions().size() - 1; i >= 0; i--) {
      SourceObservation.Revision r = s.revisions().get(i);
      if (!r.succeeded() || hash == null || !hash.equals(r.hash())) {
        break;
      }
      since = r;
    }
    return since;
  }

  static Gate soak(Input in, String soak, String app, String source) {
    String problem = sourceProblem(in, app, source);
    Duration need = duration(soak);
    if (problem != null) {
      return Gate.fail("soak", "needs " + soak + " Healthy and Synced in " + source + ": " + problem);
    }
    SourceObservation.Revision since = runningSince(in.source(), in.candidate().configHash());
    Instant start;
    try {
      start = Instant.parse(since.time());
    } catch (DateTimeParseException | NullPointerException e) {
      return Gate.fail("soak", "revision " + since.number() + " of " + app + " in " + source + " has no readable time ('" + since.time()
          + "') (fail closed)");
    }
    Duration ran = Duration.between(start, in.now());
    if (ran.compareTo(need) >= 0) {
      return Gate.pass("soak", "running in " + source + " for " + human(ran) + " since " + since.time() + " (soak " + soak + ")");
    }
    return Gate.fail("soak", "running in " + source + " for " + human(ran.isNegative() ? Duration.ZERO : ran) + " of " + soak
        + "; passes at " + start.plus(need));
  }

  static Gate approval(Input in, PromotionSpec spec, String app, String target) {
    int need = Math.max(1, spec.approvals());
    ApprovalsSpec a = in.approvals();
    String how = "approve with: slipway approve " + app + " --env " + target;
    if (a == null || a.approvals().isEmpty()) {
      return Gate.fail("approval", "0 of " + need + " approval(s) for release " + in.candidate().id() + "; " + how);
    }
    if (!a.release().equals(in.candidate().id())) {
      return Gate.fail("approval", "0 of " + need + " approval(s) for release " + in.candidate().id() + ": " + a.approvals().size()
          + " approval(s) for the older candidate " + a.release() + " do not count; " + how);
    }
    Set<String> approvers = new LinkedHashSet<>();
    a.approvals().stream().map(Approval::by).forEach(approvers::add);
    String excluded = "";
    if (spec.fourEyes() && in.promoter() != null && approvers.remove(in.promoter())) {
      excluded = " (" + in.promoter() + " promotes, so their approval does not count: fourEyes)";
    }
    String list = approvers.isEmpty() ? "" : ": " + String.join(", ", approvers);
    if (approvers.size() >= need) {
      return Gate.pass("approval", approvers.size() + " of " + need + " approval(s)" + list + excluded);
    }
    return Gate.fail("approval", approvers.size() + " of " + need + " approval(s)" + list + excluded + "; " + how
        + (spec.fourEyes() ? " (fourEyes: by someone other than the promoter)" : ""));
  }

  static Gate pin(Pin pin, boolean force, String app, String target) {
    if (pin == null || pin.revision() <= 0) {
      return Gate.pass("pin", target + " is not pinned");
    }
    String reason = target + " is pinned at revision " + pin.revision() + " by " + (pin.by() == null ? "a rollback" : pin.by())
        + " (unpin with: slipway unpin " + app + " --env " + target + ")";
    if (force) {
      return new Gate("pin", true, reason + "; overridden by --force", true);
    }
    return Gate.fail("pin", reason + "; or promote with --force");
  }

  /** A spec duration such as {@code 30m} or {@code 1h30m} (the loader checked the form). */
  public static Duration duration(String text) {
    return dev.slipway.model.yaml.Durations.parse(text);
  }

  static String human(Duration d) {
    long s = d.getSeconds();
    if (s >= 3600) {
      return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
    if (s >= 60) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    return s + "s";
  }
}
