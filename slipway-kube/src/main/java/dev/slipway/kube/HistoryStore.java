package dev.slipway.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.render.RenderedObject;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Sync history, kept in the cluster next to the application: a ConfigMap
 * {@code slipway-history-<env>-<app>} in its namespace holding the last {@value #KEEP} revisions.
 * It carries no application label, so sync never sees it as something to prune. Revisions hold
 * what is needed to redeploy them (commit and what-if overrides), never secret values.
 */
public final class HistoryStore {
  public static final int KEEP = 20;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * One sync.
   *
   * @param commit the platform repository's commit, or null when not in Git
   * @param dirty whether the platform had uncommitted changes (then it cannot be reproduced)
   * @param sets the {@code --set} overrides the sync was run with
   * @param hash SHA-256 of the rendered set
   * @param rollbackOf the revision this sync rolled back to, or 0
   */
  public record Revision(int number, String time, String who, String commit, boolean dirty, List<String> sets, String hash,
      List<String> images, String result, int writes, int rollbackOf) {
    public Revision {
      sets = sets == null ? List.of() : List.copyOf(sets);
      images = images == null ? List.of() : List.copyOf(images);
    }

    /** Whether the platform files of this revision can be found again: committed, clean. */
    public boolean reproducible() {
      return commit != null && !dirty;
    }
  }

  private final ClusterClient client;

  public HistoryStore(ClusterClient client) {
    this.client = client;
  }

  static String name(String environment, String app) {
    return "slipway-history-" + environment + "-" + app;
  }

  static String namespaceOf(ApplicationBundle bundle) {
    return bundle.namespace() == null ? "default" : bundle.namespace();
  }

  public List<Revision> list(String environment, ApplicationBundle bundle) {
    JsonNode cm = client.get("v1", "ConfigMap", namespaceOf(bundle), name(environment, bundle.application()));
    return cm == null ? new ArrayList<>() : parse(cm, environment, bundle);
  }

  private static List<Revision> parse(JsonNode cm, String environment, ApplicationBundle bundle) {
    List<Revision> out = new ArrayList<>();
    try {
      for (JsonNode r : JSON.readTree(cm.path("data").path("revisions.json").asText("[]"))) {
        out.add(JSON.treeToValue(r, Revision.class));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable history in ConfigMap " + name(environment, bundle.application()) + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Appends a revision (numbered after the last), keeping the newest {@value #KEEP}; retries on conflicts. */
  public Revision record(String environment, ApplicationBundle bundle, Revision draft) {
    return write(environment, bundle, revisions -> {
      int next = revisions.isEmpty() ? 1 : revisions.get(revisions.size() - 1).number() + 1;
      Revision r = new Revision(next, draft.time(), draft.who(), draft.commit(), draft.dirty(), draft.sets(), draft.hash(),
          draft.images(), draft.result(), draft.writes(), draft.rollbackOf());
      revisions.add(r);
      return r;
    });
  }

  /** Sets the result and write count of a revision recorded before its sync finished. */
  public Revision complete(String environment, ApplicationBundle bundle, int number, String result, int writes) {
    return write(environment, bundle, revisions -> {
      for (int i = 0; i < revisions.size(); i++) {
        Revision r = revisions.get(i);
        if (r.number() == number) {
          Revision done = new Revision(r.number(), r.time(), r.who(), r.commit(), r.dirty(), r.sets(), r.hash(), r.images(), result,
              writes, r.rollbackOf());
          revisions.set(i, done);
          return done;
        }
      }
      throw new IllegalStateException("revision " + number + " is no longer in the history");
    });
  }

  /** Read-modify-write of the history ConfigMap, retried on conflicts. */
  private Revision write(String environment, ApplicationBundle bundle, java.util.function.Function<List<Revision>, Revision> change) {
    for (int attempt = 1; ; attempt++) {
      JsonNode live = client.get("v1", "ConfigMap", namespaceOf(bundle), name(environment, bundle.application()));
      List<Revision> revisions = live == null ? new ArrayList<>() : parse(live, environment, bundle);
      Revision r = change.apply(revisions);
      while (revisions.size() > KEEP) {
        revisions.remove(0);
      }
      ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
      ObjectNode meta = cm.putObject("metadata").put("name", name(environment, bundle.application())).put("namespace", namespaceOf(bundle));
      meta.putObject("labels").put(Labels.MANAGED_BY, "slipway").put(Labels.ENVIRONMENT, environment)
          .put("slipway.dev/history-of", bundle.application());
      try {
        cm.putObject("data").put("revisions.json", JSON.writeValueAsString(revisions));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      try {
        if (live == null) {
          client.create(cm);
        } else {
          meta.put("resourceVersion", live.path("metadata").path("resourceVersion").asText());
          client.update(cm);
        }
        return r;
      } catch (KubernetesClientException e) {
        if ((e.getCode() != 409) || attempt >= 5) {
          throw e;
        }
      }
    }
  }

  /** SHA-256 over the rendered objects, to tell whether two revisions deployed the same thing. */
  public static String hash(ApplicationBundle bundle) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (RenderedObject o : bundle.objects()) {
        md.update(JSON.writeValueAsString(o.body()).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The container images a bundle deploys. */
  public static List<String> images(ApplicationBundle bundle) {
    TreeSet<String> images = new TreeSet<>();
    for (RenderedObject o : bundle.objects()) {
      o.body().findValues("image").forEach(i -> {
        if (i.isTextual()) {
          images.add(i.asText());
        }
      });
    }
    return List.copyOf(images);
  }
}
