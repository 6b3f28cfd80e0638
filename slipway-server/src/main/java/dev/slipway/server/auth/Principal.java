package dev.slipway.server.auth;

import java.util.List;

/** An authenticated caller (or the anonymous one, when anonymous access is configured). */
public record Principal(String subject, List<String> groups, boolean anonymous) {
  public Principal {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  public static final Principal ANONYMOUS = new Principal("anonymous", List.of(), true);
}
