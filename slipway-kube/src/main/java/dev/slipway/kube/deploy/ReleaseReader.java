package dev.slipway.kube.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.promote.PromotionGates.Pin;
import dev.slipway.engine.promote.SourceObservation;
import dev.slipway.engine.render.ApplicationBundle;
import dev.slipway.engine.render.Labels;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.HistoryStore;
import dev.slipway.kube.HistoryStore.Controls;
import dev.slipway.kube.HistoryStore.Revision;
import dev.slipway.kube.SyncExecutor;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads what a promotion is judged on from an environment's cluster: the digests its pods run,
 * its sync history and status (for the soak), and whether a rollback pinned it. Reads only, except
 * {@link #unpin}.
 */
public final class ReleaseReader {
  private final ClusterClient client;
  private final SyncExecutor executor;
  private final HistoryStore history;

  public ReleaseReader(ClusterClient client, SyncExecutor executor) {
    this.client = client;
    this.executor = executor;
    this.history = new HistoryStore(client);
  }

  /**
   * Component → digest its running pods report ({@code status.containerStatuses[].imageID}), for
   * the components whose pods all agree on one registry digest; the others are absent (digest
   * unknown), with the reason in {@code notes}.
   */
  public SortedMap<String, String> digests(String environment, ApplicationBundle bundle, Map<String, String> rendered,
      SortedMap<String, String> notes) {
    SortedMap<String, String> out = new TreeMap<>();
    List<JsonNode> pods = client.list("v1", "Pod", bundle.namespace(), Map.of(Labels.ENVIRONMENT, environment,
        Labels.APPLICATION, bundle.application()));
    for (var e : rendered.entrySet()) {
      String component = e.getKey();
      String wanted = normalized(e.getValue());
      TreeSet<String> found = new TreeSet<>();
      TreeSet<String> others = new TreeSet<>();
      boolean localOnly = false;
      for (JsonNode pod : pods) {
        if (!component.equals(pod.path("metadata").path("labels").path(Labels.COMPONENT).asText())) {
          continue;
        }
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
          if (!component.equals(s.path("name").asText())) {
            continue;
          }
          // Only a pod running the rendered reference says which digest that reference is: the
          // digest of an older tag still running must never be attached to a new one.
          if (!wanted.equals(normalized(s.path("image").asText()))) {
            others.add(s.path("image").asText());
            continue;
          }
          String id = s.path("imageID").asText("");
          int at = id.indexOf("@sha256:");
          if (at < 0) {
            localOnly |= !id.isEmpty();
            continue;
          }
          found.add(id.substring(at + 1));
        }
      }
      if (found.size() == 1) {
        out.put(component, found.first());
      } else if (found.size() > 1) {
        notes.put(component, "digest unknown: its pods run " + found.size() + " different digests of " + e.getValue()
            + " (the tag moved during a rollout?)");
      } else if (localOnly) {
        notes.put(component, "digest unknown: the container runtime reports no registry digest");
      } else if (!others.isEmpty()) {
        notes.put(component, "digest unknown: no running pod runs " + e.getValue() + " (they run " + String.join(", ", others) + ")");
      } else {
        notes.put(component, "digest unknown: no running pod reports an image ID");
      }
    }
    return out;
  }

  /** An image reference as the kubelet may report it: without Docker Hub's implied {@code docker.io/} and {@code library/}. */
  static String normalized(String image) {
    String s = image.startsWith("docker.io/") ? image.substring("docker.io/".length()) : image;
    return s.startsWith("library/") ? s.substring("library/".length()) : s;
  }

  /** The source's history and status now, for the source and soak gates; unreadable (with why) when the cluster did not answer. */
  public SourceObservation observe(String environment, ApplicationBundle bundle) {
    try {
      HistoryStore.History h = history.read(environment, bundle);
      StatusReader.ApplicationStatus status = new StatusReader(executor, history).read(environment, bundle);
      List<SourceObservation.Revision> revisions = h.revisions().stream().map(ReleaseReader::revision).toList();
      String problem = h.problem() != null && revisions.isEmpty() ? h.problem() : null;
      return new SourceObservation(revisions, problem, status.sync(), status.health().label());
    } catch (RuntimeException e) {
      return SourceObservation.unreadable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /** The last successful revision of an application, or null: its commit is the release's. */
  public Revision lastSucceeded(String environment, ApplicationBundle bundle) {
    List<Revision> revisions = history.read(environment, bundle).revisions();
    for (int i = revisions.size() - 1; i >= 0; i--) {
      if ("Succeeded".equals(revisions.get(i).result())) {
        return revisions.get(i);
      }
    }
    return null;
  }

  static SourceObservation.Revision revision(Revision r) {
    return new SourceObservation.Revision(r.number(), r.ended(), r.who(), r.commit(), r.hash(), r.result(), r.rollbackOf());
  }

  /**
   * Whether the application is pinned in the environment, and by whom: a pin recorded on its
   * history ConfigMap, or a newest revision that is a rollback not yet unpinned (as the server
   * decides). Null when not pinned.
   */
  public Pin pin(String environment, ApplicationBundle bundle) {
    Controls c = history.controls(environment, bundle);
    List<Revision> revisions = history.read(environment, bundle).revisions();
    if (c.pinnedRevision() > 0) {
      String by = revisions.stream().filter(r -> r.number() == c.pinnedRevision()).map(Revision::who).findFirst().orElse(null);
      return new Pin(c.pinnedRevision(), by);
    }
    if (!revisions.isEmpty()) {
      Revision last = revisions.get(revisions.size() - 1);
      if (last.rollbackOf() > 0 && last.number() > c.unpinnedThrough()) {
        return new Pin(last.number(), last.who());
      }
    }
    return null;
  }

  /** Removes the pin, acknowledging the rollbacks recorded so far (they do not pin again); returns the pin removed, or null. */
  public Pin unpin(String environment, ApplicationBundle bundle) {
    Pin pin = pin(environment, bundle);
    Controls c = history.controls(environment, bundle);
    List<Revision> revisions = history.read(environment, bundle).revisions();
    int newest = revisions.isEmpty() ? 0 : revisions.get(revisions.size() - 1).number();
    history.setControls(environment, bundle, new Controls(0, c.paused(), Math.max(c.unpinnedThrough(), newest)));
    return pin;
  }
}
