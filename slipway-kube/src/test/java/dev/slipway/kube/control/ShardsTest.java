package dev.slipway.kube.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardsTest {
  @Test
  void theSameApplicationAlwaysLandsOnTheSameShard() {
    // Fixed values: a change of hash would move every application of every running platform.
    assertThat(Shards.of("shop", 2)).isEqualTo(Shards.of("shop", 2));
    for (String app : new String[] {"shop", "blog", "proyecto06", "payments"}) {
      int s = Shards.of(app, 3);
      assertThat(s).isBetween(0, 2);
      assertThat(Shards.of(app, 3)).isEqualTo(s);
    }
  }

  @Test
  void applicationsSpreadOverAllShards() {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      counts.merge(Shards.of("app" + i, 4), 1, Integer::sum);
    }
    assertThat(counts).hasSize(4);
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(200, 300));
  }

  @Test
  void aReplicaTakesTheShardOfItsStatefulSetOrdinal() {
    assertThat(Shards.ofOrdinal("slipway-0", 2)).isZero();
    assertThat(Shards.ofOrdinal("slipway-3", 2)).isEqualTo(1);
    assertThat(Shards.ofOrdinal("slipway", 2)).isEqualTo(-1);
    assertThat(Shards.ofOrdinal("slipway-abc", 2)).isEqualTo(-1);
  }

  @Test
  void zeroShardsIsRefused() {
    assertThatThrownBy(() -> Shards.of("shop", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
