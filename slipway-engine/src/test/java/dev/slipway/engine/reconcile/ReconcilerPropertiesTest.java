package dev.slipway.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Properties of the reconcile decision over many generated inputs. jqwik is not a dependency of
 * this build, so inputs come from a seeded {@link Random}: every run checks the same 20,000
 * inputs, and a failure names the seed and the input.
 */
class ReconcilerPropertiesTest {
  static final int CASES = 20_000;
  static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
  static final List<String> HASHES = List.of("h1", "h2", "h3");
  static final List<String> REFS = List.of("Deployment/shop/web", "Service/shop/web", "ConfigMap/shop/config", "Ingress/shop/web");

  static ReconcileInput generate(Random r) {
    Desired desired = r.nextInt(10) == 0
        ? Desired.invalid(List.of(Diagnostic.error("spec.invalid-value", new Position("apps/shop/app.yaml", 1 + r.nextInt(40), 3), "x", "bad")))
        : Desired.valid(pick(r, HASHES));
    LiveComparison live = new LiveComparison(some(r), some(r), some(r), health(r));
    SyncPolicy policy = new SyncPolicy(r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
    Control control = new Control(r.nextInt(4) == 0 ? 1 + r.nextInt(9) : 0, r.nextInt(5) == 0);
    LastSync last = switch (r.nextInt(3)) {
      case 0 -> null;
      case 1 -> LastSync.succeeded(pick(r, HASHES), NOW.minusSeconds(r.nextInt(600)));
      default -> LastSync.failed(pick(r, HASHES), 1 + r.nextInt(12), NOW.minusSeconds(r.nextInt(600)));
    };
    List<String> deps = new ArrayList<>();
    Map<String, HealthStatus> depHealth = new HashMap<>();
    for (String d : List.of("db", "payments", "catalog")) {
      if (r.nextInt(3) == 0) {
        deps.add(d);
        if (r.nextInt(6) != 0) {
          depHealth.put(d, r.nextInt(2) == 0 ? HealthStatus.HEALTHY : pick(r, List.of(HealthStatus.values())));
        }
      }
    }
    return new ReconcileInput("shop", "dev", desired, desired.isValid() ? live : null, policy, control, last, deps, depHealth, NOW);
  }

  static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  static List<String> some(Random r) {
    List<String> out = new ArrayList<>();
    for (String ref : REFS) {
      if (r.nextInt(5) == 0) {
        out.add(ref);
      }
    }
    return out;
  }

  static TreeMap<String, HealthStatus> health(Random r) {
    TreeMap<String, HealthStatus> out = new TreeMap<>();
    for (String ref : REFS) {
      out.put(ref, r.nextInt(3) == 0 ? pick(r, List.of(HealthStatus.values())) : HealthStatus.HEALTHY);
    }
    return out;
  }

  /** Checks {@code property} on every generated input with its decision. */
  static void forAll(long seed, Consumer<Case> property) {
    Random r = new Random(seed);
    for (int i = 0; i < CASES; i++) {
      ReconcileInput in = generate(r);
      Decision d = Reconciler.decide(in);
      try {
        property.accept(new Case(in, d));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ", case " + i + ": " + in + " -> " + d + ": " + e.getMessage(), e);
      }
    }
  }

  record Case(ReconcileInput in, Decision d) {
    boolean sameFilesFailed() {
      return in.last() != null && in.desired().isValid() && in.last().failed() && in.last().hash().equals(in.desired().hash());
    }
  }

  @Test
  void theSameInputAlwaysGivesTheSameDecision() {
    Random a = new Random(1);
    Random b = new Random(1);
    for (int i = 0; i < CASES; i++) {
      assertThat(Reconciler.decide(generate(a))).isEqualTo(Reconciler.decide(generate(b)));
    }
  }

  @Test
  void anInvalidSpecIsNeverSyncedAndAlwaysUnknown() {
    forAll(2, c -> {
      if (!c.in().desired().isValid()) {
        assertThat(c.d().action()).isEqualTo(Action.INVALID_SPEC);
        assertThat(c.d().state()).isEqualTo(SyncStatus.UNKNOWN);
        assertThat(c.d().diagnostics()).isNotEmpty();
      } else {
        assertThat(c.d().action()).isNotEqualTo(Action.INVALID_SPEC);
      }
    });
  }

