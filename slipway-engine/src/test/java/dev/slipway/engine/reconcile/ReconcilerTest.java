package dev.slipway.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.reconcile.Decision.Action;
import dev.slipway.engine.reconcile.Decision.SyncStatus;
import dev.slipway.engine.reconcile.ReconcileInput.Control;
import dev.slipway.engine.reconcile.ReconcileInput.Desired;
import dev.slipway.engine.reconcile.ReconcileInput.LastSync;
import dev.slipway.engine.reconcile.ReconcileInput.LiveComparison;
import dev.slipway.engine.sync.HealthStatus;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.Position;
import dev.slipway.model.spec.EnvironmentSpec.SyncPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The reconcile decision, rule by rule. */
class ReconcilerTest {
  static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
  static final String HASH = "aaaaaaaaaaaaaaaaaaaa";
  static final String OLD = "bbbbbbbbbbbbbbbbbbbb";
  static final SyncPolicy MANUAL = SyncPolicy.MANUAL;
  static final SyncPolicy AUTO = new SyncPolicy(true, false, false);
  static final SyncPolicy AUTO_PRUNE = new SyncPolicy(true, false, true);
  static final SyncPolicy HEAL = new SyncPolicy(true, true, false);
  static final SyncPolicy ALL = new SyncPolicy(true, true, true);

  static final LiveComparison IN_SYNC = LiveComparison.inSync(Map.of("Deployment/shop/web", HealthStatus.HEALTHY));
  static final LiveComparison MISSING = new LiveComparison(List.of("Deployment/shop/web"), List.of(), List.of(), new TreeMap<>());
  static final LiveComparison DRIFTED = new LiveComparison(List.of(), List.of("Deployment/shop/web"), List.of(),
      new TreeMap<>(Map.of("Deployment/shop/web", HealthStatus.HEALTHY)));
  static final LiveComparison EXTRA_ONLY = new LiveComparison(List.of(), List.of(), List.of("ConfigMap/shop/old"),
      new TreeMap<>(Map.of("Deployment/shop/web", HealthStatus.HEALTHY)));
  static final LiveComparison DRIFTED_AND_EXTRA = new LiveComparison(List.of(), List.of("Deployment/shop/web"), List.of("ConfigMap/shop/old"),
      new TreeMap<>(Map.of("Deployment/shop/web", HealthStatus.HEALTHY)));

  static ReconcileInput input(LiveComparison live, SyncPolicy policy, LastSync last) {
    return new ReconcileInput("shop", "dev", Desired.valid(HASH), live, policy, Control.NONE, last, List.of(), Map.of(), NOW);
  }

  static ReconcileInput withControl(ReconcileInput in, Control c) {
    return new ReconcileInput(in.application(), in.environment(), in.desired(), in.live(), in.policy(), c, in.last(), in.dependsOn(),
        in.dependencies(), in.now());
  }

  static ReconcileInput withDependencies(ReconcileInput in, List<String> dependsOn, Map<String, HealthStatus> health) {
    return new ReconcileInput(in.application(), in.environment(), in.desired(), in.live(), in.policy(), in.control(), in.last(), dependsOn,
        health, in.now());
  }

  static LastSync succeeded(String hash, Duration ago) {
    return LastSync.succeeded(hash, NOW.minus(ago));
  }

  static LastSync failed(String hash, int attempts, Duration ago) {
    return LastSync.failed(hash, attempts, NOW.minus(ago));
  }

  @Test
  void anInvalidSpecAppliesNothingAndIsUnknown() {
    Diagnostic error = Diagnostic.error("spec.unknown-dependency", new Position("apps/shop/app.yaml", 7, 14), "spec.dependsOn[0]",
        "application 'shop' depends on unknown application 'paymnts'");
    ReconcileInput in = new ReconcileInput("shop", "dev", Desired.invalid(List.of(error)), null, ALL, Control.NONE, null, List.of(),
        Map.of(), NOW);
    Decision d = Reconciler.decide(in);
    assertThat(d.action()).isEqualTo(Action.INVALID_SPEC);
    assertThat(d.state()).isEqualTo(SyncStatus.UNKNOWN);
    assertThat(d.prune()).isFalse();
    assertThat(d.diagnostics()).containsExactly(error);
    assertThat(d.reason()).contains("apps/shop/app.yaml:7:14").contains("nothing of it is applied");
  }

