package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway serve DIR --sandbox}, as a newcomer runs it: the API answers and the automated environment converges. */
class ServeCommandTest {
  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheExampleOverSimulatedClustersUntilStopped() throws Exception {
    Path dir = CliRun.example(tmp.resolve("p"));
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out, true);
    int[] code = {-1};
    Thread command = new Thread(() -> code[0] = Main.run(w, w, "serve", dir.toString(), "--sandbox", "--port", "0",
        "--sandbox-delay", "200ms", "--env", "dev,prod", "--poll", "1h"));
    command.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!out.toString().contains("Stop with Ctrl-C.")) {
        assertThat(System.nanoTime()).as("the server started: " + out).isLessThan(deadline);
        assertThat(command.isAlive()).as(out.toString()).isTrue();
        Thread.sleep(50);
      }
      assertThat(out.toString()).startsWith("SIMULATED: slipway serve: ");
      Matcher port = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)").matcher(out.toString());
      Matcher token = Pattern.compile("token \\(shown once\\): ([0-9a-f]+)").matcher(out.toString());
      assertThat(port.find() && token.find()).as(out.toString()).isTrue();
      int p = Integer.parseInt(port.group(1));
      String t = token.group(1);

      assertThat(get(p, "/api/v1/applications", null).statusCode()).as("no token").isEqualTo(401);
      assertThat(get(p, "/api/v1/applications", "wrong-token-0123456789").statusCode()).isEqualTo(401);
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      JsonNode matrix;
      while (true) {
        HttpResponse<String> r = get(p, "/api/v1/applications", t);
        assertThat(r.statusCode()).isEqualTo(200);
        matrix = json.readTree(r.body()).path("items");
        boolean devDone = matrix.size() == 6;
        for (JsonNode cell : matrix) {
          if (cell.path("environment").asText().equals("dev")) {
            devDone &= cell.path("sync").asText().equals("Synced") && cell.path("health").asText().equals("Healthy");
          }
        }
        if (devDone) {
          break;
        }
        assertThat(System.nanoTime()).as("dev converged: " + matrix).isLessThan(until);
        Thread.sleep(200);
      }
      for (JsonNode cell : matrix) {
        if (cell.path("environment").asText().equals("prod")) {
          assertThat(cell.path("sync").asText()).as("prod is manual: reported, not synced").isEqualTo("OutOfSync");
        }
      }
      assertThat(get(p, "/readyz", null).statusCode()).isEqualTo(200);
      assertThat(get(p, "/api/v1/environments", t).body()).contains("\"simulated\":true");
      assertThat(get(p, "/metrics", null).body()).contains("slipway_syncs_total{result=\"succeeded\"}");
    } finally {
      command.interrupt();
      command.join(20_000);
    }
    assertThat(command.isAlive()).isFalse();
    assertThat(code[0]).as(out.toString()).isZero();
    assertThat(out.toString()).contains("slipway serve stopped.");
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingStarts() {
    CliRun r = CliRun.run("serve", "examples/acme", "--repo", "https://example.invalid/x.git");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("not both");
    CliRun anon = CliRun.run("serve", "--sandbox", "--anonymous", "root", "../examples/acme");
    assertThat(anon.exitCode()).isEqualTo(2);
    assertThat(anon.err()).contains("--anonymous takes viewer, deployer or admin");
    CliRun env = CliRun.run("serve", "../examples/acme", "--sandbox", "--env", "qa");
    assertThat(env.exitCode()).isEqualTo(2);
    assertThat(env.err()).contains("no environment 'qa'");
  }
}
