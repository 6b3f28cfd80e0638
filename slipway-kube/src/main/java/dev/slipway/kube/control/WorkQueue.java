package dev.slipway.kube.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A work queue of keys in the manner of client-go's: a key waiting in the queue is held once
 * however often it is added (de-duplication); a key being worked on is never handed to a second
 * worker, and when it is added meanwhile it is queued again once the first worker is done; a key
 * that failed comes back after an exponential back-off ({@link #addRateLimited}) until it
 * succeeds ({@link #forget}).
 *
 * <p>Workers call {@link #take}, work, then {@link #done}. Thread-safe.
 *
 * @param <K> the key: an application in an environment for the reconcile loop
 */
public final class WorkQueue<K> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  /** Keys that must be worked on: in the queue, or to be queued again when their worker is done. */
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final PriorityQueue<Delayed<K>> waiting = new PriorityQueue<>();
  /** Per key, its one live entry in {@link #waiting} (older entries of the key are skipped when due). */
  private final Map<K, Delayed<K>> waitingEntry = new HashMap<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final Clock clock;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong adds = new AtomicLong();
  private long sequence;
  private boolean shutDown;

  private record Delayed<K>(Instant at, long seq, K key) implements Comparable<Delayed<K>> {
    @Override
    public int compareTo(Delayed<K> o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** A queue whose back-off starts at {@code baseDelay} and doubles per failure up to {@code maxDelay}. */
  public WorkQueue(Clock clock, Duration baseDelay, Duration maxDelay) {
    this.clock = clock;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /** Queues {@code key} unless it is already waiting to be worked on. */
  public void add(K key) {
    lock.lock();
    try {
      if (shutDown) {
        return;
      }
      adds.incrementAndGet();
      if (!dirty.add(key)) {
        return;
      }
      if (!processing.contains(key)) {
        queue.addLast(key);
        ready.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues {@code key} ahead of the keys waiting in the queue (moving it to the front when it already
   * waits): for work that finishes what was begun, such as a sync under way whose objects changed,
   * so that it is not held up behind every new application of a large platform. One worker per key
   * still holds: a key being worked on is queued again, at the front, once it is done.
   */
  public void addFirst(K key) {
    lock.lock();
    try {
      if (shutDown) {
        return;
      }
      adds.incrementAndGet();
      boolean added = dirty.add(key);
      if (processing.contains(key)) {
        urgent.add(key);
        return;
      }
      if (!added) {
        queue.remove(key);
      }
      queue.addFirst(key);
      ready.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Keys added with {@link #addFirst} while being worked on: queued at the front when done. */
  private final Set<K> urgent = new HashSet<>();

  /**
   * Queues {@code key} once {@code delay} has passed. A key waits once: when it already waits to be
   * queued earlier, this changes nothing; when later, it now waits until the earlier time.
   */
  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    lock.lock();
    try {
      if (shutDown) {
        return;
      }
      Instant at = clock.instant().plus(delay);
      Delayed<K> before = waitingEntry.get(key);
      if (before != null && !before.at.isAfter(at)) {
        return;
      }
      Delayed<K> entry = new Delayed<>(at, sequence++, key);
      waitingEntry.put(key, entry);
      waiting.add(entry);
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Queues {@code key} after its back-off: {@code baseDelay × 2^(failures so far)}, capped. Returns the delay. */
  public Duration addRateLimited(K key) {
    Duration delay;
    lock.lock();
    try {
      int n = failures.merge(key, 1, Integer::sum) - 1;
      delay = backoff(n);
      retries.incrementAndGet();
    } finally {
      lock.unlock();
    }
    addAfter(key, delay);
    return delay;
  }

  /** The back-off after {@code failures} earlier failures. */
  public Duration backoff(int failures) {
    if (failures >= 30) {
      return maxDelay;
    }
    long ms = baseDelay.toMillis() << failures;
    return ms <= 0 || ms > maxDelay.toMillis() ? maxDelay : Duration.ofMillis(ms);
  }

  /** How often {@code key} failed since it last succeeded. */
  public int failures(K key) {
    lock.lock();
    try {
      return failures.getOrDefault(key, 0);
    } finally {
      lock.unlock();
    }
  }

  /** {@code key} succeeded: its back-off starts over. */
  public void forget(K key) {
    lock.lock();
    try {
      failures.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next key to work on, waiting up to {@code timeout}; empty on timeout or once the queue is
   * shut down. The caller must call {@link #done} with it.
   */
  public Optional<K> take(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        if (shutDown) {
          return Optional.empty();
        }
        promoteDue();
        K key = queue.pollFirst();
        if (key != null) {
          processing.add(key);
          dirty.remove(key);
          return Optional.of(key);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        Delayed<K> next = waiting.peek();
        if (next != null) {
          long untilNext = Duration.between(clock.instant(), next.at).toNanos();
          left = Math.max(1_000_000L, Math.min(left, untilNext));
        }
        ready.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The worker is done with {@code key}; if it was added meanwhile, it is queued again. */
  public void done(K key) {
    lock.lock();
    try {
      processing.remove(key);
      boolean first = urgent.remove(key);
      if (dirty.contains(key) && !shutDown) {
        if (first) {
          queue.addFirst(key);
        } else {
          queue.addLast(key);
        }
        ready.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  private void promoteDue() {
    Instant now = clock.instant();
    while (!waiting.isEmpty() && !waiting.peek().at.isAfter(now)) {
      Delayed<K> due = waiting.poll();
      if (waitingEntry.get(due.key) != due) {
        continue; // replaced by an earlier time, already promoted
      }
      waitingEntry.remove(due.key);
      K key = due.key;
      if (dirty.add(key) && !processing.contains(key)) {
        queue.addLast(key);
      }
    }
  }

  /** Keys waiting to be worked on now (not counting those in back-off). */
  public int depth() {
    lock.lock();
    try {
      promoteDue();
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting for their back-off or delay to pass. */
  public int delayed() {
    lock.lock();
    try {
      return waitingEntry.size();
    } finally {
      lock.unlock();
    }
  }

  /** How many times a key was queued again after a failure. */
  public long retries() {
    return retries.get();
  }

  /** How many times {@link #add} was called (de-duplicated or not). */
  public long adds() {
    return adds.get();
  }

  /** Stops handing out keys; workers waiting in {@link #take} return empty. */
  public void shutDown() {
    lock.lock();
    try {
      shutDown = true;
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until nothing is queued, delayed or being worked on (tests and benchmarks), up to {@code timeout}. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      lock.lock();
      try {
        if (queue.isEmpty() && processing.isEmpty() && waitingEntry.isEmpty() && dirty.isEmpty()) {
          return true;
        }
      } finally {
        lock.unlock();
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return false;
  }
}