  @Test
  void aSpecWithOnlyWarningsIsValid() {
    Diagnostic warning = Diagnostic.warning("spec.ignored-file", Position.file("apps/shop/notes.txt"), "", "not read");
    ReconcileInput in = new ReconcileInput("shop", "dev", new Desired(HASH, List.of(warning)), IN_SYNC, ALL, Control.NONE, null, List.of(),
        Map.of(), NOW);
    assertThat(Reconciler.decide(in).action()).isEqualTo(Action.NOTHING);
  }

  @Test
  void liveAsRenderedIsSyncedAndDoesNothingWhateverThePolicy() {
    for (SyncPolicy p : List.of(MANUAL, AUTO, AUTO_PRUNE, HEAL, ALL)) {
      Decision d = Reconciler.decide(input(IN_SYNC, p, succeeded(OLD, Duration.ofHours(1))));
      assertThat(d.action()).as(p.toString()).isEqualTo(Action.NOTHING);
      assertThat(d.state()).isEqualTo(SyncStatus.SYNCED);
    }
  }

  @Test
  void newFilesAreReportedNotSyncedWhereAutomatedSyncIsOff() {
    Decision d = Reconciler.decide(input(MISSING, MANUAL, null));
    assertThat(d.action()).isEqualTo(Action.REPORT_OUT_OF_SYNC);
    assertThat(d.state()).isEqualTo(SyncStatus.OUT_OF_SYNC);
    assertThat(d.reason()).contains("sync.automated").contains("1 missing (Deployment/shop/web)");
  }

  @Test
  void newFilesSyncWhereAutomated() {
    Decision d = Reconciler.decide(input(DRIFTED, AUTO, succeeded(OLD, Duration.ofSeconds(1))));
    assertThat(d.action()).isEqualTo(Action.SYNC);
    assertThat(d.state()).isEqualTo(SyncStatus.OUT_OF_SYNC);
    assertThat(d.prune()).isFalse();
    assertThat(d.reason()).contains("new files").contains("bbbbbbbbbbbb");
  }

  @Test
  void aNeverSyncedApplicationSyncsWhereAutomated() {
    Decision d = Reconciler.decide(input(MISSING, AUTO, null));
    assertThat(d.action()).isEqualTo(Action.SYNC);
    assertThat(d.reason()).startsWith("never synced");
  }

  @Test
  void syncPrunesOnlyWherePruneIsOn() {
    assertThat(Reconciler.decide(input(DRIFTED_AND_EXTRA, AUTO, succeeded(OLD, Duration.ofMinutes(1)))))
        .satisfies(d -> {
          assertThat(d.action()).isEqualTo(Action.SYNC);
          assertThat(d.prune()).isFalse();
          assertThat(d.reason()).endsWith("not pruning");
        });
    assertThat(Reconciler.decide(input(DRIFTED_AND_EXTRA, AUTO_PRUNE, succeeded(OLD, Duration.ofMinutes(1)))).prune()).isTrue();
  }

  @Test
  void onlyObjectsToPruneWithPruneOffIsReportedNotSynced() {
    Decision d = Reconciler.decide(input(EXTRA_ONLY, AUTO, succeeded(OLD, Duration.ofMinutes(1))));
    assertThat(d.action()).as("a sync would change nothing: no sync loop").isEqualTo(Action.REPORT_OUT_OF_SYNC);
    assertThat(d.reason()).contains("sync.prune").contains("1 no longer rendered (ConfigMap/shop/old)");
  }

  @Test
  void onlyObjectsToPruneWithPruneOnSyncsAndPrunes() {
    Decision d = Reconciler.decide(input(EXTRA_ONLY, AUTO_PRUNE, succeeded(HASH, Duration.ofMinutes(1))));
    assertThat(d.action()).isEqualTo(Action.SYNC);
    assertThat(d.prune()).isTrue();
    assertThat(d.reason()).startsWith("prune what the last sync left");
  }

  @Test
  void driftIsReportedWhereSelfHealIsOff() {
    Decision d = Reconciler.decide(input(DRIFTED, AUTO_PRUNE, succeeded(HASH, Duration.ofMinutes(1))));
    assertThat(d.action()).isEqualTo(Action.REPORT_OUT_OF_SYNC);
    assertThat(d.reason()).startsWith("drift:").contains("sync.selfHeal");
  }

  @Test
  void driftIsCorrectedWhereSelfHealIsOn() {
    Decision d = Reconciler.decide(input(DRIFTED, HEAL, succeeded(HASH, Duration.ofMinutes(1))));
    assertThat(d.action()).isEqualTo(Action.SYNC);
    assertThat(d.prune()).isFalse();
    assertThat(d.reason()).startsWith("self-heal: 1 drifted (Deployment/shop/web)");
  }

