package dev.slipway.model.spec;

import java.util.Locale;

/**
 * What a group may do in an environment, each role including the ones before it: a {@code viewer}
 * reads status, diffs and history; a {@code deployer} also syncs, rolls back and pins; an
 * {@code admin} also changes the controller's own settings (pause, resume). Ordered so that the
 * highest of several grants is {@code max}.
 */
public enum Role {
  VIEWER, DEPLOYER, ADMIN;

  /** As written in {@code slipway.yaml}: viewer, deployer, admin. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role includes everything {@code other} may do. */
  public boolean atLeast(Role other) {
    return compareTo(other) >= 0;
  }
}
