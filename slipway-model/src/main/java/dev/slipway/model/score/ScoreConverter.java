package dev.slipway.model.score;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.score.Placeholders.EnvironmentHost;
import dev.slipway.model.score.Placeholders.Problem;
import dev.slipway.model.score.Placeholders.Secret;
import dev.slipway.model.score.Placeholders.Text;
import dev.slipway.model.score.Placeholders.Value;
import dev.slipway.model.score.ScoreResources.Provided;
import dev.slipway.model.score.ScoreResources.Route;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.Suggest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a Score workload (score.dev/v1b1) into the app.yaml tree Slipway loads: each container a
 * component, each resource a component, an ingress or platform-held values, every placeholder
 * resolved. The result is an ordinary application, so everything after loading (environment
 * overrides, policy, rendering) treats a Score application like any other. The mapping is
 * documented in docs/score.md; keep the two in step.
 */
public final class ScoreConverter {
  public static final String API_VERSION = "score.dev/v1b1";

  private final String label;
  private final Tree tree;
  private final Diagnostics d;
  private final ScoreFiles files;
  private final ScorePlatform platform;
  private MapNode metadata;
  private final Map<String, Provided> resources = new LinkedHashMap<>();
  /** Resources already reported as not provided: placeholders naming them add no second error. */
  private final java.util.Set<String> refused = new java.util.HashSet<>();

  private ScoreConverter(String label, ScoreFiles files, ScorePlatform platform, Diagnostics d) {
    this.label = label;
    this.tree = new Tree(label);
    this.files = files;
    this.platform = platform;
    this.d = d;
  }

  /** Converts a Score workload with Slipway's built-in types only. */
  public static MapNode convert(SpecNode root, String label, ScoreFiles files, Diagnostics d) {
    return convert(root, label, files, ScorePlatform.NONE, d);
  }

  /**
   * Converts a Score workload, or returns null after reporting why it cannot be. {@code files}
   * reads the files a container's {@code files[].source} names, next to the Score file;
   * resources of {@code platform}'s own types become components of those types.
   */
  public static MapNode convert(SpecNode root, String label, ScoreFiles files, ScorePlatform platform, Diagnostics d) {
    if (!ScoreSchema.validate(root, d)) {
      return null;
    }
    Diagnostics mine = new Diagnostics();
    MapNode app = new ScoreConverter(label, files, platform, mine).workload((MapNode) root);
    d.addAll(mine.list());
    return mine.hasErrors() ? null : app;
  }

