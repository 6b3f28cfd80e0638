package dev.slipway.kube.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.rollout.RolloutState;
import dev.slipway.kube.ClusterClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Rollout states in the cluster: one ConfigMap per component with a strategy, in the
 * application's namespace, beside its history ({@code slipway-rollout-<component>}). It carries
 * no application label, so it is never rendered, compared or pruned. Writes go with the
 * resourceVersion read: two drivers cannot both move one rollout on (the second gets
 * {@link Conflict} and reads again).
 */
public final class RolloutStore {
  /** The label naming the application a rollout ConfigMap belongs to. */
  public static final String ROLLOUT_OF = "slipway.dev/rollout-of";
  static final String DATA = "state.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ClusterClient client;

  public RolloutStore(ClusterClient client) {
    this.client = client;
  }

  public static String name(String component) {
    return "slipway-rollout-" + component;
  }

  /** A state and the resourceVersion it was read at (null when there was none). */
  public record Stored(RolloutState state, String resourceVersion) {}

  /** Another writer changed the state since it was read (HTTP 409, as the API server said). */
  public static final class Conflict extends KubernetesClientException {
    Conflict(String message) {
      super(message, 409, null);
    }
  }

  /** A stored state that cannot be read: reported as the cluster's problem, with what to do. */
  public static final class Unreadable extends KubernetesClientException {
    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The stored state of a component, or a {@code Stored} with null state when none is stored. */
  public Stored read(String namespace, String component) {
    JsonNode cm = client.get("v1", "ConfigMap", namespace, name(component));
    if (cm == null) {
      return new Stored(null, null);
    }
    String text = cm.path("data").path(DATA).asText("");
    try {
      return new Stored(RolloutState.fromJson(JSON.readTree(text)), cm.path("metadata").path("resourceVersion").asText());
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new Unreadable("rollout state ConfigMap " + namespace + "/" + name(component) + " cannot be read: " + e.getMessage()
          + "; delete it to start the component's rollouts afresh from the revision its Service selects", e);
    }
  }

  /** Writes {@code state} over what was read at {@code resourceVersion} (null: creates it). */
  public String write(String environment, String application, String namespace, RolloutState state, String resourceVersion) {
    ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    ObjectNode meta = cm.putObject("metadata").put("name", name(state.component())).put("namespace", namespace);
    meta.putObject("labels").put(Labels.MANAGED_BY, "slipway").put(Labels.ENVIRONMENT, environment).put(ROLLOUT_OF, application)
        .put(Labels.COMPONENT, state.component());
    cm.putObject("data").put(DATA, state.toJson().toString());
    try {
      JsonNode written;
      if (resourceVersion == null) {
        written = client.create(cm);
      } else {
        meta.put("resourceVersion", resourceVersion);
        written = client.update(cm);
      }
      return written == null ? null : written.path("metadata").path("resourceVersion").asText();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new Conflict("the rollout of " + state.component() + " was changed by someone else meanwhile; read it again");
      }
      throw e;
    }
  }
}
