package dev.slipway.server.http;

import dev.slipway.server.api.StatusEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Numbers the control plane's events and fans them out to the open event streams, keeping the
 * last {@code capacity} so that a client that reconnects with {@code Last-Event-ID} gets what it
 * missed. Ids are {@code <boot>-<sequence>}: an id from before a restart (another boot) or older
 * than the buffer cannot be resumed from, and the client is told to reload ({@code resync}).
 *
 * <p>Publishing never blocks the controller: each stream has a bounded queue, and a stream that
 * falls that far behind is closed (its client reconnects and resumes from the buffer).
 */
final class EventHub {

  /** An event with its id, ready to be written. */
  record Numbered(long sequence, String id, StatusEvent event) {}

  /** One open stream's queue; {@link #closed} once dropped or when the hub shuts down. */
  static final class Subscriber {
    final BlockingQueue<Numbered> queue;
    final Predicate<StatusEvent> visible;
    volatile boolean closed;

    Subscriber(int queueSize, Predicate<StatusEvent> visible) {
      this.queue = new ArrayBlockingQueue<>(queueSize);
      this.visible = visible;
    }
  }

  /**
   * What a new stream starts with.
   *
   * @param resync whether the client's last id could not be resumed from
   * @param backlog the visible events after the client's last id
   */
  record Attach(Subscriber subscriber, boolean resync, List<Numbered> backlog) {}

  private final String boot;
  private final int capacity;
  private final int queueSize;
  private final Deque<Numbered> buffer = new ArrayDeque<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private long sequence;

  EventHub(String boot, int capacity, int queueSize) {
    this.boot = boot;
    this.capacity = capacity;
    this.queueSize = queueSize;
  }

  synchronized void publish(StatusEvent event) {
    Numbered n = new Numbered(++sequence, boot + "-" + sequence, event);
    buffer.addLast(n);
    while (buffer.size() > capacity) {
      buffer.removeFirst();
    }
    for (Subscriber s : subscribers) {
      if (s.closed || !s.visible.test(event)) {
        continue;
      }
      if (!s.queue.offer(n)) {
        s.closed = true;
        subscribers.remove(s);
      }
    }
  }

  /** Registers a stream and hands it the backlog after {@code lastEventId} (null for none), atomically. */
  synchronized Attach attach(String lastEventId, Predicate<StatusEvent> visible) {
    Subscriber s = new Subscriber(queueSize, visible);
    subscribers.add(s);
    if (lastEventId == null || lastEventId.isBlank()) {
      return new Attach(s, false, List.of());
    }
    long last = parse(lastEventId.trim());
    long oldest = buffer.isEmpty() ? sequence + 1 : buffer.getFirst().sequence();
    if (last < 0 || last > sequence || last + 1 < oldest) {
      return new Attach(s, true, List.of());
    }
    List<Numbered> backlog = new ArrayList<>();
    for (Numbered n : buffer) {
      if (n.sequence() > last && visible.test(n.event())) {
        backlog.add(n);
      }
    }
    return new Attach(s, false, backlog);
  }

  void detach(Subscriber s) {
    s.closed = true;
    subscribers.remove(s);
  }

  /** Closes every stream (server shutdown). */
  void closeAll() {
    for (Subscriber s : subscribers) {
      detach(s);
    }
  }

  int streams() {
    return subscribers.size();
  }

  /** The sequence of an id of this boot, or -1. */
  private long parse(String id) {
    int dash = id.lastIndexOf('-');
    if (dash < 0 || !id.substring(0, dash).equals(boot)) {
      return -1;
    }
    try {
      return Long.parseLong(id.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
