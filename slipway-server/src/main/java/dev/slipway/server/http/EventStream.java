package dev.slipway.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes one Server-Sent Events stream until the client goes away, the stream falls behind or the
 * server stops. Runs on its own thread (from the bounded stream pool), never on a request thread.
 *
 * <p>Frames: {@code id:}, {@code event:} (the {@link dev.slipway.server.api.StatusEvent.Type}
 * label, or {@code resync}) and one {@code data:} line of JSON; a {@code : heartbeat} comment every
 * heartbeat interval keeps proxies from closing an idle stream and lets the server notice a
 * departed client.
 */
final class EventStream implements Runnable {
  private final HttpExchange exchange;
  private final EventHub hub;
  private final EventHub.Attach attach;
  private final Duration heartbeat;
  private final ObjectMapper json;
  private final Clock clock;
  private final Runnable onClose;

  EventStream(HttpExchange exchange, EventHub hub, EventHub.Attach attach, Duration heartbeat, ObjectMapper json, Clock clock,
      Runnable onClose) {
    this.exchange = exchange;
    this.hub = hub;
    this.attach = attach;
    this.heartbeat = heartbeat;
    this.json = json;
    this.clock = clock;
    this.onClose = onClose;
  }

  @Override
  public void run() {
    EventHub.Subscriber s = attach.subscriber();
    try (OutputStream out = exchange.getResponseBody()) {
      write(out, "retry: 2000\n: connected\n\n");
      if (attach.resync()) {
        write(out, "event: resync\ndata: " + json.writeValueAsString(Map.of("reason",
            "the last event id is unknown or too old; reload the state and continue")) + "\n\n");
      }
      for (EventHub.Numbered n : attach.backlog()) {
        write(out, frame(n));
      }
      while (!s.closed) {
        EventHub.Numbered n = s.queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        if (n == null) {
          write(out, ": heartbeat " + clock.instant() + "\n\n");
        } else {
          write(out, frame(n));
        }
      }
    } catch (IOException e) {
      // The client went away; nothing to report.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      hub.detach(s);
      exchange.close();
      onClose.run();
    }
  }

  private String frame(EventHub.Numbered n) throws IOException {
    return "id: " + n.id() + "\nevent: " + n.event().type().label() + "\ndata: " + json.writeValueAsString(n.event()) + "\n\n";
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