  @Test
  void selfHealWaitsFiveSecondsAfterTheLastSync() {
    Decision soon = Reconciler.decide(input(DRIFTED, HEAL, succeeded(HASH, Duration.ofSeconds(2))));
    assertThat(soon.action()).isEqualTo(Action.BACKOFF);
    assertThat(soon.retryAt()).isEqualTo(NOW.plusSeconds(3));
    assertThat(Reconciler.decide(input(DRIFTED, HEAL, succeeded(HASH, Duration.ofSeconds(5)))).action()).isEqualTo(Action.SYNC);
  }

  @Test
  void selfHealIsNotNeededForNewFiles() {
    assertThat(Reconciler.decide(input(DRIFTED, AUTO, succeeded(OLD, Duration.ofSeconds(1)))).action()).isEqualTo(Action.SYNC);
  }

  @Test
  void failedFilesAreRetriedOnlyAfterBackOff() {
    Decision waiting = Reconciler.decide(input(MISSING, AUTO, failed(HASH, 1, Duration.ofSeconds(4))));
    assertThat(waiting.action()).isEqualTo(Action.BACKOFF);
    assertThat(waiting.state()).isEqualTo(SyncStatus.OUT_OF_SYNC);
    assertThat(waiting.retryAt()).isEqualTo(NOW.plusSeconds(1));
    assertThat(waiting.reason()).contains("1 sync(s) of these files failed");
    Decision retry = Reconciler.decide(input(MISSING, AUTO, failed(HASH, 1, Duration.ofSeconds(5))));
    assertThat(retry.action()).isEqualTo(Action.SYNC);
    assertThat(retry.reason()).startsWith("retry after 1 failed sync(s)");
  }