  private MapNode workload(MapNode w) {
    metadata = (MapNode) w.get("metadata");
    Scalar nameNode = (Scalar) metadata.get("name");
    String name = nameNode.value();
    if (metadata.get("annotations") != null) {
      d.warning("score.ignored", metadata.keyPosition("annotations"), "metadata.annotations",
          "workload annotations are not carried over: Slipway sets the labels and annotations of what it renders");
    }
    if (w.get("resources") instanceof MapNode rs) {
      // Routes last: their host may name another resource's output (${resources.dns.host}).
      for (boolean routes : new boolean[] {false, true}) {
        for (var e : rs.entries().entrySet()) {
          MapNode res = (MapNode) e.getValue();
          if (routes != ((Scalar) res.get("type")).value().equals("route")) {
            continue;
          }
          Provided p = ScoreResources.provide(name, e.getKey(), res, rs.keyPosition(e.getKey()), tree, d, this::lookup, platform,
              this::metadataOnly);
          if (p != null) {
            resources.put(e.getKey(), p);
          } else {
            refused.add(e.getKey());
          }
        }
      }
    }
    MapNode containers = (MapNode) w.get("containers");
    MapNode service = w.get("service") instanceof MapNode s ? s : null;
    MapNode ports = service != null && service.get("ports") instanceof MapNode p && !p.entries().isEmpty() ? p : null;
    List<Route> routes = ScoreResources.routes(resources);
    if (routes.size() > 1) {
      d.error("score.unsupported", routes.get(1).at(), "resources", "a workload may have one route in Slipway (a component has one"
          + " ingress); this one has " + routes.size());
    }
    Route route = routes.isEmpty() ? null : routes.get(0);
    if (route != null && ports == null) {
      d.error("score.invalid", route.at(), "resources", "a route needs the workload to publish a port (service.ports)");
    }
    Tree.Map components = tree.map(containers.position());
    boolean first = true;
    for (var e : containers.entries().entrySet()) {
      String c = e.getKey();
      components.put(c, container(c, (MapNode) e.getValue(), first ? ports : null, first ? route : null), containers.keyPosition(c));
      first = false;
    }
    for (Provided p : ScoreResources.components(resources).values()) {
      if (containers.has(p.name())) {
        d.error("score.name-collision", p.at(), "resources." + p.name(), "resource '" + p.name() + "' becomes a " + p.type()
            + " component of that name, and container '" + p.name() + "' has it too: rename one of them");
        continue;
      }
      components.put(p.name(), p.component(), p.at());
    }
    Position at = w.position();
    return tree.map(at)
        .put("apiVersion", tree.string("slipway.dev/v1alpha1", at), w.keyPosition("apiVersion"))
        .put("kind", tree.string("Application", at), w.keyPosition("apiVersion"))
        .put("metadata", tree.map(metadata.position()).put("name", tree.string(name, nameNode.position()), metadata.keyPosition("name"))
            .node(), w.keyPosition("metadata"))
        .put("spec", tree.map(at).put("components", components.node(), w.keyPosition("containers")).node(), at)
        .node();
  }

  private MapNode container(String name, MapNode c, MapNode ports, Route route) {
    String path = "containers." + name;
    Position at = c.position();
    String type = ports == null ? "worker" : route != null ? "web" : "api";
    Tree.Map out = tree.map(at).put("type", tree.string(type, at), at);
    Scalar image = (Scalar) c.get("image");
    out.put("image", tree.string(image.value(), image.position()), c.keyPosition("image"));
    Integer mainPort = ports == null ? null : ports(ports, route, out);
    for (String k : List.of("command", "args")) {
      if (c.get(k) instanceof ListNode l) {
        out.put(k, strings(l, path + "." + k), c.keyPosition(k));
      }
    }
    variables(c, path, out);
    files(c, path, out);
    resources(c, out);
    probes(c, path, type, out);
    if (route != null && mainPort != null) {
      Tree.Map ingress = tree.map(route.at());
      if (!route.defaultHost()) {
        ingress.put("host", tree.string(route.host(), route.at()), route.at());
      }
      ingress.put("path", tree.string(route.path(), route.at()), route.at());
      out.put("ingress", ingress.node(), route.at());
    }
    List<String> deps = new ArrayList<>(ScoreResources.components(resources).keySet());
    deps.remove(name);
    if (!deps.isEmpty()) {
      out.put("dependsOn", tree.strings(deps, at), at);
    }
    for (String k : List.of("volumes", "before")) {
      if (c.get(k) != null) {
        d.error("score.unsupported", c.keyPosition(k), path + "." + k, k.equals("volumes")
            ? "container volumes are not supported: Slipway components have no volumes (their only writable path is /tmp)"
            : "'before' is not supported: each Score container becomes its own Slipway component; order them with dependsOn in an app.yaml beside score.yaml");
      }
    }
    return out.node();
  }

