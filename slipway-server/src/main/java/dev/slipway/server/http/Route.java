package dev.slipway.server.http;

import dev.slipway.server.auth.Role;
import java.util.List;

/**
 * One method and path pattern of the API. Path segments in braces ({@code {app}}) are parameters.
 *
 * @param access who may call it
 * @param role the role needed in the environment of {@code {env}} (for {@link Access#ENVIRONMENT}),
 *     or somewhere (for {@link Access#ANY_ENVIRONMENT}); null otherwise
 * @param action the audit and error name of the action, e.g. {@code sync}; null for reads
 */
record Route(String method, String pattern, Access access, Role role, String action, Handler handler) {

  /** Who may call a route. */
  enum Access {
    /** No token: probes, metrics, the OpenAPI document, and webhooks (which carry their own signature). */
    PUBLIC,
    /** Any caller with a valid token (or anonymous when configured); the handler shows only what the caller may see. */
    AUTHENTICATED,
    /** The caller needs {@code role} in the environment named by {@code {env}}. */
    ENVIRONMENT,
    /** The caller needs {@code role} in at least one environment. */
    ANY_ENVIRONMENT
  }

  @FunctionalInterface
  interface Handler {
    Response handle(Call call) throws Exception;
  }

  List<String> segments() {
    return Router.split(pattern);
  }
}
