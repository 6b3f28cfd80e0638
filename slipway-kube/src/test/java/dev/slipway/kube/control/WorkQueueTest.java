package dev.slipway.kube.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final WorkQueue<String> queue = new WorkQueue<>(Clock.systemUTC(), Duration.ofMillis(20), Duration.ofMillis(200));

  @Test
  void aKeyAddedManyTimesBeforeItIsTakenIsWorkedOnOnce() throws Exception {
    for (int i = 0; i < 5; i++) {
      queue.add("shop/dev");
    }
    queue.add("blog/dev");
    assertThat(queue.depth()).isEqualTo(2);
    assertThat(queue.take(Duration.ofMillis(50))).contains("shop/dev");
    assertThat(queue.take(Duration.ofMillis(50))).contains("blog/dev");
    assertThat(queue.take(Duration.ofMillis(30))).isEmpty();
  }

  @Test
  void aKeyAddedWhileBeingWorkedOnIsNotHandedToASecondWorkerButQueuedAgainWhenDone() throws Exception {
    queue.add("shop/dev");
    String first = queue.take(Duration.ofMillis(50)).orElseThrow();
    queue.add("shop/dev");
    assertThat(queue.take(Duration.ofMillis(50))).as("still being worked on").isEmpty();
    queue.done(first);
    assertThat(queue.take(Duration.ofMillis(50))).contains("shop/dev");
  }

  @Test
  void aKeyAddedFirstIsWorkedOnBeforeTheKeysAlreadyWaitingAndStillByOneWorker() throws Exception {
    queue.add("a/dev");
    queue.add("b/dev");
    queue.add("c/dev");
    queue.addFirst("c/dev");
    assertThat(queue.depth()).as("moved, not added twice").isEqualTo(3);
    assertThat(queue.take(Duration.ofMillis(50))).contains("c/dev");
    queue.addFirst("c/dev");
    assertThat(queue.take(Duration.ofMillis(50))).as("c is being worked on").contains("a/dev");
    queue.done("c/dev");
    assertThat(queue.take(Duration.ofMillis(50))).as("c, queued again at the front once done").contains("c/dev");
    assertThat(queue.take(Duration.ofMillis(50))).contains("b/dev");
  }

  @Test
  void aKeyWaitsOnceAtItsEarliestTimeHoweverOftenItIsAddedLater() throws Exception {
    queue.addAfter("shop/dev", Duration.ofSeconds(5));
    queue.addAfter("shop/dev", Duration.ofMillis(100));
    queue.addAfter("shop/dev", Duration.ofSeconds(10));
    assertThat(queue.delayed()).as("one wait for the key").isEqualTo(1);
    assertThat(queue.take(Duration.ofSeconds(2))).as("at the earliest time").contains("shop/dev");
    queue.done("shop/dev");
    assertThat(queue.delayed()).isZero();
    assertThat(queue.take(Duration.ofMillis(300))).as("the later times were dropped, not queued again").isEmpty();
  }

  @Test
  void failuresBackOffExponentiallyUpToTheCapAndSuccessStartsOver() {
    WorkQueue<String> q = new WorkQueue<>(Clock.systemUTC(), Duration.ofSeconds(5), Duration.ofMinutes(5));
    assertThat(q.addRateLimited("a")).isEqualTo(Duration.ofSeconds(5));
    assertThat(q.addRateLimited("a")).isEqualTo(Duration.ofSeconds(10));
    assertThat(q.addRateLimited("a")).isEqualTo(Duration.ofSeconds(20));
    for (int i = 0; i < 40; i++) {
      q.addRateLimited("a");
    }
    assertThat(q.addRateLimited("a")).isEqualTo(Duration.ofMinutes(5));
    assertThat(q.failures("a")).isEqualTo(44);
    q.forget("a");
    assertThat(q.addRateLimited("a")).isEqualTo(Duration.ofSeconds(5));
    assertThat(q.retries()).isEqualTo(45);
  }

  @Test
  void aRateLimitedKeyComesBackOnlyAfterItsBackOff() throws Exception {
    // A back-off long enough that a loaded machine cannot reach it before the first look.
    WorkQueue<String> q = new WorkQueue<>(Clock.systemUTC(), Duration.ofMillis(500), Duration.ofSeconds(5));
    long start = System.nanoTime();
    q.addRateLimited("shop/dev");
    assertThat(q.take(Duration.ofMillis(5))).isEmpty();
    assertThat(q.take(Duration.ofSeconds(5))).contains("shop/dev");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
  }

  @Test
  void concurrentWorkersNeverHoldTheSameKeyAtOnce() throws Exception {
    int workers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    Set<String> held = ConcurrentHashMap.newKeySet();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger worked = new AtomicInteger();
    CountDownLatch stop = new CountDownLatch(1);
    for (int w = 0; w < workers; w++) {
      pool.submit(() -> {
        while (stop.getCount() > 0) {
          var key = queue.take(Duration.ofMillis(20));
          if (key.isEmpty()) {
            continue;
          }
          if (!held.add(key.get())) {
            overlaps.incrementAndGet();
          }
          worked.incrementAndGet();
          Thread.sleep(1);
          held.remove(key.get());
          queue.done(key.get());
        }
        return null;
      });
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      keys.add("app" + i + "/dev");
    }
    for (int round = 0; round < 200; round++) {
      Collections.shuffle(keys);
      keys.forEach(queue::add);
    }
    assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
    stop.countDown();
    queue.shutDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps.get()).isZero();
    assertThat(worked.get()).as("de-duplicated: far fewer than the 1,000 adds").isBetween(5, 999);
  }

  @Test
  void shutDownReleasesWaitingWorkers() throws Exception {
    Thread t = new Thread(() -> {
      try {
        queue.take(Duration.ofMinutes(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    t.start();
    Thread.sleep(50);
    queue.shutDown();
    t.join(2000);
    assertThat(t.isAlive()).isFalse();
  }
}
