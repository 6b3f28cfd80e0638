package dev.slipway.engine.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.render.RenderedObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * The built-in baseline: pod security (non-root, read-only root filesystem, no privilege
 * escalation, capabilities dropped), probes, requests and limits, image tags and registries,
 * production availability (replicas, PodDisruptionBudget), exposure (no NodePort/LoadBalancer,
 * TLS) and no secret-looking literals in environment variables.
 */
public final class BaselineRules {
  private BaselineRules() {}

  private record Rule(String id, String description, BiPredicate<JsonNode, PolicyContext> applies,
      BiFunction<JsonNode, PolicyContext, List<Violation>> check) implements BaselineRule {
    @Override
    public boolean appliesTo(JsonNode obj, PolicyContext ctx) {
      return applies.test(obj, ctx);
    }

    @Override
    public List<Violation> check(JsonNode obj, PolicyContext ctx) {
      return check.apply(obj, ctx);
    }
  }

  private static final BiPredicate<JsonNode, PolicyContext> HAS_POD = (o, c) -> PodSpecs.find(o) != null;

  public static final List<BaselineRule> ALL = List.of(
      new Rule("require-run-as-non-root", "containers must run as a non-root user (runAsNonRoot: true)", HAS_POD,
          BaselineRules::runAsNonRoot),
      new Rule("require-ro-rootfs", "containers must have a read-only root filesystem", HAS_POD,
          (o, c) -> eachContainer(o, (k, p) -> k.path("securityContext").path("readOnlyRootFilesystem").asBoolean(false)
              ? null : new Violation(p + ".securityContext.readOnlyRootFilesystem", "root filesystem is writable; set readOnlyRootFilesystem: true"))),
      new Rule("disallow-privilege-escalation", "containers must set allowPrivilegeEscalation: false", HAS_POD,
          (o, c) -> eachContainer(o, (k, p) -> k.path("securityContext").path("allowPrivilegeEscalation").isBoolean()
                  && !k.path("securityContext").path("allowPrivilegeEscalation").asBoolean()
              ? null : new Violation(p + ".securityContext.allowPrivilegeEscalation", "privilege escalation is not disabled"))),
      new Rule("require-drop-all", "containers must drop all Linux capabilities", HAS_POD,
          (o, c) -> eachContainer(o, (k, p) -> contains(k.path("securityContext").path("capabilities").path("drop"), "ALL")
              ? null : new Violation(p + ".securityContext.capabilities.drop", "capabilities are not dropped (drop: [ALL])"))),
      new Rule("require-probes", "long-running containers need liveness and readiness probes",
          (o, c) -> PodSpecs.isLongRunning(o),
          (o, c) -> eachAppContainer(o, (k, p) -> {
            List<String> missing = new ArrayList<>();
            if (!k.has("livenessProbe")) {
              missing.add("livenessProbe");
            }
            if (!k.has("readinessProbe")) {
              missing.add("readinessProbe");
            }
            return missing.isEmpty() ? null : new Violation(p, "missing " + String.join(" and ", missing));
          })),
      new Rule("require-requests-limits", "containers need CPU and memory requests and a memory limit", HAS_POD,
          (o, c) -> eachContainer(o, (k, p) -> {
            JsonNode r = k.path("resources");
            List<String> missing = new ArrayList<>();
            if (!r.path("requests").has("cpu")) {
              missing.add("requests.cpu");
            }
            if (!r.path("requests").has("memory")) {
              missing.add("requests.memory");
            }
            if (!r.path("limits").has("memory")) {
              missing.add("limits.memory");
            }
            return missing.isEmpty() ? null : new Violation(p + ".resources", "missing " + String.join(", ", missing));
          })),
      new Rule("disallow-latest-tag", "images must have a tag other than latest (or a digest)",
          (o, c) -> PodSpecs.find(o) != null && !c.allowMutableTags(),
          (o, c) -> eachContainer(o, (k, p) -> {
            Images.Ref ref = Images.parse(k.path("image").asText());
            if (ref.digest() != null) {
              return null;
            }
            if (ref.tag() == null) {
              return new Violation(p + ".image", "image '" + ref.original() + "' has no tag; pin a version");
            }
            return ref.tag().equals("latest")
                ? new Violation(p + ".image", "image '" + ref.original() + "' uses the mutable tag 'latest'; pin a version") : null;
          })),
      new Rule("restrict-image-registries", "images must come from the environment's allowed registries",
          (o, c) -> PodSpecs.find(o) != null && !c.allowedRegistries().isEmpty(),
          (o, c) -> eachContainer(o, (k, p) -> {
            Images.Ref ref = Images.parse(k.path("image").asText());
            return c.allowedRegistries().stream().anyMatch(ref::isFrom) ? null
                : new Violation(p + ".image", "image '" + ref.original() + "' (" + ref.repository()
                    + ") is not from an allowed registry: " + String.join(", ", c.allowedRegistries()));
          })),
      new Rule("require-min-replicas-prod", "production Deployments run at least 2 replicas",
          (o, c) -> c.production() && o.path("kind").asText().equals("Deployment"),
          BaselineRules::minReplicas),
      new Rule("require-pdb-prod", "production Deployments with several replicas have a PodDisruptionBudget",
          (o, c) -> c.production() && o.path("kind").asText().equals("Deployment"),
          BaselineRules::pdb),
      new Rule("restrict-service-type-prod", "production Services are not NodePort or LoadBalancer (use an ingress)",
          (o, c) -> c.production() && o.path("kind").asText().equals("Service"),
          (o, c) -> {
            String type = o.path("spec").path("type").asText("ClusterIP");
            return type.equals("NodePort") || type.equals("LoadBalancer")
                ? List.of(new Violation("spec.type", "Service type " + type + " exposes the workload directly; use an ingress"))
                : List.of();
          }),
      new Rule("require-ingress-tls-prod", "production Ingresses terminate TLS",
          (o, c) -> c.production() && o.path("kind").asText().equals("Ingress"),
          (o, c) -> o.path("spec").path("tls").size() > 0 ? List.of()
              : List.of(new Violation("spec.tls", "ingress serves plain HTTP; enable TLS"))),
      new Rule("disallow-secrets-in-env", "no secret-looking literal values in environment variables or env ConfigMaps",
          (o, c) -> PodSpecs.find(o) != null || o.path("kind").asText().equals("ConfigMap") && o.path("metadata").path("name").asText().endsWith("-env"),
          BaselineRules::secretLiterals));

