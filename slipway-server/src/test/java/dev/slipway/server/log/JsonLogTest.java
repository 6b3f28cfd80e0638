package dev.slipway.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JsonLogTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final JsonLog log = new JsonLog("test", new JsonLog.Sink(new PrintStream(out, true, StandardCharsets.UTF_8),
      Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC), JsonLog.Level.INFO));

  private JsonNode line(int i) throws Exception {
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8).split("\n")[i]);
  }

  @Test
  void everyLineInAReconcileScopeCarriesItsContext() throws Exception {
    JsonLog.Scope scope = JsonLog.withContext("shop", "prod", "c0ffee1", "r-42");
    try {
      log.info("applied", "kind", "Deployment", "writes", 3);
    } finally {
      scope.close();
    }
    log.info("outside");
    JsonNode first = line(0);
    assertThat(first.path("time").asText()).isEqualTo("2025-06-01T12:00:00Z");
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("message").asText()).isEqualTo("applied");
    assertThat(first.path("application").asText()).isEqualTo("shop");
    assertThat(first.path("environment").asText()).isEqualTo("prod");
    assertThat(first.path("revision").asText()).isEqualTo("c0ffee1");
    assertThat(first.path("reconcileId").asText()).isEqualTo("r-42");
    assertThat(first.path("writes").asInt()).isEqualTo(3);
    assertThat(line(1).has("application")).isFalse();
  }

  @Test
  void linesBelowTheThresholdAreDroppedAndExceptionsBecomeOneField() throws Exception {
    log.debug("noise");
    log.error("failed", "error", new IllegalStateException("boom"));
    JsonNode only = line(0);
    assertThat(only.path("message").asText()).isEqualTo("failed");
    assertThat(only.path("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
  }
}
