package dev.slipway.model.schema;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.SpecFixture;
import dev.slipway.model.score.AppYamlWriter;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.YamlLoader;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fields the loaders accept, as they say themselves: a field nobody asked for is reported
 * with the list of fields that were asked for ({@code known fields: a, b}). Putting an unknown
 * key into every map of a spec that uses every section, and reading those lists back, walks the
 * loaders' own field lists without a second copy of them to drift.
 */
final class KnownFields {
  static final String PROBE = "zzProbeField";

  private KnownFields() {}

  /** Field path of a map (e.g. {@code spec.environments[0].addons}) → the fields the loader read there. */
  static Map<String, TreeSet<String>> of(Path dir, String platform, Map<String, String> apps) {
    try {
      Files.writeString(dir.resolve("slipway.yaml"), withProbes(platform));
      for (var e : apps.entrySet()) {
        Files.createDirectories(dir.resolve("apps").resolve(e.getKey()));
        Files.writeString(dir.resolve("apps").resolve(e.getKey()).resolve("app.yaml"), withProbes(e.getValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, TreeSet<String>> out = new TreeMap<>();
    for (Diagnostic d : SpecFixture.diagnostics(dir)) {
      if (d.code().equals("spec.unknown-field") && d.path().endsWith("." + PROBE) || d.path().equals(PROBE)) {
        String at = d.path().equals(PROBE) ? "" : d.path().substring(0, d.path().length() - PROBE.length() - 1);
        int i = d.message().indexOf("known fields: ");
        TreeSet<String> fields = out.computeIfAbsent(d.file() + "#" + at, k -> new TreeSet<>());
        if (i >= 0) {
          for (String f : d.message().substring(i + "known fields: ".length()).split(", ")) {
            fields.add(f.trim());
          }
        }
      }
    }
    return out;
  }

  private static String withProbes(String yaml) {
    Diagnostics d = new Diagnostics();
    SpecNode root = YamlLoader.forSpecs().load(yaml, "x", Layer.APP, d).get(0).root();
    return AppYamlWriter.write((MapNode) probe(root), "with probe fields");
  }

  private static SpecNode probe(SpecNode n) {
    if (n instanceof MapNode m) {
      LinkedHashMap<String, SpecNode> e = new LinkedHashMap<>();
      Map<String, Position> keys = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> {
        e.put(k, probe(v));
        keys.put(k, Position.NONE);
      });
      e.put(PROBE, SpecNode.scalar(Origin.of(Layer.APP, "", Position.NONE), 1));
      keys.put(PROBE, Position.NONE);
      return new MapNode(m.origin(), e, keys);
    }
    if (n instanceof ListNode l) {
      List<SpecNode> items = new ArrayList<>();
      l.items().forEach(i -> items.add(probe(i)));
      return new ListNode(l.origin(), items);
    }
    return n;
  }
}
