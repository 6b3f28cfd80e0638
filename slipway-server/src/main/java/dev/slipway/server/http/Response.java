package dev.slipway.server.http;

import java.util.Map;

/**
 * What a handler answers: a status and a body, JSON unless {@code contentType} says otherwise.
 * {@link #STREAMING} means the handler took the exchange over (the event stream).
 */
record Response(int status, Object body, String contentType, Map<String, String> headers) {

  static final Response STREAMING = new Response(0, null, null, Map.of());

  static Response json(int status, Object body) {
    return new Response(status, body, "application/json", Map.of());
  }

  static Response ok(Object body) {
    return json(200, body);
  }

  static Response text(int status, String body, String contentType) {
    return new Response(status, body, contentType, Map.of());
  }
}