  /**
   * The workload's ports belong to its first container: the first port (in the order written)
   * is the component's {@code port}, the others its named {@code ports}. Slipway's Service
   * listens on the container port, so a Score {@code port} that differs from {@code targetPort}
   * is reported.
   */
  private Integer ports(MapNode ports, Route route, Tree.Map out) {
    Integer main = null;
    Tree.Map named = tree.map(ports.position());
    boolean routed = route == null || route.port() == null;
    for (var e : ports.entries().entrySet()) {
      MapNode p = (MapNode) e.getValue();
      String path = "service.ports." + e.getKey();
      int port = Integer.parseInt(((Scalar) p.get("port")).value());
      Scalar targetNode = p.get("targetPort") instanceof Scalar t ? t : (Scalar) p.get("port");
      int target = Integer.parseInt(targetNode.value());
      if (p.get("protocol") instanceof Scalar proto && proto.value().equals("UDP")) {
        d.error("score.unsupported", proto.position(), path + ".protocol", "UDP ports are not supported: Slipway's Services are TCP");
      }
      if (port != target) {
        d.warning("score.port-differs", p.keyPosition("port"), path + ".port", "the Service listens on the container port " + target
            + ", not on " + port + ": Slipway gives a component one port number for both");
      }
      if (route != null && route.port() != null && (route.port() == port || route.port() == target)) {
        routed = true;
        if (main != null) {
          d.error("score.unsupported", route.at(), "resources", "the route goes to port " + route.port() + ", which is not the"
              + " workload's first port: Slipway routes to a component's main port; write that port first under service.ports");
        }
      }
      if (main == null) {
        main = target;
        out.put("port", tree.integer(target, targetNode.position()), ports.keyPosition(e.getKey()));
      } else {
        named.put(e.getKey(), tree.integer(target, targetNode.position()), ports.keyPosition(e.getKey()));
      }
    }
    if (!routed) {
      d.error("score.invalid", route.at(), "resources", "the route's port " + route.port() + " is not one of the workload's ports");
    }
    out.put("ports", named.nodeOrNull(), ports.position());
    return main;
  }

  private ListNode strings(ListNode l, String path) {
    List<SpecNode> items = new ArrayList<>();
    for (int i = 0; i < l.items().size(); i++) {
      Scalar s = (Scalar) l.items().get(i);
      Value v = expand(s, path + "[" + i + "]", "an argument");
      if (v instanceof Text t) {
        items.add(tree.string(t.text(), s.position()));
      }
    }
    return new ListNode(tree.origin(l.position()), items);
  }

  private void variables(MapNode c, String path, Tree.Map out) {
    if (!(c.get("variables") instanceof MapNode vars)) {
      return;
    }
    Tree.Map env = tree.map(vars.position());
    Tree.Map secrets = tree.map(vars.position());
    for (String k : new TreeMap<>(vars.entries()).keySet()) {
      Scalar s = (Scalar) vars.get(k);
      Value v = expand(s, path + ".variables." + k, null);
      if (v instanceof Text t) {
        env.put(k, tree.string(t.text(), s.position()), vars.keyPosition(k));
      } else if (v instanceof Secret sec) {
        secrets.put(k, tree.string(sec.ref(), s.position()), vars.keyPosition(k));
      }
    }
    out.put("env", env.nodeOrNull(), c.keyPosition("variables"));
    out.put("secrets", secrets.nodeOrNull(), c.keyPosition("variables"));
  }

