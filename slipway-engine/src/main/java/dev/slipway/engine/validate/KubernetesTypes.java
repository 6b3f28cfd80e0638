package dev.slipway.engine.validate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in Kubernetes kinds fabric8's model jars know, by {@code apiVersion} and kind. The
 * jars list their resource classes in {@code META-INF/services}; each class carries its group
 * and version as annotations.
 */
public final class KubernetesTypes {
  private static final String SERVICES = "META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource";
  private static volatile Map<String, Class<?>> types;

  private KubernetesTypes() {}

  /** The typed class for {@code apiVersion}/{@code kind}, if fabric8 models it. */
  public static Optional<Class<?>> find(String apiVersion, String kind) {
    return Optional.ofNullable(all().get(apiVersion + "/" + kind));
  }

  public static boolean isNamespaced(Class<?> type) {
    return Namespaced.class.isAssignableFrom(type);
  }

  /**
   * The served version of a kind whose requested version is gone (apps/v1beta1 Deployment →
   * apps/v1), preferring stable versions: {@code group/version} and its class.
   */
  public static Optional<Map.Entry<String, Class<?>>> servedVersionOf(String group, String kind) {
    String prefix = group.isEmpty() ? "" : group + "/";
    return all().entrySet().stream()
        .filter(e -> e.getKey().endsWith("/" + kind) && e.getKey().startsWith(prefix)
            && e.getKey().chars().filter(ch -> ch == '/').count() == (group.isEmpty() ? 1 : 2))
        .min(java.util.Comparator.comparing((Map.Entry<String, Class<?>> e) -> e.getKey().matches(".*/v\\d+/[^/]+$") ? 0 : 1)
            .thenComparing(Map.Entry::getKey))
        .map(e -> Map.entry(e.getKey().substring(0, e.getKey().length() - kind.length() - 1), e.getValue()));
  }

  /** True when fabric8 models some version of this kind in this group (to tell "old API" from "unknown"). */
  public static boolean knowsGroupKind(String group, String kind) {
    String prefix = group.isEmpty() ? "" : group + "/";
    return all().keySet().stream().anyMatch(k -> k.endsWith("/" + kind) && (group.isEmpty() ? k.indexOf('/') == k.lastIndexOf('/') : k.startsWith(prefix)));
  }

  private static Map<String, Class<?>> all() {
    Map<String, Class<?>> t = types;
    if (t == null) {
      synchronized (KubernetesTypes.class) {
        t = types;
        if (t == null) {
          t = load();
          types = t;
        }
      }
    }
    return t;
  }

  private static Map<String, Class<?>> load() {
    Map<String, Class<?>> out = new HashMap<>();
    ClassLoader cl = KubernetesTypes.class.getClassLoader();
    try {
      Enumeration<URL> files = cl.getResources(SERVICES);
      while (files.hasMoreElements()) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(files.nextElement().openStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            line = line.trim();
            if (line.isEmpty() || line.startsWith("#") || line.endsWith("List")) {
              continue;
            }
            register(cl, line, out);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read fabric8 model registry", e);
    }
    return Map.copyOf(out);
  }

  private static void register(ClassLoader cl, String className, Map<String, Class<?>> out) {
    try {
      Class<?> c = Class.forName(className, false, cl);
      Group g = c.getAnnotation(Group.class);
      Version v = c.getAnnotation(Version.class);
      if (v == null || !HasMetadata.class.isAssignableFrom(c)) {
        return;
      }
      @SuppressWarnings("unchecked")
      String kind = HasMetadata.getKind((Class<? extends HasMetadata>) c);
      String apiVersion = g == null || g.value().isEmpty() ? v.value() : g.value() + "/" + v.value();
      out.putIfAbsent(apiVersion + "/" + kind, c);
    } catch (ClassNotFoundException | LinkageError e) {
      // A listed class that cannot load is a model jar packaging problem; that kind stays unknown.
    }
  }
}
