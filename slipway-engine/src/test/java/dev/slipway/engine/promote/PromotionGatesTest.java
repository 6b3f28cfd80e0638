package dev.slipway.engine.promote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.plan.Planner;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.ApprovalsSpec;
import dev.slipway.model.spec.ApprovalsSpec.Approval;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.EnvironmentSpec.PromotionSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.spec.ReleaseSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The promotion gates judged from data: each gate passing and failing, approvals, fourEyes, stale approvals, pins, routes. */
class PromotionGatesTest {
  static final Workspace ACME = Workspace.load(Path.of("..", "examples", "acme"));
  static final PlatformSpec PLATFORM = ACME.platform();
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final String HASH = "0123456789abcdef";

  static ReleaseSpec candidate() {
    return Candidates.take("proyecto06", "staging", Map.of("backend", "123456789012.dkr.ecr.us-east-1.amazonaws.com/proyecto06-backend:1.4.2"),
        Map.of("backend", "sha256:" + "a".repeat(64)), "c0ffee", HASH, NOW.toString(), "dev@acme.example");
  }

  static SourceObservation healthySince(String time) {
    return new SourceObservation(List.of(new SourceObservation.Revision(1, "2026-11-29T00:00:00Z", "ci", "old", "ffff", "Succeeded", 0),
        new SourceObservation.Revision(2, time, "ci", "c0ffee", HASH, "Succeeded", 0)), null, "Synced", "Healthy");
  }

  static final TargetCheck CLEAN = new TargetCheck(true, 0, 0, 1, false, List.of());

  /** prod with the example's promotion, changed where a test says. */
  static PromotionRoute prod(PromotionSpec spec) {
    PromotionRoute r = PromotionRoute.to(PLATFORM, "prod", null);
    EnvironmentSpec t = r.target();
    EnvironmentSpec target = new EnvironmentSpec(t.name(), t.position(), t.production(), t.cluster(), t.domain(), t.namespace(),
        t.namespacePosition(), t.policy(), t.nodePools(), spec, t.addons(), t.sync(), t.defaults());
    return new PromotionRoute(r.source(), target, null);
  }

  static PromotionGates.Input input(PromotionRoute route, ApprovalsSpec approvals, String promoter) {
    return new PromotionGates.Input(route, candidate(), CLEAN, healthySince("2026-11-30T11:00:00Z"), approvals, promoter, null, null,
        false, NOW);
  }