  /** Score files become config.files; Slipway mounts them in one folder, so they must share one. */
  private void files(MapNode c, String path, Tree.Map out) {
    SpecNode node = c.get("files");
    if (node == null) {
      return;
    }
    Map<String, MapNode> byTarget = new LinkedHashMap<>();
    Map<String, Position> targetAt = new LinkedHashMap<>();
    if (node instanceof MapNode m) {
      m.entries().forEach((k, v) -> {
        byTarget.put(k, (MapNode) v);
        targetAt.put(k, m.keyPosition(k));
      });
    } else {
      for (SpecNode item : ((ListNode) node).items()) {
        MapNode f = (MapNode) item;
        String target = ((Scalar) f.get("target")).value();
        byTarget.put(target, f);
        targetAt.put(target, f.get("target").position());
      }
    }
    String folder = null;
    Tree.Map contents = tree.map(node.position());
    for (var e : byTarget.entrySet()) {
      String target = e.getKey();
      String fpath = path + ".files." + target;
      Position at = targetAt.get(target);
      int slash = target.lastIndexOf('/');
      if (!target.startsWith("/") || slash == target.length() - 1) {
        d.error("score.invalid", at, fpath, "a file target must be an absolute path to a file, e.g. /etc/app/config.yaml");
        continue;
      }
      String dir = slash == 0 ? "/" : target.substring(0, slash);
      if (folder == null) {
        folder = dir;
      } else if (!folder.equals(dir)) {
        d.error("score.unsupported", at, fpath, "files in more than one folder (" + folder + " and " + dir + ") are not supported:"
            + " Slipway mounts a component's files into one folder");
        continue;
      }
      MapNode f = e.getValue();
      if (f.get("mode") != null) {
        d.warning("score.ignored", f.keyPosition("mode"), fpath + ".mode", "'mode' is ignored: Slipway mounts files read-only (0444)");
      }
      if (f.get("binaryContent") != null) {
        d.error("score.unsupported", f.keyPosition("binaryContent"), fpath + ".binaryContent",
            "binaryContent is not supported: Slipway's config files are text");
        continue;
      }
      Scalar content = f.get("content") instanceof Scalar s ? s : null;
      String text = content != null ? content.value() : files.read(((Scalar) f.get("source")).value(), f.get("source").position(),
          fpath + ".source", d);
      if (text == null) {
        continue;
      }
      Position textAt = content != null ? content.position() : f.get("source").position();
      boolean noExpand = f.get("noExpand") instanceof Scalar n && n.value().equalsIgnoreCase("true");
      if (!noExpand) {
        Value v = expand(new Scalar(tree.origin(textAt), text, Scalar.Kind.STRING), fpath, "a file");
        if (!(v instanceof Text t)) {
          continue;
        }
        text = t.text();
      }
      contents.put(target.substring(slash + 1), tree.string(text, textAt), at);
    }
    if (folder != null && !contents.isEmpty()) {
      out.put("config", tree.map(node.position()).put("mountPath", tree.string(folder, node.position()), c.keyPosition("files"))
          .put("files", contents.node(), c.keyPosition("files")).node(), c.keyPosition("files"));
    }
  }

  private void resources(MapNode c, Tree.Map out) {
    if (!(c.get("resources") instanceof MapNode r)) {
      return;
    }
    Tree.Map res = tree.map(r.position());
    if (r.get("requests") instanceof MapNode req) {
      quantities(req, res);
    }
    if (r.get("limits") instanceof MapNode lim) {
      Tree.Map limits = tree.map(lim.position());
      quantities(lim, limits);
      res.put("limits", limits.nodeOrNull(), r.keyPosition("limits"));
    }
    out.put("resources", res.nodeOrNull(), c.keyPosition("resources"));
  }

  private void quantities(MapNode from, Tree.Map to) {
    for (String k : List.of("cpu", "memory")) {
      if (from.get(k) instanceof Scalar s) {
        to.put(k, tree.string(s.value(), s.position()), from.keyPosition(k));
      }
    }
  }

  /**
   * Score probes become Slipway probes. A probe Score leaves out is removed in Slipway too
   * ({@code null} over the type's default probe): the image was not written to answer
   * Slipway's default path.
   */
  private void probes(MapNode c, String path, String type, Tree.Map out) {
    Tree.Map probes = tree.map(c.position());
    for (String[] kv : new String[][] {{"livenessProbe", "liveness"}, {"readinessProbe", "readiness"}}) {
      SpecNode p = c.get(kv[0]);
      if (p instanceof MapNode m && !m.entries().isEmpty()) {
        SpecNode probe = probe(m, path + "." + kv[0]);
        if (probe != null) {
          probes.put(kv[1], probe, c.keyPosition(kv[0]));
        }
      } else if (!type.equals("worker")) {
        probes.put(kv[1], tree.nothing(c.position()), c.position());
      }
    }
    out.put("probes", probes.nodeOrNull(), c.position());
  }

