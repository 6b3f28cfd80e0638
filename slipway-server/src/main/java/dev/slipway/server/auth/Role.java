package dev.slipway.server.auth;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a caller may do in an environment; each role includes the ones before it. */
public enum Role {
  /** Read everything the environment shows. */
  VIEWER,
  /** Also sync, roll back, refresh, pin and unpin, pause and resume. */
  DEPLOYER,
  /** Also read the audit log. */
  ADMIN;

  public boolean allows(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code viewer}, {@code deployer} or {@code admin}; an unknown name throws. */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.label().equals(name == null ? "" : name.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + name + "': expected viewer, deployer or admin");
  }

  public static Role higher(Role a, Role b) {
    if (a == null) {
      return b;
    }
    return b == null || a.ordinal() >= b.ordinal() ? a : b;
  }
}
