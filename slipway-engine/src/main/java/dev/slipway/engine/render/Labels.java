package dev.slipway.engine.render;

import java.util.Map;
import java.util.TreeMap;

/**
 * The labels every rendered object carries. Sync finds what it owns by the {@code slipway.dev/*}
 * labels and the managed-by label, and may prune only objects that carry them.
 */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String ENVIRONMENT = "slipway.dev/environment";
  public static final String APPLICATION = "slipway.dev/application";
  public static final String COMPONENT = "slipway.dev/component";
  public static final String SYNC_WAVE = "slipway.dev/sync-wave";
  public static final String CONFIG_HASH = "slipway.dev/config-hash";

  private Labels() {}

  /** Labels of an object belonging to one component. */
  public static TreeMap<String, String> component(String env, String app, String component) {
    TreeMap<String, String> l = application(env, app);
    l.put(NAME, component);
    l.put(INSTANCE, app + "-" + component);
    l.put(COMPONENT, component);
    return l;
  }

  /** Labels of an application-wide object (namespace, secret store, alerts, dashboard). */
  public static TreeMap<String, String> application(String env, String app) {
    TreeMap<String, String> l = new TreeMap<>();
    l.put(NAME, app);
    l.put(INSTANCE, app);
    l.put(PART_OF, app);
    l.put(MANAGED_BY, "slipway");
    l.put(ENVIRONMENT, env);
    l.put(APPLICATION, app);
    return l;
  }

  /** Labels of an environment-wide object (node pools). */
  public static TreeMap<String, String> environment(String env, String name) {
    TreeMap<String, String> l = new TreeMap<>();
    l.put(NAME, name);
    l.put(MANAGED_BY, "slipway");
    l.put(ENVIRONMENT, env);
    return l;
  }

  /** The immutable selector of a component's pods. */
  public static TreeMap<String, String> selector(String app, String component) {
    return new TreeMap<>(Map.of(NAME, component, INSTANCE, app + "-" + component));
  }
}
