package dev.slipway.server.http;

import java.util.List;
import java.util.Map;

/**
 * A request the API refuses, as the {@code {"error": {"code", "message"}}} body and status code it
 * becomes. Thrown by handlers before they change anything; the dispatcher turns it into the
 * response (rule 7: errors carry a reason).
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;
  final Map<String, Object> details;
  final Map<String, List<String>> headers;

  ApiError(int status, String code, String message, Map<String, Object> details, Map<String, List<String>> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  ApiError(int status, String code, String message) {
    this(status, code, message, Map.of(), Map.of());
  }

  static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, "not-found", message);
  }
}