  @Test
  void backOffDoublesFromFiveSecondsUpToFiveMinutes() {
    assertThat(Reconciler.backoff(0)).hasSeconds(5);
    assertThat(Reconciler.backoff(1)).hasSeconds(5);
    assertThat(Reconciler.backoff(2)).hasSeconds(10);
    assertThat(Reconciler.backoff(3)).hasSeconds(20);
    assertThat(Reconciler.backoff(6)).hasSeconds(160);
    assertThat(Reconciler.backoff(7)).hasSeconds(300);
    assertThat(Reconciler.backoff(1000)).hasSeconds(300);
    assertThat(Reconciler.backoff(Integer.MAX_VALUE)).hasSeconds(300);
    Decision fourth = Reconciler.decide(input(MISSING, AUTO, failed(HASH, 4, Duration.ofSeconds(39))));
    assertThat(fourth.action()).isEqualTo(Action.BACKOFF);
    assertThat(fourth.retryAt()).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void newFilesAfterAFailureSyncAtOnce() {
    Decision d = Reconciler.decide(input(MISSING, AUTO, failed(OLD, 5, Duration.ofSeconds(1))));
    assertThat(d.action()).as("a fix pushed after a failure is not held back by the old back-off").isEqualTo(Action.SYNC);
  }

  @Test
  void aRetryOfAFailedApplyDoesNotPrune() {
    Decision d = Reconciler.decide(input(DRIFTED_AND_EXTRA, ALL, failed(HASH, 1, Duration.ofMinutes(1))));
    assertThat(d.action()).isEqualTo(Action.SYNC);
    assertThat(d.prune()).isFalse();
  }

  @Test
  void aRetryWithNothingLeftToApplyMayPrune() {
    Decision d = Reconciler.decide(input(EXTRA_ONLY, AUTO_PRUNE, failed(HASH, 2, Duration.ofMinutes(1))));
    assertThat(d.action()).isEqualTo(Action.SYNC);
    assertThat(d.prune()).as("the apply succeeded; the prune or a health wait failed").isTrue();
  }

  @Test
  void aPinnedApplicationIsReportedNotSynced() {
    Decision d = Reconciler.decide(withControl(input(MISSING, ALL, succeeded(OLD, Duration.ofHours(1))), new Control(3, false)));
    assertThat(d.action()).isEqualTo(Action.REPORT_OUT_OF_SYNC);
    assertThat(d.reason()).contains("pinned to revision 3").contains("unpin");
  }

  @Test
  void aPinnedApplicationsDriftIsNotSelfHealed() {
    Decision d = Reconciler.decide(withControl(input(DRIFTED, ALL, succeeded(HASH, Duration.ofHours(1))), new Control(3, false)));
    assertThat(d.action()).isEqualTo(Action.REPORT_OUT_OF_SYNC);
  }

  @Test
  void aPausedApplicationIsReportedNotSynced() {
    Decision d = Reconciler.decide(withControl(input(DRIFTED, ALL, succeeded(HASH, Duration.ofHours(1))), new Control(0, true)));
    assertThat(d.action()).isEqualTo(Action.REPORT_OUT_OF_SYNC);
    assertThat(d.reason()).contains("paused");
  }

  @Test
  void aPinnedApplicationInSyncIsSynced() {
    Decision d = Reconciler.decide(withControl(input(IN_SYNC, ALL, succeeded(OLD, Duration.ofHours(1))), new Control(3, true)));
    assertThat(d.action()).isEqualTo(Action.NOTHING);
    assertThat(d.state()).isEqualTo(SyncStatus.SYNCED);
  }

  @Test
  void waitsForAnUnhealthyDependency() {
    ReconcileInput in = withDependencies(input(MISSING, AUTO, null), List.of("payments", "catalog"),
        Map.of("payments", HealthStatus.PROGRESSING, "catalog", HealthStatus.HEALTHY));
    Decision d = Reconciler.decide(in);
    assertThat(d.action()).isEqualTo(Action.WAIT_FOR_DEPENDENCY);
    assertThat(d.dependency()).isEqualTo("payments");
    assertThat(d.dependencyHealth()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(d.reason()).contains("waiting for payments to be Healthy (it is Progressing)");
  }

  @Test
  void anUnknownDependencyCountsAsUnknownHealth() {
    Decision d = Reconciler.decide(withDependencies(input(MISSING, AUTO, null), List.of("payments"), Map.of()));
    assertThat(d.action()).isEqualTo(Action.WAIT_FOR_DEPENDENCY);
    assertThat(d.dependencyHealth()).isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  void theFirstUnhealthyDependencyByNameIsNamed() {
    Decision d = Reconciler.decide(withDependencies(input(MISSING, AUTO, null), List.of("zeta", "alpha"),
        Map.of("zeta", HealthStatus.DEGRADED, "alpha", HealthStatus.MISSING)));
    assertThat(d.dependency()).isEqualTo("alpha");
  }

  @Test
  void syncsOnceEveryDependencyIsHealthy() {
    Decision d = Reconciler.decide(withDependencies(input(MISSING, AUTO, null), List.of("payments", "catalog"),
        Map.of("payments", HealthStatus.HEALTHY, "catalog", HealthStatus.HEALTHY)));
    assertThat(d.action()).isEqualTo(Action.SYNC);
  }

  @Test
  void selfHealAlsoWaitsForDependencies() {
    Decision d = Reconciler.decide(withDependencies(input(DRIFTED, HEAL, succeeded(HASH, Duration.ofMinutes(1))), List.of("db"),
        Map.of("db", HealthStatus.DEGRADED)));
    assertThat(d.action()).isEqualTo(Action.WAIT_FOR_DEPENDENCY);
    assertThat(d.reason()).contains("then: self-heal");
  }

  @Test
  void anUnhealthyDependencyDoesNotHideThatAutomatedSyncIsOff() {
    Decision d = Reconciler.decide(withDependencies(input(MISSING, MANUAL, null), List.of("db"), Map.of("db", HealthStatus.DEGRADED)));
    assertThat(d.action()).isEqualTo(Action.REPORT_OUT_OF_SYNC);
  }

  @Test
  void backOffComesBeforeWaitingForADependency() {
    Decision d = Reconciler.decide(withDependencies(input(MISSING, AUTO, failed(HASH, 3, Duration.ofSeconds(1))), List.of("db"),
        Map.of("db", HealthStatus.DEGRADED)));
    assertThat(d.action()).isEqualTo(Action.BACKOFF);
  }

  @Test
  void theApplicationsHealthIsTheWorstOfItsObjects() {
    LiveComparison live = new LiveComparison(List.of(), List.of(), List.of(), new TreeMap<>(Map.of("a", HealthStatus.HEALTHY,
        "b", HealthStatus.PROGRESSING, "c", HealthStatus.SUSPENDED)));
    assertThat(live.overallHealth()).isEqualTo(HealthStatus.PROGRESSING);
    assertThat(MISSING.overallHealth()).isEqualTo(HealthStatus.MISSING);
    assertThat(LiveComparison.inSync(Map.of()).overallHealth()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void aValidSpecNeedsALiveComparisonAndTheTime() {
    assertThatThrownBy(() -> Reconciler.decide(input(null, AUTO, null))).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Reconciler.decide(new ReconcileInput("shop", "dev", Desired.valid(HASH), MISSING, AUTO, null, null, null,
        null, null))).isInstanceOf(NullPointerException.class);
  }
}
