package dev.slipway.kube;

import dev.slipway.engine.render.Labels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches everything Slipway owns in an environment and reports which application changed. Uses
 * fabric8 informers (one per kind, equality label selector across namespaces), which list, then
 * watch, and re-list by themselves when the server answers 410 Gone.
 */
public final class OwnedWatch implements AutoCloseable {
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
  private final List<String[]> kinds = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * Starts watching; {@code changed} receives the application label of every object added,
   * changed or deleted (the application a history ConfigMap records, for one; {@link
   * SyncExecutor#CLUSTER} for environment-wide objects), from the informers' threads.
   */
  public OwnedWatch(KubernetesClient client, String environment, Consumer<String> changed) {
    Map<String, String> labels = Map.of(Labels.ENVIRONMENT, environment, Labels.MANAGED_BY, "slipway");
    ResourceEventHandler<GenericKubernetesResource> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        changed.accept(app(obj));
      }

      @Override
      public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
        if (!before.getMetadata().getResourceVersion().equals(after.getMetadata().getResourceVersion())) {
          changed.accept(app(after));
        }
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
        changed.accept(app(obj));
      }
    };
    List<String[]> kinds = dev.slipway.engine.sync.ManagedKinds.all().stream()
        .map(k -> new String[] {k.apiVersion(), k.kind()}).toList();
    for (String[] k : kinds) {
      var ctx = ClusterClient.context(k[0], k[1]);
      var op = client.genericKubernetesResources(ctx);
      var scoped = ctx.isNamespaceScoped() ? op.inAnyNamespace() : op;
      SharedIndexInformer<GenericKubernetesResource> informer = scoped.withLabels(labels).runnableInformer(0);
      informer.addIndexers(Map.of(BY_APPLICATION, o -> List.of(app(o))));
      informer.addEventHandler(handler);
      // Keep watching through what passes (lost connections, 5xx, 410 Gone is re-listed by the informer);
      // give up on what does not (401, 403, 404 for a kind the cluster does not serve is tolerated).
      informer.exceptionHandler((isStarted, t) -> {
        io.fabric8.kubernetes.client.KubernetesClientException e = t instanceof io.fabric8.kubernetes.client.WatcherException w
            ? w.asClientException() : ClusterFailure.find(t, io.fabric8.kubernetes.client.KubernetesClientException.class);
        if (e != null && (e.getCode() == 401 || e.getCode() == 403)) {
          failure.compareAndSet(null, k[1] + " watch refused: " + ClusterFailure.of(e, "watch", ClusterClient.plural(k[1]), null).getMessage());
          return false;
        }
        if (e != null && e.getCode() == 404) {
          // The cluster does not serve this kind (its CRD is not installed): nothing of it can exist,
          // so the cache is complete without it. Keep trying, for a CRD installed later.
          absent.add(k[1]);
          return true;
        }
        problem.set(ClusterFailure.of(e != null ? e : new io.fabric8.kubernetes.client.KubernetesClientException(String.valueOf(t.getMessage()), t),
            "list", ClusterClient.plural(k[1]), null).getMessage());
        return true;
      });
      this.kinds.add(k);
      informer.start();
      informer.stopped().whenComplete((v, t) -> {
        if (t != null) {
          failure.compareAndSet(null, k[1] + " watch stopped: " + t.getMessage());
        }
      });
      informers.add(informer);
    }
  }

  private final java.util.concurrent.atomic.AtomicReference<String> problem = new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * The last error an informer met and is retrying through (the cluster refused the connection,
   * timed out, answered 5xx), or null when none has: why {@link #synced} may stay false.
   */
  public String problem() {
    return problem.get();
  }

  /** Why the watch stopped for good, or null while it runs. */
  public String failure() {
    return failure.get();
  }

  private static final String BY_APPLICATION = "slipway-application";

  private final java.util.Set<String> absent = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Whether every informer has listed its kind once, or found that the cluster does not serve it
   * (404: its CRD is not installed): the cache answers for the whole cluster.
   */
  public boolean synced() {
    for (int i = 0; i < informers.size(); i++) {
      if (!informers.get(i).hasSynced() && !absent.contains(kinds.get(i)[1])) {
        return false;
      }
    }
    return true;
  }

  /** The kinds the cluster answered 404 for (not installed), sorted. */
  public java.util.List<String> absentKinds() {
    return absent.stream().sorted().toList();
  }

  /**
   * What the informers hold of one application (or {@link SyncExecutor#CLUSTER}), as the API
   * server last sent it: a snapshot to compare against without a request.
   */
  public SyncExecutor.Snapshot cached(String application) {
    List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
    for (int i = 0; i < informers.size(); i++) {
      String[] k = kinds.get(i);
      for (GenericKubernetesResource o : informers.get(i).getIndexer().byIndex(BY_APPLICATION, application)) {
        // The same conversion as a list through ClusterClient, so comparisons see the same JSON.
        out.add(ClusterClient.toJson(o, k[0], k[1]));
      }
    }
    return new SyncExecutor.Snapshot(out);
  }

  /** How many objects the informers hold (metrics, tests). */
  public int size() {
    return informers.stream().mapToInt(i -> i.getStore().list().size()).sum();
  }

  /** The application an object belongs to: its application label, or for a history or rollout ConfigMap the application it records. */
  private static String app(GenericKubernetesResource obj) {
    Map<String, String> l = obj.getMetadata().getLabels();
    String app = l == null ? null : l.get(Labels.APPLICATION) != null ? l.get(Labels.APPLICATION)
        : l.get(HistoryStore.HISTORY_OF) != null ? l.get(HistoryStore.HISTORY_OF) : l.get(dev.slipway.kube.rollout.RolloutStore.ROLLOUT_OF);
    return app == null ? SyncExecutor.CLUSTER : app;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