  private static List<Violation> runAsNonRoot(JsonNode o, PolicyContext c) {
    PodSpecs.Located pod = PodSpecs.find(o);
    boolean podLevel = pod.spec().path("securityContext").path("runAsNonRoot").asBoolean(false);
    boolean podRoot = pod.spec().path("securityContext").path("runAsUser").asInt(-1) == 0;
    return eachContainer(o, (k, p) -> {
      JsonNode sc = k.path("securityContext");
      boolean nonRoot = sc.has("runAsNonRoot") ? sc.path("runAsNonRoot").asBoolean() : podLevel;
      boolean root = sc.has("runAsUser") ? sc.path("runAsUser").asInt() == 0 : podRoot;
      return nonRoot && !root ? null : new Violation(p + ".securityContext.runAsNonRoot", "container may run as root; set runAsNonRoot: true");
    });
  }

  private static int minReplicasOf(JsonNode deployment, PolicyContext c) {
    String name = deployment.path("metadata").path("name").asText();
    for (RenderedObject s : c.siblings()) {
      JsonNode target = s.body().path("spec").path("scaleTargetRef");
      if (target.path("name").asText().equals(name) && target.path("kind").asText("Deployment").equals("Deployment")) {
        if (s.kind().equals("HorizontalPodAutoscaler")) {
          return s.body().path("spec").path("minReplicas").asInt(1);
        }
        if (s.kind().equals("ScaledObject")) {
          return s.body().path("spec").path("minReplicaCount").asInt(0);
        }
      }
    }
    return deployment.path("spec").path("replicas").asInt(1);
  }

