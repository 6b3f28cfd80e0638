package dev.slipway.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import dev.slipway.server.auth.Principal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One request being handled: the exchange, its path parameters, query, caller and body. */
final class Call {
  final HttpExchange exchange;
  final Route route;
  final Map<String, String> params;
  final Principal principal;
  private final long maxBody;
  private final ObjectMapper json;
  private byte[] body;

  Call(HttpExchange exchange, Route route, Map<String, String> params, Principal principal, long maxBody, ObjectMapper json) {
    this.exchange = exchange;
    this.route = route;
    this.params = params;
    this.principal = principal;
    this.maxBody = maxBody;
    this.json = json;
  }

  String param(String name) {
    return params.get(name);
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** Query parameters; a repeated one keeps its last value. */
  Map<String, String> query() {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.put(k, v);
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("bad-query", "the query string is not valid URL encoding");
      }
    }
    return out;
  }

  /** The request body, at most the configured limit (else 413). */
  byte[] body() throws IOException {
    if (body != null) {
      return body;
    }
    String length = header("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBody) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("bad-content-length", "Content-Length is not a number");
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (out.size() + n > maxBody) {
          throw tooLarge();
        }
        out.write(buf, 0, n);
      }
    }
    body = out.toByteArray();
    return body;
  }

  private ApiError tooLarge() {
    return new ApiError(413, "too-large", "the request body is larger than " + maxBody + " bytes");
  }

  /**
   * The body as {@code type}; an empty body is {@code empty}. Unknown fields, wrong types and
   * malformed JSON are 400s naming the problem; a body that is not JSON is 415.
   */
  <T> T bodyAs(Class<T> type, T empty) throws IOException {
    byte[] b = body();
    if (b.length == 0 || new String(b, StandardCharsets.UTF_8).isBlank()) {
      return empty;
    }
    String contentType = header("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(415, "unsupported-media-type", "send the body as Content-Type: application/json");
    }
    try {
      T value = json.readValue(b, type);
      if (value == null) {
        throw ApiError.badRequest("bad-json", "the body must be a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiError.badRequest("unknown-field", "unknown field '" + e.getPropertyName() + "'; known: " + e.getKnownPropertyIds());
    } catch (InvalidFormatException e) {
      throw ApiError.badRequest("bad-field", "field " + path(e) + " has the wrong type");
    } catch (MismatchedInputException e) {
      throw ApiError.badRequest("bad-json", e.getPath().isEmpty() ? "the body must be a JSON object"
          : "field " + path(e) + " has the wrong type");
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw ApiError.badRequest("bad-json", "the body is not valid JSON" + at);
    }
  }

  private static String path(MismatchedInputException e) {
    StringBuilder sb = new StringBuilder();
    e.getPath().forEach(r -> sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]"));
    return "'" + sb + "'";
  }
}
