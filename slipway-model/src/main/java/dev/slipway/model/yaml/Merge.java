package dev.slipway.model.yaml;

import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Null;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deep merge of one spec layer over another, the rule every override in Slipway follows:
 * maps merge key by key, lists and scalars are replaced, and an explicit {@code null} in the
 * upper layer removes the value (it stays in the tree as a {@link Null} so {@code --explain} can
 * say who removed it; binders treat it as absent).
 */
public final class Merge {
  private Merge() {}

  public static SpecNode over(SpecNode base, SpecNode upper) {
    if (upper == null) {
      return base;
    }
    if (base instanceof MapNode b && upper instanceof MapNode u) {
      LinkedHashMap<String, SpecNode> entries = new LinkedHashMap<>(b.entries());
      Map<String, dev.slipway.model.Position> keys = new LinkedHashMap<>();
      for (String k : b.entries().keySet()) {
        putIfWritten(keys, k, b.writtenKeyPosition(k));
      }
      for (Map.Entry<String, SpecNode> e : u.entries().entrySet()) {
        entries.put(e.getKey(), over(entries.get(e.getKey()), e.getValue()));
        putIfWritten(keys, e.getKey(), u.writtenKeyPosition(e.getKey()));
      }
      return new MapNode(u.origin(), entries, keys);
    }
    return upper;
  }

  private static void putIfWritten(Map<String, dev.slipway.model.Position> keys, String k, dev.slipway.model.Position p) {
    if (p != null) {
      keys.put(k, p);
    }
  }
}