  private static List<Violation> minReplicas(JsonNode o, PolicyContext c) {
    int min = minReplicasOf(o, c);
    return min >= 2 ? List.of()
        : List.of(new Violation("spec.replicas", "runs " + min + " replica(s) at minimum; production needs at least 2"));
  }

  private static List<Violation> pdb(JsonNode o, PolicyContext c) {
    if (minReplicasOf(o, c) < 2) {
      return List.of();
    }
    JsonNode podLabels = o.path("spec").path("template").path("metadata").path("labels");
    for (RenderedObject s : c.siblings()) {
      if (s.kind().equals("PodDisruptionBudget") && selects(s.body().path("spec").path("selector").path("matchLabels"), podLabels)) {
        return List.of();
      }
    }
    return List.of(new Violation("spec", "no PodDisruptionBudget selects this Deployment's pods"));
  }

  private static boolean selects(JsonNode matchLabels, JsonNode labels) {
    if (!matchLabels.isObject() || matchLabels.isEmpty()) {
      return false;
    }
    Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY).*", Pattern.CASE_INSENSITIVE);
  private static final Pattern SECRET_VALUE = Pattern.compile(
      "^(AKIA|ASIA)[A-Z0-9]{16}$|-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.|^(ghp|gho|github_pat|xox[baprs])_?[A-Za-z0-9_]{16,}|://[^/\\s:@]+:[^/\\s@]+@");

  /** Whether a variable's name says it holds a secret (PASSWORD, TOKEN, API_KEY...). */
  public static boolean looksLikeSecretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /** Values that are references, not secrets: empty, placeholders, file paths. */
  private static boolean harmless(String value) {
    return value.isEmpty() || value.startsWith("/") || value.startsWith("$(") || value.startsWith("${");
  }

  private static Violation secretLiteral(String name, String value, String path) {
    if (SECRET_VALUE.matcher(value).find()) {
      return new Violation(path, "'" + name + "' holds what looks like a credential; reference it from the secret store (secrets:)");
    }
    if (SECRET_NAME.matcher(name).matches() && !harmless(value)) {
      return new Violation(path, "'" + name + "' looks like a secret but is set as a literal value; use secrets: instead");
    }
    return null;
  }

  private static List<Violation> secretLiterals(JsonNode o, PolicyContext c) {
    List<Violation> out = new ArrayList<>();
    if (o.path("kind").asText().equals("ConfigMap")) {
      o.path("data").fields().forEachRemaining(e -> {
        Violation v = secretLiteral(e.getKey(), e.getValue().asText(), "data." + e.getKey());
        if (v != null) {
          out.add(v);
        }
      });
      return out;
    }
    for (PodSpecs.Located k : PodSpecs.containers(PodSpecs.find(o))) {
      JsonNode env = k.spec().path("env");
      for (int i = 0; i < env.size(); i++) {
        JsonNode e = env.get(i);
        if (e.has("value")) {
          Violation v = secretLiteral(e.path("name").asText(), e.path("value").asText(), k.path() + ".env[" + i + "].value");
          if (v != null) {
            out.add(v);
          }
        }
      }
    }
    return out;
  }

  private interface ContainerCheck {
    Violation check(JsonNode container, String path);
  }

  private static List<Violation> eachContainer(JsonNode o, ContainerCheck check) {
    List<Violation> out = new ArrayList<>();
    for (PodSpecs.Located k : PodSpecs.containers(PodSpecs.find(o))) {
      Violation v = check.check(k.spec(), k.path());
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  /** Like {@link #eachContainer} but skips init containers, which run to completion. */
  private static List<Violation> eachAppContainer(JsonNode o, ContainerCheck check) {
    List<Violation> out = new ArrayList<>();
    for (PodSpecs.Located k : PodSpecs.containers(PodSpecs.find(o))) {
      if (k.path().contains(".initContainers[")) {
        continue;
      }
      Violation v = check.check(k.spec(), k.path());
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().toUpperCase(Locale.ROOT).equals(value)) {
        return true;
      }
    }
    return false;
  }
}
