package dev.slipway.server.http;

import static dev.slipway.server.http.TestServer.ADA;
import static dev.slipway.server.http.TestServer.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HardeningTest {
  private static final String SHOP_DEV = "/api/v1/applications/shop/environments/dev";
  private final TestServer server = new TestServer(o -> o.withMaxBodyBytes(4096), Optional.empty());

  @AfterEach
  void stop() {
    server.close();
  }

  private void assertJsonError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    JsonNode error = server.json(r).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
  }

  @Test
  void unknownRouteIs404() {
    assertJsonError(server.get("/api/v1/nothing-here", ADA), 404, "not-found");
    // "/" is the dashboard (DashboardAssetsTest); any other path that names no route and no dashboard file is a JSON 404.
    assertJsonError(server.get("/nothing-here", null), 404, "not-found");
    assertJsonError(server.get("/api/v1/applications/shop", ADA), 404, "not-found");
    assertJsonError(server.get("/api/v1//applications", ADA), 404, "not-found");
  }

  @Test
  void wrongMethodIs405WithAllow() {
    HttpResponse<String> r = server.send(server.request("/api/v1/applications", ADA).DELETE().build());
    assertJsonError(r, 405, "method-not-allowed");
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    HttpResponse<String> get = server.get(SHOP_DEV + "/sync", ADA);
    assertJsonError(get, 405, "method-not-allowed");
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void invalidJsonUnknownFieldsAndWrongTypesAre400AndChangeNothing() {
    String before = server.get("/api/v1/applications", ADA).body();
    assertJsonError(server.post(SHOP_DEV + "/sync", ALICE, "{\"dryRun\": tru"), 400, "bad-json");
    assertJsonError(server.post(SHOP_DEV + "/sync", ALICE, "{\"dryrun\": true}"), 400, "unknown-field");
    assertJsonError(server.post(SHOP_DEV + "/sync", ALICE, "{\"dryRun\": \"yes\"}"), 400, "bad-json");
    assertJsonError(server.post(SHOP_DEV + "/sync", ALICE, "[true]"), 400, "bad-json");
    assertJsonError(server.post(SHOP_DEV + "/sync", ALICE, "null"), 400, "bad-json");
    assertJsonError(server.post(SHOP_DEV + "/pin", ALICE, "{\"force\": true}"), 400, "unknown-field");
    assertJsonError(server.post(SHOP_DEV + "/rollback", ALICE, "{\"revision\": 1.5}"), 400, "bad-field");
    assertThat(server.get("/api/v1/applications", ADA).body()).isEqualTo(before);
    assertThat(server.json(server.get("/api/v1/audit", ADA)).path("items").size()).isZero();
  }

  @Test
  void bodyThatIsNotJsonIs415() {
    HttpResponse<String> r = server.send(server.request(SHOP_DEV + "/sync", ALICE).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("dryRun=true")).build());
    assertJsonError(r, 415, "unsupported-media-type");
  }

  @Test
  void oversizedBodyIs413AndTheServerKeepsAnswering() {
    String big = "{\"dryRun\": true, \"x\": \"" + "a".repeat(10_000) + "\"}";
    assertJsonError(server.post(SHOP_DEV + "/sync", ALICE, big), 413, "too-large");
    // Without Content-Length (chunked), the limit holds while reading.
    HttpRequest chunked = server.request(SHOP_DEV + "/sync", ALICE).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))).build();
    assertJsonError(server.send(chunked), 413, "too-large");
    assertThat(server.get("/api/v1/whoami", ALICE).statusCode()).isEqualTo(200);
  }

  @Test
  void failureInsideTheControlPlaneIs500WithoutAStackTraceAndTheServerRecovers() {
    server.plane.breakReads(true);
    HttpResponse<String> r = server.get("/api/v1/applications", ADA);
    assertJsonError(r, 500, "internal");
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.slipway").doesNotContain("cache is broken");
    assertThat(server.logText()).contains("\"level\":\"ERROR\"").contains("cache is broken");
    server.plane.breakReads(false);
    assertThat(server.get("/api/v1/applications", ADA).statusCode()).isEqualTo(200);
  }

  /** Sends bytes no well-behaved client would, and returns the status line and the rest. */
  private String raw(String request) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.api.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      // The status line and headers only: a server may keep the connection open after answering.
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
      StringBuilder head = new StringBuilder();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        head.append(line).append('\n');
      }
      return head.toString();
    }
  }

  /**
   * A request line that is not a URI is refused by the JDK's server itself, before any handler:
   * 400, but with its own small HTML body rather than the API's JSON error.
   */
  @Test
  void malformedRequestUriIs400AndTheServerKeepsAnswering() throws Exception {
    String response = raw("GET /api/v1/applications?q=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADA
        + "\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(server.get("/api/v1/applications?q=shop", ADA).statusCode()).isEqualTo(200);
  }

  @Test
  void garbageOnTheWireDoesNotStopTheServer() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.api.port())) {
      socket.getOutputStream().write(new byte[] {0, 1, 2, 'n', 'o', 't', ' ', 'h', 't', 't', 'p', '\r', '\n', '\r', '\n'});
    }
    String tooLong = raw("POST /api/v1/webhooks/git HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nX-GitHub-Event: push\r\n"
        + "Connection: close\r\n\r\n{");
    assertThat(tooLong).startsWith("HTTP/1.1 413");
    assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void manyConcurrentRequestsAreAllAnswered() throws Exception {
    var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
    for (int i = 0; i < 200; i++) {
      futures.add(server.http.sendAsync(server.request("/api/v1/applications", ADA).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (var f : futures) {
      assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }
}
