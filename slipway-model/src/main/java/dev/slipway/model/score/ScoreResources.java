package dev.slipway.model.score;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.score.Placeholders.Problem;
import dev.slipway.model.score.Placeholders.Secret;
import dev.slipway.model.score.Placeholders.Text;
import dev.slipway.model.score.Placeholders.Value;
import dev.slipway.model.load.ComponentResolver;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each Score resource type becomes in Slipway. A Score file names what a workload needs
 * ({@code type: postgres}); Slipway provides it as a component of the same application, as a
 * part of a component ({@code route} is its ingress), or as values the platform holds (the
 * secret store, the environment's domain). Anything else is refused by name, saying what would
 * provide it: a silently dropped dependency would only show up as a crash in the cluster.
 */
final class ScoreResources {
  /** The types this class maps, for messages. */
  static final List<String> KNOWN = List.of("dns", "environment", "postgres", "redis", "route", "volume");
  static final List<String> POSTGRES_PARAMS = List.of("database", "passwordSecret", "size", "username", "version");
  static final List<String> REDIS_PARAMS = List.of("passwordSecret", "version");
  static final List<String> ROUTE_PARAMS = List.of("host", "path", "port");
  static final List<String> ENVIRONMENT_PARAMS = List.of("secret");

  private ScoreResources() {}

  /** Score types that keep Slipway's meaning even where the platform has a type of that name: they are not components. */
  static final List<String> SLIPWAYS_OWN = List.of("dns", "environment", "route");

  /**
   * One Score resource as Slipway provides it.
   *
   * @param outputsNote what decides the outputs, for the message naming an output it lacks; empty when obvious
   */
  record Provided(String name, String type, Position at, MapNode component, Map<String, Value> outputs, String secretKey,
      Route route, String outputsNote) {

    Provided(String name, String type, Position at, MapNode component, Map<String, Value> outputs, String secretKey, Route route) {
      this(name, type, at, component, outputs, secretKey, route, "");
    }

    /** The value of {@code ${resources.<name>.<key>}}. */
    Value output(String key) throws Problem {
      if (secretKey != null) {
        // An environment resource: every key is a value of the platform's secret store.
        return new Secret(secretKey + "#" + key);
      }
      Value v = outputs.get(key);
      if (v == null) {
        throw new Problem("resource '" + name + "' (" + type + ") has no output '" + key + "'" + Suggest.hint(key, outputs.keySet())
            + (outputs.isEmpty() ? "; it has no outputs" : "; outputs: " + String.join(", ", outputs.keySet()))
            + (outputsNote.isEmpty() ? "" : " (" + outputsNote + ")"));
      }
      return v;
    }
  }

  /** A route: the ingress of the component that serves the workload's ports. */
  record Route(String host, boolean defaultHost, String path, Integer port, Position at) {}

  /**
   * Maps one resource, or reports why it cannot be (returns null then). {@code lookup} resolves
   * any placeholder, {@code metadata} only {@code ${metadata.*}}.
   */
  static Provided provide(String app, String name, MapNode res, Position at, Tree tree, Diagnostics d,
      Placeholders.Lookup lookup, ScorePlatform platform, Placeholders.Lookup metadata) {
    String type = ((Scalar) res.get("type")).value();
    String path = "resources." + name;
    if (platform.types().containsKey(type) && !SLIPWAYS_OWN.contains(type)) {
      return PlatformTypeResources.provide(name, platform.types().get(type), res, at, tree, d, metadata);
    }
    Map<String, SpecNode> params = res.get("params") instanceof MapNode p ? p.entries() : Map.of();
    switch (type) {
      case "postgres": {
        if (!checkParams(params, POSTGRES_PARAMS, res, path, type, d)) {
          return null;
        }
        ignoredIdentity(res, path, type, d);
        String db = param(params, "database", name.replace('-', '_'));
        String user = param(params, "username", name.replace('-', '_'));
        String secret = param(params, "passwordSecret", app + "/" + name + "-password");
        Tree.Map c = tree.map(at).put("type", tree.string("postgres", at), at);
        if (params.get("version") instanceof Scalar v) {
          c.put("version", tree.string(v.value(), v.position()));
        }
        Tree.Map storage = tree.map(at).put("database", tree.string(db, at), at);
        if (params.get("size") instanceof Scalar s) {
          storage.put("size", tree.string(s.value(), s.position()));
        }
        c.put("storage", storage.node(), at);
        c.put("env", tree.map(at).put("POSTGRES_DB", tree.string(db, at), at).put("POSTGRES_USER", tree.string(user, at), at).node(), at);
        c.put("secrets", tree.map(at).put("POSTGRES_PASSWORD", tree.string(secret, at), at).node(), at);
        Map<String, Value> out = new TreeMap<>();
        out.put("host", new Text(name));
        out.put("port", new Text("5432"));
        out.put("name", new Text(db));
        out.put("database", new Text(db));
        out.put("username", new Text(user));
        out.put("password", new Secret(secret));
        return new Provided(name, type, at, c.node(), out, null, null);
      }
      case "redis": {
        if (!checkParams(params, REDIS_PARAMS, res, path, type, d)) {
          return null;
        }
        ignoredIdentity(res, path, type, d);
        String secret = param(params, "passwordSecret", app + "/" + name + "-password");
        Tree.Map c = tree.map(at).put("type", tree.string("redis", at), at);
        if (params.get("version") instanceof Scalar v) {
          c.put("version", tree.string(v.value(), v.position()));
        }
        c.put("secrets", tree.map(at).put(ComponentResolver.REDIS_PASSWORD, tree.string(secret, at), at).node(), at);
        Map<String, Value> out = new TreeMap<>();
        out.put("host", new Text(name));
        out.put("port", new Text("6379"));
        // requirepass protects Redis' default user.
        out.put("username", new Text("default"));
        out.put("password", new Secret(secret));
        return new Provided(name, type, at, c.node(), out, null, null);
      }
      case "route": {
        if (!checkParams(params, ROUTE_PARAMS, res, path, type, d)) {
          return null;
        }
        Route r = route(params, path, at, d, lookup);
        return r == null ? null : new Provided(name, type, at, null, Map.of(), null, r);
      }
      case "dns": {
        if (!checkParams(params, List.of(), res, path, type, d)) {
          return null;
        }
        return new Provided(name, type, at, null, Map.of("host", new Placeholders.EnvironmentHost()), null, null);
      }
      case "environment": {
        if (!checkParams(params, ENVIRONMENT_PARAMS, res, path, type, d)) {
          return null;
        }
        return new Provided(name, type, at, null, Map.of(), param(params, "secret", app), null);
      }
      case "volume":
        d.error("score.unsupported-resource", typeAt(res), path + ".type", "resource '" + name + "' of type 'volume' is not supported:"
            + " Slipway components have no volumes (their only writable path is /tmp, and config files are read-only);"
            + " keep data in a postgres component or an external store");
        return null;
      default:
        List<String> candidates = new ArrayList<>(KNOWN);
        candidates.addAll(platform.types().keySet());
        d.error("score.unsupported-resource", typeAt(res), path + ".type", "resource '" + name + "' of type '" + type
            + "' is not provided by this platform: a platform type named '" + type + "' under componentTypes/ would provide it,"
            + " or an 'environment' resource whose values the platform's secret store holds (e.g. a connection URL)"
            + Suggest.hint(type, candidates) + "; types Slipway provides: " + String.join(", ", KNOWN.stream().filter(t -> !t.equals("volume")).toList())
            + (!platform.known() ? "; the platform's own types were not consulted (slipway convert score maps to them with --platform DIR)"
                : platform.types().isEmpty() ? "; the platform defines no types of its own"
                : "; the platform's types: " + String.join(", ", platform.types().keySet())));
        return null;
    }
  }

  private static Route route(Map<String, SpecNode> params, String path, Position at, Diagnostics d, Placeholders.Lookup lookup) {
    String host = null;
    boolean defaultHost = false;
    if (params.get("host") instanceof Scalar h) {
      try {
        Value v = Placeholders.expand(h.value(), lookup);
        if (v instanceof Placeholders.EnvironmentHost) {
          defaultHost = true;
        } else if (v instanceof Text t) {
          host = t.text();
        } else {
          throw new Problem("a route host cannot be a secret");
        }
      } catch (Problem p) {
        if (p.getMessage() != null) {
          d.error("score.invalid-placeholder", h.position(), path + ".params.host", p.getMessage());
        }
        return null;
      }
    }
    String routePath = params.get("path") instanceof Scalar p ? p.value() : "/";
    Integer port = null;
    if (params.get("port") instanceof Scalar p) {
      try {
        port = Integer.valueOf(p.value());
      } catch (NumberFormatException e) {
        d.error("score.invalid", p.position(), path + ".params.port", "a route port must be a port number, got " + p.typeName());
        return null;
      }
    }
    return new Route(host, defaultHost || host == null, routePath, port, at);
  }

  private static boolean checkParams(Map<String, SpecNode> params, List<String> known, MapNode res, String path, String type,
      Diagnostics d) {
    boolean ok = true;
    MapNode p = res.get("params") instanceof MapNode m ? m : null;
    for (var e : params.entrySet()) {
      String k = e.getKey();
      if (!known.contains(k)) {
        d.error("score.unknown-param", p.keyPosition(k), path + ".params." + k, "a " + type + " resource has no parameter '" + k + "'"
            + Suggest.hint(k, known) + (known.isEmpty() ? "; it takes none" : "; parameters: " + String.join(", ", known)));
        ok = false;
      } else if (!(e.getValue() instanceof Scalar)) {
        d.error("score.invalid", e.getValue().position(), path + ".params." + k, "parameter '" + k + "' must be a single value");
        ok = false;
      }
    }
    return ok;
  }

  /** {@code id} and {@code class} choose among shared or special resources; Slipway gives each application its own. */
  static void ignoredIdentity(MapNode res, String path, String type, Diagnostics d) {
    for (String k : List.of("class", "id")) {
      if (res.get(k) != null) {
        d.warning("score.ignored", res.keyPosition(k), path + "." + k, "'" + k + "' is ignored: Slipway gives each application its own "
            + type + " component");
      }
    }
  }

  private static String param(Map<String, SpecNode> params, String key, String fallback) {
    return params.get(key) instanceof Scalar s ? s.value() : fallback;
  }

  private static Position typeAt(MapNode res) {
    return res.get("type").position();
  }

  /** Components that resources add, in the order the resources were written. */
  static Map<String, Provided> components(Map<String, Provided> all) {
    Map<String, Provided> out = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (v.component() != null) {
        out.put(k, v);
      }
    });
    return out;
  }

  static List<Route> routes(Map<String, Provided> all) {
    List<Route> out = new ArrayList<>();
    all.values().forEach(p -> {
      if (p.route() != null) {
        out.add(p.route());
      }
    });
    return out;
  }
}