  @Test
  void nothingToDoExactlyWhenLiveIsAsRendered() {
    forAll(3, c -> {
      if (c.in().desired().isValid()) {
        assertThat(c.d().action() == Action.NOTHING).isEqualTo(c.in().live().inSync());
        assertThat(c.d().state() == SyncStatus.SYNCED).isEqualTo(c.in().live().inSync());
      }
    });
  }

  @Test
  void neverSyncsWhereNotAutomatedOrWhenPinnedOrPaused() {
    forAll(4, c -> {
      if (!c.in().policy().automated() || c.in().control().pinned() || c.in().control().paused()) {
        assertThat(c.d().action()).isNotIn(Action.SYNC, Action.BACKOFF, Action.WAIT_FOR_DEPENDENCY);
      }
    });
  }

  @Test
  void prunesOnlyInASyncWherePruneIsOn() {
    forAll(5, c -> {
      if (c.d().prune()) {
        assertThat(c.d().action()).isEqualTo(Action.SYNC);
        assertThat(c.in().policy().prune()).isTrue();
      }
    });
  }

  @Test
  void neverPrunesWhenRetryingAFailedApplyThatStillHasObjectsToApply() {
    forAll(6, c -> {
      if (c.sameFilesFailed() && c.in().live().needsApply()) {
        assertThat(c.d().prune()).isFalse();
      }
    });
  }

  @Test
  void failedFilesAreNotRetriedBeforeTheirBackOff() {
    forAll(7, c -> {
      if (c.sameFilesFailed() && c.d().action() == Action.SYNC) {
        assertThat(c.in().now()).isAfterOrEqualTo(c.in().last().time().plus(Reconciler.backoff(c.in().last().attempts())));
      }
      if (c.d().action() == Action.BACKOFF) {
        assertThat(c.d().retryAt()).isAfter(c.in().now());
        assertThat(c.d().retryAt()).isBeforeOrEqualTo(c.in().now().plus(Reconciler.MAX_RETRY));
      } else {
        assertThat(c.d().retryAt()).isNull();
      }
    });
  }

  @Test
  void driftOfSyncedFilesIsCorrectedOnlyWhereSelfHealIsOn() {
    forAll(8, c -> {
      LastSync last = c.in().last();
      boolean drift = c.in().desired().isValid() && last != null && !last.failed() && last.hash().equals(c.in().desired().hash())
          && c.in().live().needsApply();
      if (drift && c.d().action() == Action.SYNC) {
        assertThat(c.in().policy().selfHeal()).isTrue();
      }
    });
  }

  @Test
  void syncsOnlyWhenEveryDependencyIsHealthy() {
    forAll(9, c -> {
      if (c.d().action() == Action.SYNC) {
        for (String dep : c.in().dependsOn()) {
          assertThat(c.in().dependencies().get(dep)).as(dep).isEqualTo(HealthStatus.HEALTHY);
        }
      }
      if (c.d().action() == Action.WAIT_FOR_DEPENDENCY) {
        assertThat(c.in().dependsOn()).contains(c.d().dependency());
        assertThat(c.d().dependencyHealth()).isNotEqualTo(HealthStatus.HEALTHY);
      } else {
        assertThat(c.d().dependency()).isNull();
      }
    });
  }

  @Test
  void aSyncIsDecidedOnlyWhenItWouldChangeSomething() {
    forAll(10, c -> {
      if (c.d().action() == Action.SYNC) {
        assertThat(c.d().state()).isEqualTo(SyncStatus.OUT_OF_SYNC);
        assertThat(c.in().live().needsApply() || c.d().prune()).isTrue();
      }
    });
  }

  @Test
  void everyDecisionSaysWhy() {
    forAll(11, c -> assertThat(c.d().reason()).isNotBlank());
  }

  @Test
  void backOffNeverShrinksAsFailuresGrow() {
    for (int n = 1; n < 100; n++) {
      assertThat(Reconciler.backoff(n + 1)).isGreaterThanOrEqualTo(Reconciler.backoff(n));
      assertThat(Reconciler.backoff(n)).isLessThanOrEqualTo(Reconciler.MAX_RETRY);
    }
  }
}
