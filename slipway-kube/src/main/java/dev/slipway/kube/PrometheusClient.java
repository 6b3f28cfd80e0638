package dev.slipway.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.rollout.QueryResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLException;

/**
 * Instant queries against Prometheus's HTTP API ({@code GET /api/v1/query}), for analysis runs
 * ({@link dev.slipway.engine.rollout.Analysis}). Trouble never throws: an unreachable server, a
 * timeout, a rejected query or an answer that is not Prometheus's JSON comes back as
 * {@link QueryResult#failed} with the reason in words, naming the address, which the analysis
 * records as an ERROR measurement and retries.
 *
 * <p>A vector's samples are ordered by their label sets, so the same data gives the same
 * {@code result} list whatever order Prometheus sends it in. Thread-safe.
 */
public final class PrometheusClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How much of a non-JSON error body is quoted: enough for a proxy's one-line reason. */
  private static final int QUOTED_BODY = 200;

  private final Duration timeout;
  private final HttpClient http;

  /** @param timeout how long connecting, and then the whole request, may each take */
  public PrometheusClient(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /**
   * Instant query {@code GET {baseUrl}/api/v1/query?query=...}: an instant vector's sample values,
   * or a scalar's one value ({@code NaN}, {@code +Inf}, {@code -Inf} included); never throws for
   * server or network trouble, returns {@code QueryResult.failed(reason)} instead.
   *
   * @param baseUrl Prometheus's address, e.g. {@code http://prometheus.monitoring:9090} (a path prefix is kept)
   */
  public QueryResult query(String baseUrl, String promql) {
    URI base;
    try {
      base = new URI(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    } catch (URISyntaxException e) {
      // The reason and the index, not URISyntaxException's message: that repeats the whole address.
      return QueryResult.failed("the Prometheus address " + withoutCredentials(baseUrl) + " is not a URL: " + e.getReason()
          + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
    }
    if (base.getScheme() == null || !List.of("http", "https").contains(base.getScheme().toLowerCase()) || base.getHost() == null) {
      return QueryResult.failed("the Prometheus address " + withoutCredentials(baseUrl) + " is not an http:// or https:// URL");
    }
    String at = "Prometheus at " + shown(base);
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
        .timeout(timeout)
        .header("Accept", "application/json")
        .GET()
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return QueryResult.failed(at + ": the query was interrupted");
    } catch (IOException e) {
      return QueryResult.failed(at + ": " + unreachable(e));
    }
    return answer(at, response.statusCode(), response.body());
  }

  /** Reads Prometheus's answer: its JSON envelope, whatever the status, since errors come as JSON too. */
  static QueryResult answer(String at, int status, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject() || !root.path("status").isTextual()) {
      if (status / 100 != 2) {
        return QueryResult.failed(at + ": HTTP " + status + quote(body));
      }
      return QueryResult.failed(at + ": the answer is not Prometheus's JSON" + quote(body) + "; is the address a Prometheus server?");
    }
    if (!"success".equals(root.path("status").asText())) {
      String type = root.path("errorType").asText("");
      return QueryResult.failed(at + " rejected the query (HTTP " + status + (type.isEmpty() ? "" : ", " + type) + "): "
          + root.path("error").asText("no reason given"));
    }
    JsonNode data = root.path("data");
    String resultType = data.path("resultType").asText("");
    try {
      return switch (resultType) {
        case "vector" -> QueryResult.ok(vector(data.path("result")));
        case "scalar" -> QueryResult.ok(List.of(sample(data.path("result"))));
        case "matrix" -> QueryResult.failed(at + ": the query returns a range vector; analysis needs an instant vector or scalar");
        case "string" -> QueryResult.failed(at + ": the query returns a string; analysis needs an instant vector or scalar");
        default -> QueryResult.failed(at + ": the answer has an unknown result type '" + resultType + "'" + quote(body));
      };
    } catch (IllegalArgumentException e) {
      return QueryResult.failed(at + ": the answer could not be read: " + e.getMessage() + quote(body));
    }
  }

  private static List<Double> vector(JsonNode result) {
    if (!result.isArray()) {
      throw new IllegalArgumentException("data.result is not a list");
    }
    List<Map.Entry<String, Double>> samples = new ArrayList<>();
    for (JsonNode series : result) {
      samples.add(Map.entry(labels(series.path("metric")), sample(series.path("value"))));
    }
    samples.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    return samples.stream().map(Map.Entry::getValue).toList();
  }

  /** A label set as PromQL writes it, keys sorted: {@code {code="200",service="web"}}. */
  private static String labels(JsonNode metric) {
    Map<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : metric.properties()) {
      sorted.put(e.getKey(), e.getValue().asText());
    }
    StringBuilder s = new StringBuilder("{");
    sorted.forEach((k, v) -> s.append(s.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"'));
    return s.append('}').toString();
  }

  /** One {@code [timestamp, "value"]} pair; Prometheus writes values as strings, NaN and infinities as {@code NaN}, {@code +Inf}, {@code -Inf}. */
  static double sample(JsonNode pair) {
    if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
      throw new IllegalArgumentException("a sample is not a [time, \"value\"] pair: " + pair);
    }
    String v = pair.get(1).asText();
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("a sample value is not a number: \"" + v + "\"");
        }
      }
    };
  }

  private String unreachable(IOException e) {
    if (find(e, HttpConnectTimeoutException.class) != null) {
      return "no connection within " + seconds(timeout) + " (timeout)";
    }
    if (find(e, HttpTimeoutException.class) != null) {
      return "no answer within " + seconds(timeout) + " (timeout)";
    }
    if (find(e, ConnectException.class) != null) {
      return "connection refused (is Prometheus running and the address right?)";
    }
    UnknownHostException dns = find(e, UnknownHostException.class);
    if (dns != null) {
      return "unknown host " + dns.getMessage() + " (DNS)";
    }
    SSLException tls = find(e, SSLException.class);
    if (tls != null) {
      return "TLS handshake failed: " + tls.getMessage();
    }
    return "the connection failed (" + rootMessage(e) + ")";
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() / 1000.0 + "s";
  }

  private static String quote(String body) {
    String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    if (s.isEmpty()) {
      return "";
    }
    return ": " + (s.length() > QUOTED_BODY ? s.substring(0, QUOTED_BODY) + "…" : s);
  }

  /** An address as written, without the {@code user:password@} it may carry (messages are stored and shown). */
  static String withoutCredentials(String address) {
    return address.replaceFirst("//[^/@]*@", "//");
  }

  /** The address without credentials, for messages. */
  private static String shown(URI base) {
    return base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort())
        + (base.getRawPath() == null ? "" : base.getRawPath());
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }
}
