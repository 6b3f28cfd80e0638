package dev.slipway.server.http;

import static dev.slipway.server.http.TestServer.ADA;
import static dev.slipway.server.http.TestServer.ALICE;
import static dev.slipway.server.http.TestServer.PAT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private static final String SHOP_DEV = "/api/v1/applications/shop/environments/dev";

  /** One SSE frame as the client parses it. */
  record Frame(String id, String event, String data, String comment) {}

  /** An open event stream read on its own thread, frames handed over through a queue. */
  static final class Stream implements AutoCloseable {
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final HttpResponse<java.util.stream.Stream<String>> response;

    Stream(TestServer s, String token, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(s.uri("/api/v1/events")).header("Authorization", "Bearer " + token);
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      response = s.http.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines());
      CompletableFuture.runAsync(() -> {
        String id = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        try {
          for (String line : (Iterable<String>) response.body()::iterator) {
            if (line.isEmpty()) {
              if (event != null || data.length() > 0) {
                frames.add(new Frame(id, event, data.toString(), null));
              }
              id = null;
              event = null;
              data.setLength(0);
            } else if (line.startsWith(":")) {
              frames.add(new Frame(null, null, null, line.substring(1).trim()));
            } else if (line.startsWith("id: ")) {
              id = line.substring(4);
            } else if (line.startsWith("event: ")) {
              event = line.substring(7);
            } else if (line.startsWith("data: ")) {
              data.append(line.substring(6));
            }
          }
        } catch (UncheckedIOException e) {
          // closed
        }
      });
    }

    /** The next frame with an event (skipping comments), within the deadline. */
    Frame next(Duration deadline) throws InterruptedException {
      long until = System.nanoTime() + deadline.toNanos();
      while (true) {
        Frame f = frames.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no event within " + deadline);
        }
        if (f.event() != null) {
          return f;
        }
      }
    }

    Frame nextComment(String prefix, Duration deadline) throws InterruptedException {
      long until = System.nanoTime() + deadline.toNanos();
      while (true) {
        Frame f = frames.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no '" + prefix + "' comment within " + deadline);
        }
        if (f.comment() != null && f.comment().startsWith(prefix)) {
          return f;
        }
      }
    }

    List<Frame> drainEvents(Duration quiet) throws InterruptedException {
      List<Frame> out = new ArrayList<>();
      Frame f;
      while ((f = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
        if (f.event() != null) {
          out.add(f);
        }
      }
      return out;
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  private static JsonNode data(TestServer s, Frame f) {
    try {
      return s.json.readTree(f.data());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void streamDeliversAStatusEventAfterAnAction() throws Exception {
    try (TestServer s = new TestServer(); Stream events = new Stream(s, ALICE, null)) {
      assertThat(events.response.statusCode()).isEqualTo(200);
      assertThat(events.response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
      events.nextComment("connected", Duration.ofSeconds(5));
      s.post(SHOP_DEV + "/pause", ALICE, null);
      Frame f = events.next(Duration.ofSeconds(5));
      assertThat(f.event()).isEqualTo("status");
      assertThat(f.id()).matches("[0-9a-z]+-\\d+");
      JsonNode e = data(s, f);
      assertThat(e.path("application").asText() + "/" + e.path("environment").asText()).isEqualTo("shop/dev");
      assertThat(e.path("status").path("paused").asBoolean()).isTrue();
      assertThat(e.path("message").asText()).contains("paused by alice");
    }
  }

  @Test
  void reconnectingWithLastEventIdResumesWithWhatWasMissed() throws Exception {
    try (TestServer s = new TestServer()) {
      String firstId;
      try (Stream events = new Stream(s, ALICE, null)) {
        events.nextComment("connected", Duration.ofSeconds(5));
        s.post(SHOP_DEV + "/pin", ALICE, null);
        firstId = events.next(Duration.ofSeconds(5)).id();
      }
      s.post(SHOP_DEV + "/pause", ALICE, null);
      s.post(SHOP_DEV + "/resume", ALICE, null);
      try (Stream resumed = new Stream(s, ALICE, firstId)) {
        Frame a = resumed.next(Duration.ofSeconds(5));
        Frame b = resumed.next(Duration.ofSeconds(5));
        assertThat(data(s, a).path("message").asText()).contains("paused");
        assertThat(data(s, b).path("message").asText()).contains("resumed");
        long first = Long.parseLong(firstId.substring(firstId.indexOf('-') + 1));
        assertThat(a.id()).endsWith("-" + (first + 1));
        assertThat(b.id()).endsWith("-" + (first + 2));
      }
    }
  }

  @Test
  void anIdTooOldOrFromAnotherBootAsksTheClientToResync() throws Exception {
    try (TestServer s = new TestServer(o -> o.withEventBuffer(2), Optional.empty())) {
      String firstId;
      try (Stream events = new Stream(s, ALICE, null)) {
        events.nextComment("connected", Duration.ofSeconds(5));
        s.post(SHOP_DEV + "/pin", ALICE, null);
        firstId = events.next(Duration.ofSeconds(5)).id();
      }
      s.post(SHOP_DEV + "/pause", ALICE, null);
      s.post(SHOP_DEV + "/resume", ALICE, null);
      s.post(SHOP_DEV + "/unpin", ALICE, null);
      try (Stream tooOld = new Stream(s, ALICE, firstId)) {
        assertThat(tooOld.next(Duration.ofSeconds(5)).event()).isEqualTo("resync");
      }
      try (Stream otherBoot = new Stream(s, ALICE, "zzz-1")) {
        assertThat(otherBoot.next(Duration.ofSeconds(5)).event()).isEqualTo("resync");
      }
    }
  }

  @Test
  void streamCarriesOnlyTheEnvironmentsTheCallerMaySee() throws Exception {
    try (TestServer s = new TestServer(); Stream prodOnly = new Stream(s, PAT, null)) {
      prodOnly.nextComment("connected", Duration.ofSeconds(5));
      s.post(SHOP_DEV + "/pause", ADA, null);
      s.post("/api/v1/applications/shop/environments/prod/pause", ADA, null);
      Frame f = prodOnly.next(Duration.ofSeconds(5));
      assertThat(data(s, f).path("environment").asText()).isEqualTo("prod");
      assertThat(prodOnly.drainEvents(Duration.ofMillis(300))).isEmpty();
    }
  }

  @Test
  void idleStreamSendsHeartbeats() throws Exception {
    try (TestServer s = new TestServer(o -> o.withHeartbeat(Duration.ofMillis(100)), Optional.empty());
        Stream events = new Stream(s, ALICE, null)) {
      events.nextComment("heartbeat", Duration.ofSeconds(5));
      events.nextComment("heartbeat", Duration.ofSeconds(5));
    }
  }

  @Test
  void streamsBeyondTheLimitGet503AndTheApiStillAnswers() throws Exception {
    try (TestServer s = new TestServer(o -> o.withMaxEventStreams(1), Optional.empty()); Stream first = new Stream(s, ALICE, null)) {
      first.nextComment("connected", Duration.ofSeconds(5));
      HttpResponse<String> second = s.get("/api/v1/events", ALICE);
      assertThat(second.statusCode()).isEqualTo(503);
      assertThat(s.get("/api/v1/whoami", ALICE).statusCode()).isEqualTo(200);
    }
  }
}
