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
  /** The result of a revision recorded before its sync finished. */
  public static final String RUNNING = "Running";
  static final String DATA = "revisions.json";
  /** Where unreadable history is kept, untouched, when a new revision is recorded. */
  static final String UNREADABLE = "revisions.unreadable.json";
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
   * @param id a unique id of the run that recorded it, so that a write retried after a lost
   *     response does not record the same run twice
   * @param completed when a revision recorded as {@link #RUNNING} was completed, or null (a
   *     revision recorded once its sync ended has its end as {@code time}); promotion's soak counts from it
   */
  public record Revision(int number, String time, String who, String commit, boolean dirty, List<String> sets, String hash,
      List<String> images, String result, int writes, int rollbackOf, String id,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String completed) {
    public Revision {
      sets = sets == null ? List.of() : List.copyOf(sets);
      images = images == null ? List.of() : List.copyOf(images);
    }

    public Revision(int number, String time, String who, String commit, boolean dirty, List<String> sets, String hash,
        List<String> images, String result, int writes, int rollbackOf, String id) {
      this(number, time, who, commit, dirty, sets, hash, images, result, writes, rollbackOf, id, null);
    }

    /** When the sync of this revision ended, as far as recorded: its completion, else its time. */
    public String ended() {
      return completed != null ? completed : time;
    }

    public Revision(int number, String time, String who, String commit, boolean dirty, List<String> sets, String hash,
        List<String> images, String result, int writes, int rollbackOf) {
      this(number, time, who, commit, dirty, sets, hash, images, result, writes, rollbackOf, null);
    }

    Revision withResult(String newResult, int newWrites) {
      return new Revision(number, time, who, commit, dirty, sets, hash, images, newResult, newWrites, rollbackOf, id, completed);
    }

    Revision withResult(String newResult, int newWrites, String at) {
      return new Revision(number, time, who, commit, dirty, sets, hash, images, newResult, newWrites, rollbackOf, id, at);
    }

    /** Whether the run that recorded it had not finished when it was recorded. */
    public boolean running() {
      return RUNNING.equals(result);
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

  /**
   * An application's history as read: its revisions, and what could not be read (null when
   * everything could). A damaged record is skipped, never fatal: the rest of the history and every
   * other application's stay usable.
   */
  public record History(List<Revision> revisions, String problem, List<JsonNode> unreadable) {
    public History(List<Revision> revisions, String problem) {
      this(revisions, problem, List.of());
    }
  }

  /** The readable revisions, oldest first; unreadable records are skipped (see {@link #read}). */
  public List<Revision> list(String environment, ApplicationBundle bundle) {
    return read(environment, bundle).revisions();
  }

  public History read(String environment, ApplicationBundle bundle) {
    JsonNode cm = client.get("v1", "ConfigMap", namespaceOf(bundle), name(environment, bundle.application()));
    return cm == null ? new History(new ArrayList<>(), null) : parse(cm, environment, bundle);
  }

  /** The label that names the application a history ConfigMap belongs to (it has no application label: it is not rendered). */
  public static final String HISTORY_OF = "slipway.dev/history-of";

  /**
   * The history held in {@code cached}, an application's objects as a watch holds them (its
   * history ConfigMap among them, or not yet): no request. For views that a later event refreshes;
   * a sync reads the history from the server ({@link #read}).
   */
  public static History fromCache(List<JsonNode> cached, String environment, ApplicationBundle bundle) {
    JsonNode cm = cachedConfigMap(cached, environment, bundle);
    return cm == null ? new History(new ArrayList<>(), null) : parse(cm, environment, bundle);
  }

  private static JsonNode cachedConfigMap(List<JsonNode> cached, String environment, ApplicationBundle bundle) {
    String name = name(environment, bundle.application());
    for (JsonNode o : cached) {
      if (o.path("kind").asText().equals("ConfigMap") && o.path("metadata").path("name").asText().equals(name)
          && o.path("metadata").path("namespace").asText().equals(namespaceOf(bundle))) {
        return o;
      }
    }
    return null;
  }

  /**
   * What people set on an application in an environment through the server, kept as annotations
   * of its history ConfigMap so that every replica sees it, and the next leader after a failover or
   * a restart starts from it.
   *
   * @param pinnedRevision the revision the application is pinned to (a rollback, or a pin), 0 when not pinned
   * @param paused whether automated sync and self-heal are stopped
   * @param unpinnedThrough rollback revisions up to this one were unpinned and do not pin again
   */
  public record Controls(int pinnedRevision, boolean paused, int unpinnedThrough) {
    public static final Controls NONE = new Controls(0, false, 0);
  }

  static final String PINNED = "slipway.dev/pinned-revision";
  static final String PAUSED = "slipway.dev/paused";
  static final String UNPINNED_THROUGH = "slipway.dev/unpinned-through";

  /** The controls recorded on a history ConfigMap (none when it is null); a value that is not a number counts as unset. */
  public static Controls controls(JsonNode cm) {
    if (cm == null) {
      return Controls.NONE;
    }
    JsonNode a = cm.path("metadata").path("annotations");
    return new Controls(number(a.path(PINNED).asText("")), a.path(PAUSED).asText("").equals("true"), number(a.path(UNPINNED_THROUGH).asText("")));
  }

  private static int number(String text) {
    try {
      return Math.max(0, Integer.parseInt(text.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The controls as a watch holds them (no request). */
  public static Controls controlsFromCache(List<JsonNode> cached, String environment, ApplicationBundle bundle) {
    return controls(cachedConfigMap(cached, environment, bundle));
  }

  /** The controls as the server holds them now. */
  public Controls controls(String environment, ApplicationBundle bundle) {
    return controls(client.get("v1", "ConfigMap", namespaceOf(bundle), name(environment, bundle.application())));
  }

  /** Records the controls (creating the history ConfigMap, empty, when the application was never synced); retries on conflicts. */
  public void setControls(String environment, ApplicationBundle bundle, Controls controls) {
    write(environment, bundle, revisions -> null, controls);
  }

  private static History parse(JsonNode cm, String environment, ApplicationBundle bundle) {
    List<Revision> out = new ArrayList<>();
    String where = "history ConfigMap " + name(environment, bundle.application());
    JsonNode records;
    try {
      records = JSON.readTree(cm.path("data").path(DATA).asText("[]"));
    } catch (JsonProcessingException e) {
      return new History(out, where + " holds unreadable " + DATA + " (" + e.getOriginalMessage() + "); it is ignored"
          + " and kept as " + UNREADABLE + " at the next sync");
    }
    if (records == null || !records.isArray()) {
      return new History(out, where + ": " + DATA + " is not a list; it is ignored and kept as " + UNREADABLE + " at the next sync");
    }
    List<JsonNode> unreadable = new ArrayList<>();
    for (JsonNode r : records) {
      try {
        Revision rev = JSON.treeToValue(r, Revision.class);
        if (rev.number() <= 0 || rev.result() == null) {
          unreadable.add(r);
          continue;
        }
        out.add(rev);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        unreadable.add(r);
      }
    }
    return new History(out, unreadable.isEmpty() ? null : where + ": " + unreadable.size() + " unreadable record(s) skipped"
        + " (kept as they were in " + UNREADABLE + " at the next sync)", unreadable);
  }

  /**
   * Appends a revision (numbered after the last), keeping the newest {@value #KEEP}; retries on
   * conflicts. A draft whose {@code id} is already recorded (a retry after a lost response) is
   * not recorded again: the recorded revision is returned.
   */
  public Revision record(String environment, ApplicationBundle bundle, Revision draft) {
    return write(environment, bundle, revisions -> {
      if (draft.id() != null) {
        for (Revision r : revisions) {
          if (draft.id().equals(r.id())) {
            return r;
          }
        }
      }
      int next = revisions.isEmpty() ? 1 : revisions.get(revisions.size() - 1).number() + 1;
      Revision r = new Revision(next, draft.time(), draft.who(), draft.commit(), draft.dirty(), draft.sets(), draft.hash(),
          draft.images(), draft.result(), draft.writes(), draft.rollbackOf(), draft.id(), draft.completed());
      revisions.add(r);
      return r;
    });
  }

  /** Sets the result and write count of a revision recorded before its sync finished. */
  public Revision complete(String environment, ApplicationBundle bundle, int number, String result, int writes) {
    return complete(environment, bundle, number, result, writes, null);
  }

  /** The same, recording when it completed ({@code at}, ISO-8601; null keeps what was recorded). */
  public Revision complete(String environment, ApplicationBundle bundle, int number, String result, int writes, String at) {
    return write(environment, bundle, revisions -> {
      for (int i = 0; i < revisions.size(); i++) {
        Revision r = revisions.get(i);
        if (r.number() == number) {
          Revision done = at == null ? r.withResult(result, writes) : r.withResult(result, writes, at);
          revisions.set(i, done);
          return done;
        }
      }
      throw new IllegalStateException("revision " + number + " is no longer in the history");
    });
  }

  /**
   * Marks revisions still "Running" as interrupted: the run that recorded them ended (killed, lost
   * its connection) before completing them. Called by a later run before it records its own.
   * Returns the numbers marked.
   */
  public List<Integer> markInterrupted(String environment, ApplicationBundle bundle, String by) {
    List<Integer> marked = new ArrayList<>();
    History h = read(environment, bundle);
    if (h.revisions().stream().noneMatch(Revision::running)) {
      return marked;
    }
    write(environment, bundle, revisions -> {
      marked.clear();
      for (int i = 0; i < revisions.size(); i++) {
        Revision r = revisions.get(i);
        if (r.running()) {
          revisions.set(i, r.withResult("Interrupted: the run did not complete (found by " + by + ")", r.writes()));
          marked.add(r.number());
        }
      }
      return null;
    });
    return marked;
  }

  /** Read-modify-write of the history ConfigMap, retried on conflicts; writes nothing when nothing changed. */
  private Revision write(String environment, ApplicationBundle bundle, java.util.function.Function<List<Revision>, Revision> change) {
    return write(environment, bundle, change, null);
  }

  /** The same, also setting the controls (null: keeps those recorded). Annotations of others are kept. */
  private Revision write(String environment, ApplicationBundle bundle, java.util.function.Function<List<Revision>, Revision> change,
      Controls newControls) {
    for (int attempt = 1; ; attempt++) {
      JsonNode live = client.get("v1", "ConfigMap", namespaceOf(bundle), name(environment, bundle.application()));
      History read = live == null ? new History(new ArrayList<>(), null) : parse(live, environment, bundle);
      List<Revision> revisions = new ArrayList<>(read.revisions());
      String before = json(revisions);
      Revision r = change.apply(revisions);
      while (revisions.size() > KEEP) {
        revisions.remove(0);
      }
      String after = json(revisions);
      Controls controls = newControls != null ? newControls : controls(live);
      if (live != null && after.equals(before) && read.problem() == null && controls.equals(controls(live))) {
        return r;
      }
      ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
      ObjectNode meta = cm.putObject("metadata").put("name", name(environment, bundle.application())).put("namespace", namespaceOf(bundle));
      meta.putObject("labels").put(Labels.MANAGED_BY, "slipway").put(Labels.ENVIRONMENT, environment)
          .put(HISTORY_OF, bundle.application());
      ObjectNode annotations = live != null && live.path("metadata").path("annotations").isObject()
          ? ((ObjectNode) live.path("metadata").path("annotations")).deepCopy() : JSON.createObjectNode();
      annotations.remove(List.of(PINNED, PAUSED, UNPINNED_THROUGH));
      if (controls.pinnedRevision() > 0) {
        annotations.put(PINNED, Integer.toString(controls.pinnedRevision()));
      }
      if (controls.paused()) {
        annotations.put(PAUSED, "true");
      }
      if (controls.unpinnedThrough() > 0) {
        annotations.put(UNPINNED_THROUGH, Integer.toString(controls.unpinnedThrough()));
      }
      if (!annotations.isEmpty()) {
        meta.set("annotations", annotations);
      }
      ObjectNode data = cm.putObject("data");
      data.put(DATA, after);
      if (live != null) {
        JsonNode kept = live.path("data").path(UNREADABLE);
        if (!read.unreadable().isEmpty()) {
          // Damaged records are moved aside untouched, added to what was kept before.
          StringBuilder text = new StringBuilder(kept.isTextual() ? kept.asText() + "\n" : "");
          text.append(json(read.unreadable()));
          data.put(UNREADABLE, text.toString());
        } else if (kept.isTextual()) {
          data.set(UNREADABLE, kept);
        } else if (read.problem() != null && read.revisions().isEmpty()) {
          data.put(UNREADABLE, live.path("data").path(DATA).asText(""));
        }
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

  private static String json(List<?> revisions) {
    try {
      return JSON.writeValueAsString(revisions);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
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
