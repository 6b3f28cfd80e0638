package dev.slipway.engine.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.ArgoSyncWave;
import dev.slipway.engine.render.RenderedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The output tree: a directory per application per environment, {@code <env>/_cluster/} for
 * environment-wide objects and {@code <env>/kustomization.yaml} tying an environment together.
 * Two layouts of each directory: {@link Layout#FILES} writes one file per object
 * ({@code <kind>-<name>.yaml}); {@link Layout#HYDRATED}, the layout of Argo CD's source hydrator,
 * writes one multi-document {@code manifest.yaml} in sync order and a {@code README.md} listing
 * its objects, and nothing else: the environment's {@code kustomization.yaml} lists each
 * {@code manifest.yaml} (a third fewer files to create than with a {@code kustomization.yaml} per
 * directory, which on this project's disk is most of what a first write costs). With
 * {@link Layout#FILES} each directory has a {@code kustomization.yaml} listing its files in sync
 * order, and the environment's lists the directories. Pure: objects in, relative paths and file
 * contents out; the CLI writes them.
 */
public final class OutputLayout {
  public static final String CLUSTER_DIR = "_cluster";
  public static final String MANIFEST = "manifest.yaml";
  public static final String README = "README.md";
  public static final String KUSTOMIZATION = "kustomization.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How each application's directory holds its objects. */
  public enum Layout {
    /** One file per object, {@code <kind>-<name>.yaml}, listed in sync order by the kustomization. */
    FILES,
    /** Argo CD source hydrator's: one {@code manifest.yaml} in sync order, and a {@code README.md}. */
    HYDRATED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private OutputLayout() {}

  /** The file (relative to the platform directory) holding an application's object, in the file-per-object layout. */
  public static String appFile(String env, String app, RenderedObject o) {
    return appFile(Layout.FILES, env, app, o);
  }

  public static String appFile(Layout layout, String env, String app, RenderedObject o) {
    return "out/" + env + "/" + app + "/" + fileName(layout, o);
  }

  /** The file (relative to the platform directory) holding a written application's object. */
  public static String appFile(Layout layout, String env, String app, ObjectSummary o) {
    return "out/" + env + "/" + app + "/" + (layout == Layout.HYDRATED ? MANIFEST : o.fileName());
  }

  public static String clusterFile(String env, RenderedObject o) {
    return clusterFile(Layout.FILES, env, o);
  }

  public static String clusterFile(Layout layout, String env, RenderedObject o) {
    return "out/" + env + "/" + CLUSTER_DIR + "/" + fileName(layout, o);
  }

  private static String fileName(Layout layout, RenderedObject o) {
    return layout == Layout.HYDRATED ? MANIFEST : o.fileName();
  }

  /** Every file of the plan in the file-per-object layout, keyed by path relative to the output directory. */
  public static SortedMap<String, String> files(Plan plan) {
    return files(plan, Layout.FILES);
  }

  /** Every file of the plan, keyed by path relative to the output directory. */
  public static SortedMap<String, String> files(Plan plan, Layout layout) {
    SortedMap<String, String> out = new TreeMap<>();
    for (EnvironmentPlan e : plan.environments()) {
      List<String> dirs = new ArrayList<>();
      if (!e.clusterObjects().isEmpty()) {
        out.putAll(clusterDirectory(layout, e.name(), e.clusterObjects()));
        dirs.add(CLUSTER_DIR);
      }
      for (ApplicationPlan a : e.applications()) {
        out.putAll(applicationDirectory(layout, e.name(), a.name(), a.bundle().objects()));
        dirs.add(a.name());
      }
      if (!dirs.isEmpty()) {
        out.put(environmentKustomizationPath(e.name()), environmentKustomization(layout, dirs));
      }
    }
    return out;
  }

  /** The files of one application's directory {@code <env>/<app>/}. */
  public static SortedMap<String, String> applicationDirectory(Layout layout, String env, String app, List<RenderedObject> objects) {
    return directory(layout, env + "/" + app, objects, "`" + app + "` in environment `" + env + "`");
  }

  /** The files of an environment's {@code <env>/_cluster/} directory. */
  public static SortedMap<String, String> clusterDirectory(Layout layout, String env, List<RenderedObject> objects) {
    return directory(layout, env + "/" + CLUSTER_DIR, objects, "Environment-wide objects of `" + env + "`");
  }

  public static String environmentKustomizationPath(String env) {
    return env + "/" + KUSTOMIZATION;
  }

  /**
   * {@code <env>/kustomization.yaml}: {@code _cluster} first, then every application: its
   * directory ({@link Layout#FILES}, which has a kustomization of its own) or its
   * {@code manifest.yaml} ({@link Layout#HYDRATED}).
   */
  public static String environmentKustomization(Layout layout, List<String> dirs) {
    return kustomization(layout == Layout.HYDRATED ? dirs.stream().map(d -> d + "/" + MANIFEST).toList() : dirs);
  }

  private static SortedMap<String, String> directory(Layout layout, String dir, List<RenderedObject> objects, String title) {
    SortedMap<String, String> out = new TreeMap<>();
    if (layout == Layout.HYDRATED) {
      StringBuilder manifest = new StringBuilder(objects.size() * 2048);
      for (RenderedObject o : objects) {
        manifest.append("---\n").append(yaml(o.body()));
      }
      out.put(dir + "/" + MANIFEST, manifest.toString());
      out.put(dir + "/" + README, readme(title, objects));
    } else {
      for (RenderedObject o : objects) {
        out.put(dir + "/" + o.fileName(), yaml(o.body()));
      }
      out.put(dir + "/" + KUSTOMIZATION, kustomization(objects.stream().map(RenderedObject::fileName).toList()));
    }
    return out;
  }

  private static String readme(String title, List<RenderedObject> objects) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(title).append("\n\n");
    b.append("Generated by `slipway plan`; do not edit. `").append(MANIFEST)
        .append("` holds these objects in sync order (Slipway's wave, then kind, then name).\n\n");
    b.append("| kind | namespace/name | wave | argocd.argoproj.io/sync-wave |\n");
    b.append("|---|---|---|---|\n");
    for (RenderedObject o : objects) {
      b.append("| ").append(o.kind()).append(" | ").append(o.namespace() == null ? "" : o.namespace() + "/").append(o.name())
          .append(" | ").append(o.wave()).append(" | ")
          .append(o.body().path("metadata").path("annotations").path(ArgoSyncWave.ANNOTATION).asText("")).append(" |\n");
    }
    return b.toString();
  }

  private static String kustomization(List<String> resources) {
    ObjectNode k = JSON.createObjectNode();
    k.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
    k.put("kind", "Kustomization");
    var arr = k.putArray("resources");
    resources.forEach(arr::add);
    return "# Generated by slipway plan; do not edit. Listed in sync order.\n" + yaml(k);
  }

  public static String yaml(JsonNode node) {
    return YamlEmitter.write(node);
  }
}