  private SpecNode probe(MapNode p, String path) {
    // Score: "the execProbe should be preferred if the implementation supports both".
    if (p.get("exec") instanceof MapNode exec) {
      ListNode cmd = (ListNode) exec.get("command");
      return tree.map(p.position()).put("exec", strings(cmd, path + ".exec.command"), exec.keyPosition("command")).node();
    }
    MapNode http = (MapNode) p.get("httpGet");
    for (String k : List.of("host", "httpHeaders")) {
      if (http.get(k) != null) {
        d.error("score.unsupported", http.keyPosition(k), path + ".httpGet." + k, "probe '" + k + "' is not supported: Slipway's HTTP"
            + " probes send a plain GET to the container");
      }
    }
    if (http.get("scheme") instanceof Scalar s && s.value().equals("HTTPS")) {
      d.error("score.unsupported", s.position(), path + ".httpGet.scheme", "HTTPS probes are not supported: Slipway's HTTP probes use HTTP");
    }
    Scalar probePath = (Scalar) http.get("path");
    Scalar port = (Scalar) http.get("port");
    return tree.map(p.position())
        .put("path", tree.string(probePath.value(), probePath.position()), http.keyPosition("path"))
        .put("port", tree.integer(Integer.parseInt(port.value()), port.position()), http.keyPosition("port"))
        .node();
  }

  /**
   * Expands a value's placeholders, or reports why not (returns null). {@code textOnly} names
   * where a secret cannot go (an argument, a file), or is null where one can (a variable).
   */
  private Value expand(Scalar s, String path, String textOnly) {
    try {
      Value v = Placeholders.expand(s.value(), this::lookup);
      if (v instanceof EnvironmentHost) {
        throw new Problem("the application's host differs per environment (<app>.<domain>): it can only be a route's host, not "
            + (textOnly == null ? "a variable" : textOnly));
      }
      if (v instanceof Secret sec && textOnly != null) {
        throw new Problem("a secret (secret store key '" + sec.ref() + "') cannot be put into " + textOnly
            + ": Slipway passes secrets only as whole environment variables, from the secret store");
      }
      return v;
    } catch (Problem p) {
      if (p.getMessage() != null) {
        d.error("score.invalid-placeholder", s.position(), path, p.getMessage());
      }
      return null;
    }
  }

  private Value lookup(List<String> parts) throws Problem {
    String ref = String.join(".", parts);
    if (parts.get(0).equals("metadata")) {
      return metadataOnly(parts);
    }
    if (!parts.get(0).equals("resources")) {
      throw new Problem("unknown placeholder ${" + ref + "}: Score placeholders start with metadata. or resources.");
    }
    if (parts.size() < 3) {
      throw new Problem("${" + ref + "} names no output: write ${resources.<name>.<output>}, e.g. ${resources.db.host}");
    }
    Provided p = resources.get(parts.get(1));
    if (p == null && refused.contains(parts.get(1))) {
      throw new Problem(null);
    }
    if (p == null) {
      throw new Problem("${" + ref + "}: no resource '" + parts.get(1) + "' is declared under resources"
          + Suggest.hint(parts.get(1), resources.keySet()));
    }
    return p.output(String.join(".", parts.subList(2, parts.size())));
  }

  /** {@code ${metadata.name}}, {@code ${metadata.annotations.x}} and any other key written under metadata. */
  private Value metadataOnly(List<String> parts) throws Problem {
    String ref = String.join(".", parts);
    if (!parts.get(0).equals("metadata")) {
      throw new Problem("${" + ref + "}: only ${metadata.*} may be used here");
    }
    SpecNode n = metadata;
    for (String part : parts.subList(1, parts.size())) {
      if (!(n instanceof MapNode m) || m.get(part) == null) {
        throw new Problem("${" + ref + "}: metadata has no '" + part + "'");
      }
      n = m.get(part);
    }
    if (!(n instanceof Scalar s)) {
      throw new Problem("${" + ref + "} is a " + n.typeName() + ", not a single value");
    }
    return new Text(s.value());
  }

}
