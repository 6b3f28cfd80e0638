package dev.slipway.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The dashboard's static files: served without a token, typed, revalidated, and nothing outside their folder. */
class DashboardAssetsTest {

  /** Sends a request line as written (no client normalises the path) and returns the status line and headers. */
  static String raw(TestServer s, String requestLine) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", s.api.port())) {
      OutputStream out = socket.getOutputStream();
      out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theRootServesTheDashboardPageWithoutATokenAndWithItsSecurityHeaders() {
    try (TestServer s = new TestServer()) {
      HttpResponse<String> r = s.get("/", null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
      assertThat(r.body()).contains("<script type=\"module\" src=\"js/main.js\"></script>");
      assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'", "frame-ancestors 'none'");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");
    }
  }

  @Test
  void eachFileKindHasItsContentType() {
    try (TestServer s = new TestServer()) {
      assertThat(s.get("/app.css", null).headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
      assertThat(s.get("/js/main.js", null).headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
      assertThat(s.get("/favicon.svg", null).headers().firstValue("Content-Type")).contains("image/svg+xml; charset=utf-8");
      assertThat(s.get("/index.html", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anUnchangedFileIsRevalidatedWithA304() {
    try (TestServer s = new TestServer()) {
      HttpResponse<String> first = s.get("/js/api.js", null);
      String etag = first.headers().firstValue("ETag").orElseThrow();
      assertThat(etag).matches("\"[0-9a-f]{32}\"");
      HttpResponse<String> again = s.send(s.request("/js/api.js", null).header("If-None-Match", etag).GET().build());
      assertThat(again.statusCode()).isEqualTo(304);
      assertThat(again.body()).isEmpty();
      HttpResponse<String> stale = s.send(s.request("/js/api.js", null).header("If-None-Match", "\"other\"").GET().build());
      assertThat(stale.statusCode()).isEqualTo(200);
      assertThat(stale.body()).isEqualTo(first.body());
    }
  }

  @Test
  void headAnswersTheLengthWithoutABody() throws IOException {
    try (TestServer s = new TestServer()) {
      int length = s.get("/app.css", null).body().getBytes(StandardCharsets.UTF_8).length;
      String head = raw(s, "HEAD /app.css HTTP/1.1");
      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Length: " + length);
      assertThat(head.substring(head.indexOf("\r\n\r\n") + 4)).isEmpty();
    }
  }

  @Test
  void noPathReachesOutsideTheDashboardFolder() throws IOException {
    try (TestServer s = new TestServer()) {
      for (String path : new String[] {"/../http/openapi.yaml", "/js/../../http/openapi.yaml", "/js/%2e%2e/%2e%2e/http/openapi.yaml",
          "/..%2f..%2fhttp%2fopenapi.yaml", "/%2e%2e/dashboard/index.html", "/.hidden.js", "/js//main.js", "/js/main.js%00.css",
          "/dev/slipway/server/http/ApiServer.class", "/META-INF/MANIFEST.MF", "/js\\..\\app.css"}) {
        String answer = raw(s, "GET " + path + " HTTP/1.1");
        assertThat(answer).as(path).matches("(?s)HTTP/1.1 40[04].*");
        assertThat(answer).as(path).doesNotContain("openapi: ", "<html", "Manifest-Version");
      }
    }
  }

  @Test
  void fileNamesOnlyNameFilesOfTheDashboardKinds() {
    assertThat(DashboardAssets.fileFor("/")).contains("index.html");
    assertThat(DashboardAssets.fileFor("/js/main.js")).contains("js/main.js");
    assertThat(DashboardAssets.fileFor("/js/../app.css")).isEmpty();
    assertThat(DashboardAssets.fileFor("/Main.class")).isEmpty();
    assertThat(DashboardAssets.fileFor("/a/b/c/d.js")).isEmpty();
    assertThat(DashboardAssets.fileFor("/.env")).isEmpty();
  }

  @Test
  void unknownApiRoutesAndUnknownFilesStayJson404s() {
    try (TestServer s = new TestServer()) {
      HttpResponse<String> api = s.get("/api/v1/nothing-here", TestServer.ADA);
      assertThat(api.statusCode()).isEqualTo(404);
      assertThat(s.json(api).path("error").path("code").asText()).isEqualTo("not-found");
      HttpResponse<String> file = s.get("/nothing-here.js", null);
      assertThat(file.statusCode()).isEqualTo(404);
      assertThat(file.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
      assertThat(s.get("/api/v1/index.html", null).statusCode()).as("API paths never fall back to files").isEqualTo(404);
      HttpResponse<String> post = s.send(s.request("/index.html", null).POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(post.statusCode()).isEqualTo(404);
    }
  }
}