  static Gate gate(PromotionGates.Report r, String name) {
    return r.gates().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  static ApprovalsSpec approvals(String release, String... by) {
    return new ApprovalsSpec("proyecto06", "prod", release, java.util.Arrays.stream(by).map(b -> new Approval(b, NOW.toString(), "ok")).toList());
  }

  static PromotionSpec spec(int approvals, boolean fourEyes) {
    return new PromotionSpec("staging", List.of("approval"), "30m", approvals, fourEyes, false, PLATFORM.environments().get(2).promotion().position());
  }

  @Test
  void everyGatePassesForAHealthySoakedApprovedRelease() {
    PromotionGates.Report r = PromotionGates.evaluate(input(prod(spec(1, false)), approvals(candidate().id(), "lead@acme.example"),
        "dev@acme.example"));
    assertThat(r.gates()).extracting(Gate::name).containsExactly("route", "policy", "source", "soak", "approval", "pin");
    assertThat(r.passed()).as(r.toString()).isTrue();
    assertThat(gate(r, "soak").reason()).contains("running in staging for 1h0m").contains("soak 30m");
    assertThat(gate(r, "route").reason()).isEqualTo("staging → prod (prod's promotion.from)");
  }

  @Test
  void listsEveryFailingGateNotOnlyTheFirst() {
    PromotionGates.Input in = new PromotionGates.Input(prod(spec(1, false)), candidate(),
        new TargetCheck(true, 1, 2, 0, true, List.of("out/prod/proyecto06/manifest.yaml: disallow-latest-tag: image uses latest")),
        SourceObservation.unreadable("history ConfigMap forbidden"), null, "dev@acme.example", new PromotionGates.Pin(7, "ops@acme.example"),
        null, false, NOW);
    PromotionGates.Report r = PromotionGates.evaluate(in);
    assertThat(r.failed()).extracting(Gate::name).containsExactly("policy", "source", "soak", "approval", "pin");
    assertThat(gate(r, "policy").reason()).contains("1 invalid object(s) and 2 enforced policy violation(s) in prod")
        .contains("disallow-latest-tag");
  }

  @Test
  void policyGateFailsClosedWhenTheTargetCannotBePlanned() {
    assertThat(PromotionGates.policy(TargetCheck.of(null), "prod").passed()).isFalse();
    assertThat(PromotionGates.policy(null, "prod").reason()).contains("fail closed");
  }

  @Test
  void policyGateJudgesThePlanOfTheTargetWithTheReleasesImages() {
    // prod enforces its policy: a mutable tag taken from upstream blocks it.
    ReleaseSpec latest = Candidates.take("hello-world", "staging", Map.of("web", "docker.io/nginxinc/nginx-unprivileged:latest"), Map.of(),
        "c0ffee", HASH, NOW.toString(), "dev").promotedTo("prod", null, null, null);
    Workspace ws = new Workspace(ACME.root(), PLATFORM, ACME.applications(), ACME.diagnostics(),
        new java.util.TreeMap<>(Map.of("prod", new java.util.TreeMap<>(Map.of("hello-world", latest)))));
    TargetCheck bad = TargetCheck.of(new Planner().plan(ws, new Planner.Scope(Set.of("prod"), Set.of("hello-world"))));
    assertThat(bad.blocked()).isTrue();
    assertThat(PromotionGates.policy(bad, "prod").reason()).contains("enforced policy violation").contains("latest");
    TargetCheck good = TargetCheck.of(new Planner().plan(ACME, new Planner.Scope(Set.of("prod"), Set.of("hello-world"))));
    assertThat(PromotionGates.policy(good, "prod").passed()).isTrue();
  }

  @Test
  void sourceAndSoakFailClosedWhenTheHistoryCannotBeRead() {
    PromotionGates.Input in = new PromotionGates.Input(prod(spec(1, false)), candidate(), CLEAN,
        SourceObservation.unreadable("cannot reach the cluster of environment staging"), null, null, null, null, false, NOW);
    PromotionGates.Report r = PromotionGates.evaluate(in);
    assertThat(gate(r, "source").passed()).isFalse();
    assertThat(gate(r, "soak").reason()).contains("cannot reach the cluster of environment staging").contains("fail closed");
  }

  @Test
  void soakFailsUntilTheReleaseHasRunLongEnoughAndSaysWhenItPasses() {
    PromotionGates.Input in = new PromotionGates.Input(prod(spec(1, false)), candidate(), CLEAN, healthySince("2026-11-30T11:50:00Z"),
        null, null, null, null, false, NOW);
    Gate soak = gate(PromotionGates.evaluate(in), "soak");
    assertThat(soak.passed()).isFalse();
    assertThat(soak.reason()).isEqualTo("running in staging for 10m0s of 30m; passes at 2026-11-30T12:20:00Z");
  }

  @Test
  void soakCountsFromTheFirstOfConsecutiveSyncsOfTheSameConfiguration() {
    SourceObservation s = new SourceObservation(List.of(
        new SourceObservation.Revision(1, "2026-11-30T11:00:00Z", "ci", "c0ffee", HASH, "Succeeded", 0),
        new SourceObservation.Revision(2, "2026-11-30T11:55:00Z", "ci", "c0ffee", HASH, "Succeeded", 0)), null, "Synced", "Healthy");
    PromotionGates.Input in = new PromotionGates.Input(prod(spec(1, false)), candidate(), CLEAN, s, null, null, null, null, false, NOW);
    assertThat(gate(PromotionGates.evaluate(in), "soak").passed()).isTrue();
  }

  @Test
  void sourceGateFailsWhenTheSourceRunsAnotherConfigurationOrIsUnhealthy() {
    SourceObservation other = new SourceObservation(List.of(new SourceObservation.Revision(3, "2026-11-30T10:00:00Z", "ci", "x", "ffff",
        "Succeeded", 0)), null, "Synced", "Healthy");
    PromotionGates.Input in = new PromotionGates.Input(prod(spec(1, false)), candidate(), CLEAN, other, null, null, null, null, false, NOW);
    assertThat(gate(PromotionGates.evaluate(in), "source").reason()).contains("deployed configuration ffff, not the release's " + HASH);
    SourceObservation degraded = new SourceObservation(healthySince("2026-11-30T10:00:00Z").revisions(), null, "Synced", "Degraded");
    in = new PromotionGates.Input(prod(spec(1, false)), candidate(), CLEAN, degraded, null, null, null, null, false, NOW);
    assertThat(gate(PromotionGates.evaluate(in), "source").reason()).isEqualTo("proyecto06 in staging is Synced and Degraded now");
    assertThat(gate(PromotionGates.evaluate(in), "soak").passed()).isFalse();
  }

  @Test
  void approvalGateCountsDistinctApproversAgainstTheConfiguredNumber() {
    PromotionRoute twoNeeded = prod(spec(2, false));
    Gate one = gate(PromotionGates.evaluate(input(twoNeeded, approvals(candidate().id(), "a@x", "a@x"), "dev@x")), "approval");
    assertThat(one.passed()).isFalse();
    assertThat(one.reason()).startsWith("1 of 2 approval(s): a@x; approve with: slipway approve proyecto06 --env prod");
    Gate two = gate(PromotionGates.evaluate(input(twoNeeded, approvals(candidate().id(), "a@x", "b@x"), "dev@x")), "approval");
    assertThat(two.passed()).isTrue();
    assertThat(two.reason()).isEqualTo("2 of 2 approval(s): a@x, b@x");
  }

  @Test
  void fourEyesDoesNotCountThePromotersOwnApproval() {
    PromotionRoute fourEyes = prod(spec(1, true));
    Gate own = gate(PromotionGates.evaluate(input(fourEyes, approvals(candidate().id(), "dev@x"), "dev@x")), "approval");
    assertThat(own.passed()).isFalse();
    assertThat(own.reason()).contains("dev@x promotes, so their approval does not count: fourEyes");
    Gate other = gate(PromotionGates.evaluate(input(fourEyes, approvals(candidate().id(), "dev@x", "lead@x"), "dev@x")), "approval");
    assertThat(other.passed()).isTrue();
    Gate withoutFourEyes = gate(PromotionGates.evaluate(input(prod(spec(1, false)), approvals(candidate().id(), "dev@x"), "dev@x")),
        "approval");
    assertThat(withoutFourEyes.passed()).isTrue();
  }

  @Test
  void anApprovalOfAnOlderCandidateDoesNotCount() {
    Gate stale = gate(PromotionGates.evaluate(input(prod(spec(1, false)), approvals("r-000000000000", "lead@x"), "dev@x")), "approval");
    assertThat(stale.passed()).isFalse();
    assertThat(stale.reason()).contains("1 approval(s) for the older candidate r-000000000000 do not count");
    Gate none = gate(PromotionGates.evaluate(input(prod(spec(1, false)), null, "dev@x")), "approval");
    assertThat(none.reason()).startsWith("0 of 1 approval(s) for release " + candidate().id());
  }

  @Test
  void aPinnedTargetFailsThePinGateUnlessForced() {
    PromotionGates.Input pinned = new PromotionGates.Input(prod(spec(1, false)), candidate(), CLEAN, healthySince("2026-11-30T10:00:00Z"),
        approvals(candidate().id(), "lead@x"), "dev@x", new PromotionGates.Pin(4, "ops@x"), null, false, NOW);
    Gate pin = gate(PromotionGates.evaluate(pinned), "pin");
    assertThat(pin.passed()).isFalse();
    assertThat(pin.reason()).isEqualTo("prod is pinned at revision 4 by ops@x (unpin with: slipway unpin proyecto06 --env prod); "
        + "or promote with --force");
    PromotionGates.Input forced = new PromotionGates.Input(pinned.route(), pinned.candidate(), CLEAN, pinned.source(), pinned.approvals(),
        "dev@x", pinned.pin(), null, true, NOW);
    PromotionGates.Report r = PromotionGates.evaluate(forced);
    assertThat(gate(r, "pin").label()).isEqualTo("forced");
    assertThat(r.passed()).isTrue();
  }

  @Test
  void anUnreadablePinFailsClosed() {
    PromotionGates.Input in = new PromotionGates.Input(prod(spec(1, false)), candidate(), CLEAN, healthySince("2026-11-30T10:00:00Z"),
        null, null, null, "connection refused", true, NOW);
    assertThat(gate(PromotionGates.evaluate(in), "pin").reason()).isEqualTo("cannot read whether prod is pinned: connection refused (fail closed)");
  }

  @Test
  void aPromotionToAnEnvironmentWithoutUpstreamIsAnErrorAtItsLine() {
    PromotionRoute r = PromotionRoute.to(PLATFORM, "dev", null);
    assertThat(r.valid()).isFalse();
    assertThat(r.error().file()).isEqualTo("slipway.yaml");
    assertThat(r.error().line()).isEqualTo(36);
    assertThat(r.error().message()).contains("'dev' is not downstream of any environment")
        .contains("staging is promoted from it");
  }

  @Test
  void aPromotionFromAnEnvironmentThatIsNotUpstreamIsAnErrorAtPromotionFrom() {
    PromotionRoute r = PromotionRoute.to(PLATFORM, "prod", "dev");
    assertThat(r.valid()).isFalse();
    assertThat(r.error().format()).startsWith("slipway.yaml:70:").contains("environment 'prod' is not downstream of 'dev'")
        .contains("promoted from 'staging'");
    assertThat(PromotionRoute.to(PLATFORM, "prdo", null).error().message()).contains("did you mean 'prod'?");
    assertThat(PromotionRoute.to(PLATFORM, "prod", "staging").valid()).isTrue();
  }

  @Test
  void releaseIdsDependOnContentNotOnTimeOrPerson() {
    ReleaseSpec a = candidate();
    ReleaseSpec b = Candidates.take("proyecto06", "staging", Map.of("backend", "123456789012.dkr.ecr.us-east-1.amazonaws.com/proyecto06-backend:1.4.2"),
        Map.of("backend", "sha256:" + "a".repeat(64)), "c0ffee", HASH, "2027-01-01T00:00:00Z", "someone-else");
    assertThat(a.id()).isEqualTo(b.id()).matches("r-[0-9a-f]{12}");
    assertThat(a.images().get("backend").image()).endsWith(":1.4.2@sha256:" + "a".repeat(64));
    ReleaseSpec unknown = Candidates.take("proyecto06", "staging", Map.of("backend", "repo/backend:1.4.2"), Map.of(), "c0ffee", HASH, "t", "x");
    assertThat(unknown.images().get("backend").digestKnown()).isFalse();
    assertThat(unknown.images().get("backend").image()).isEqualTo("repo/backend:1.4.2");
    assertThat(unknown.id()).isNotEqualTo(a.id());
  }
}
