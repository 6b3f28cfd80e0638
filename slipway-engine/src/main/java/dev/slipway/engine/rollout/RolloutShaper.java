package dev.slipway.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.render.Labels;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.rollout.RolloutState.Phase;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.DeliveryStrategy.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The objects of a component with a delivery strategy, as a rollout's state wants them. Pure.
 *
 * <p>{@link #steady} is what {@code plan} renders (one revision, all traffic on it): the Deployment
 * is named after its revision ({@code web-3f2a9c1b0d}, the hash of its pod template) and its pods
 * carry {@value #REVISION}; the Service {@code web} selects that revision; blue/green adds a
 * preview Service {@code web-preview} (and a preview Ingress on host {@code web-preview.<domain>}
 * when the component has an ingress); canary adds {@code web-canary} and routes the Ingress
 * through the AWS Load Balancer Controller's weighted forward action {@code web-rollout}.
 *
 * <p>{@link #shape} turns those objects into the ones for a {@link RolloutState}: the stable
 * revision's Deployment kept beside the new one, selectors on the right revisions, the canary's
 * replicas and weights.
 */
public final class RolloutShaper {
  /** The pod label that tells revisions of a component apart. */
  public static final String REVISION = "slipway.dev/revision";
  /** The Deployment annotation that names its component's strategy ({@code blueGreen} or {@code canary}). */
  public static final String STRATEGY = "slipway.dev/strategy";
  /**
   * The stable "revision" of a component that ran without a strategy until now: its plain
   * Deployment, whose pods carry no revision label (its Service selects it without one).
   */
  public static final String LEGACY = "legacy";

  /** The ALB annotation prefix of a forward action. */
  public static final String ACTIONS = "alb.ingress.kubernetes.io/actions.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RolloutShaper() {}

  /** The preview Service's (and Ingress's) name. */
  public static String preview(String component) {
    return component + "-preview";
  }

  /** The canary Service's name. */
  public static String canaryService(String component) {
    return component + "-canary";
  }

  /** The ALB forward action's name (the Ingress backend that splits traffic). */
  public static String action(String component) {
    return component + "-rollout";
  }

  /** The revision of a Deployment: the first 10 hex digits of the SHA-256 of its pod template. */
  public static String revision(JsonNode deployment) {
    JsonNode template = deployment.path("spec").path("template").deepCopy();
    if (template instanceof ObjectNode t && t.path("metadata").path("labels") instanceof ObjectNode l) {
      l.remove(REVISION);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsString(template).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Replaces the rendered objects of {@code c} in {@code out} by their steady shape. */
  public static void steady(ComponentSpec c, List<RenderedObject> out) {
    if (c.strategy() == null) {
      return;
    }
    List<RenderedObject> added = new ArrayList<>();
    String rev = null;
    for (int i = 0; i < out.size(); i++) {
      RenderedObject o = out.get(i);
      if (c.name().equals(o.component()) && o.kind().equals("Deployment") && o.name().equals(c.name())) {
        rev = revision(o.body());
        ObjectNode body = o.body().deepCopy();
        String name = c.name() + "-" + rev;
        ((ObjectNode) body.get("metadata")).put("name", name);
        label(body.with("metadata").with("labels"), rev);
        body.with("metadata").with("annotations").put(STRATEGY, c.strategy().kind().id());
        label(body.with("spec").with("selector").with("matchLabels"), rev);
        label(body.with("spec").with("template").with("metadata").with("labels"), rev);
        out.set(i, new RenderedObject(o.apiVersion(), o.kind(), o.namespace(), name, o.component(), o.wave(), body));
      }
    }
    if (rev == null) {
      return;
    }
    for (int i = 0; i < out.size(); i++) {
      RenderedObject o = out.get(i);
      if (!c.name().equals(o.component()) || !o.name().equals(c.name())) {
        continue;
      }
      if (o.kind().equals("Service")) {
        label(o.body().with("spec").with("selector"), rev);
        String second = c.strategy().kind() == Kind.BLUE_GREEN ? preview(c.name()) : canaryService(c.name());
        added.add(renamed(o, second));
      } else if (o.kind().equals("Ingress")) {
        if (c.strategy().kind() == Kind.BLUE_GREEN) {
          RenderedObject p = renamed(o, preview(c.name()));
          for (JsonNode rule : p.body().path("spec").path("rules")) {
            ((ObjectNode) rule).put("host", previewHost(rule.path("host").asText()));
            for (JsonNode path : rule.path("http").path("paths")) {
              ((ObjectNode) path.path("backend").path("service")).put("name", preview(c.name()));
            }
          }
          for (JsonNode tls : p.body().path("spec").path("tls")) {
            com.fasterxml.jackson.databind.node.ArrayNode hosts = (com.fasterxml.jackson.databind.node.ArrayNode) tls.path("hosts");
            for (int h = 0; h < hosts.size(); h++) {
              hosts.set(h, hosts.get(h).asText().isEmpty() ? hosts.get(h) : JSON.getNodeFactory().textNode(previewHost(hosts.get(h).asText())));
            }
          }
          added.add(p);
        } else {
          String port = null;
          for (JsonNode rule : o.body().path("spec").path("rules")) {
            for (JsonNode path : rule.path("http").path("paths")) {
              ObjectNode svc = (ObjectNode) path.path("backend").path("service");
              port = svc.path("port").path("name").asText(svc.path("port").path("number").asText());
              svc.put("name", action(c.name()));
              svc.set("port", JSON.createObjectNode().put("name", "use-annotation"));
            }
          }
          setWeights(o.body(), c.name(), port, 0);
        }
      }
    }
    out.addAll(added);
  }

  /** {@code web.example.com} → {@code web-preview.example.com}. */
  static String previewHost(String host) {
    int dot = host.indexOf('.');
    return dot < 0 ? host + "-preview" : host.substring(0, dot) + "-preview" + host.substring(dot);
  }

  private static RenderedObject renamed(RenderedObject o, String name) {
    ObjectNode body = o.body().deepCopy();
    ((ObjectNode) body.get("metadata")).put("name", name);
    return new RenderedObject(o.apiVersion(), o.kind(), o.namespace(), name, o.component(), o.wave(), body);
  }

  private static void label(ObjectNode labels, String rev) {
    if (LEGACY.equals(rev)) {
      // The plain Deployment's pods carry no revision label: select them (and every revision) by component.
      labels.remove(REVISION);
    } else {
      labels.put(REVISION, rev);
    }
  }

  /** Sets the forward action's weights: {@code canary} percent to the canary Service, the rest to the stable one. */
  static void setWeights(ObjectNode ingress, String component, String port, int canary) {
    if (canary < 0 || canary > 100) {
      throw new IllegalArgumentException("weight " + canary + " is not between 0 and 100");
    }
    ObjectNode annotations = ingress.with("metadata").with("annotations");
    String key = ACTIONS + action(component);
    if (port == null) {
      // Keep the port the action was rendered with.
      JsonNode old = parse(annotations.path(key).asText("{}"));
      port = old.path("forwardConfig").path("targetGroups").path(0).path("servicePort").asText("http");
    }
    ObjectNode action = JSON.createObjectNode().put("type", "forward");
    var groups = action.putObject("forwardConfig").putArray("targetGroups");
    groups.addObject().put("serviceName", component).put("servicePort", port).put("weight", 100 - canary);
    groups.addObject().put("serviceName", canaryService(component)).put("servicePort", port).put("weight", canary);
    annotations.put(key, action.toString());
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return JSON.createObjectNode();
    }
  }

  /** A stored object back as a rendered one (wave from its annotation, component from its label). */
  public static RenderedObject rendered(ObjectNode body) {
    JsonNode meta = body.path("metadata");
    String ns = meta.path("namespace").isTextual() ? meta.path("namespace").asText() : null;
    int wave = meta.path("annotations").path(Labels.SYNC_WAVE).asInt(0);
    String component = meta.path("labels").path(Labels.COMPONENT).isTextual() ? meta.path("labels").path(Labels.COMPONENT).asText() : null;
    return new RenderedObject(body.path("apiVersion").asText(), body.path("kind").asText(), ns, meta.path("name").asText(), component, wave,
        body);
  }

  /**
   * The component's objects for state {@code s}: its release objects with selectors, replicas and
   * weights set, plus the Deployments of the stable and previous revisions it still runs.
   */
  public static List<RenderedObject> shape(RolloutState s) {
    String c = s.component();
    boolean rolling = s.canary() != null;
    boolean aborted = s.phase() == Phase.ABORTED;
    String second = rolling && !aborted ? s.canary() : s.stable();
    List<RenderedObject> out = new ArrayList<>();
    for (ObjectNode stored : s.release()) {
      ObjectNode body = stored.deepCopy();
      String kind = body.path("kind").asText();
      String name = body.path("metadata").path("name").asText();
      if (kind.equals("Deployment")) {
        if (rolling) {
          int replicas = body.path("spec").path("replicas").asInt(1);
          int want = aborted ? 0 : s.strategy().equals(Kind.BLUE_GREEN.id()) ? replicas : (int) Math.ceil(replicas * s.scale() / 100.0);
          ((ObjectNode) body.get("spec")).put("replicas", want);
        }
      } else if (kind.equals("Service") && name.equals(c)) {
        label(body.with("spec").with("selector"), s.stable());
      } else if (kind.equals("Service") && (name.equals(preview(c)) || name.equals(canaryService(c)))) {
        label(body.with("spec").with("selector"), second);
      } else if (kind.equals("Ingress") && body.path("metadata").path("annotations").has(ACTIONS + action(c))) {
        setWeights(body, c, null, rolling && !aborted ? s.weight() : 0);
      }
      out.add(rendered(body));
    }
    if (rolling && s.stableDeployment() != null) {
      out.add(rendered(s.stableDeployment().deepCopy()));
    }
    if (s.previous() != null && s.previousDeployment() != null && !s.previous().equals(s.releaseRevision())) {
      out.add(rendered(s.previousDeployment().deepCopy()));
    }
    return out;
  }
}
