package dev.slipway.model.yaml;

import dev.slipway.model.Position;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written. Specs are loaded into this tree first, merged
 * layer over layer (type default, platform, app, environment override), and only then bound to
 * typed records, so every diagnostic and every {@code --explain} line can name its source.
 */
public sealed interface SpecNode permits SpecNode.MapNode, SpecNode.ListNode, SpecNode.Scalar, SpecNode.Null {

  Origin origin();

  default Position position() {
    return origin().position();
  }

  /** A short name of the node's YAML type for messages: map, list, string, integer... */
  String typeName();

  /** A mapping. Keys keep their own positions so unknown-field errors point at the key. */
  final class MapNode implements SpecNode {
    private final Origin origin;
    private final LinkedHashMap<String, SpecNode> entries;
    private final Map<String, Position> keyPositions;

    public MapNode(Origin origin, LinkedHashMap<String, SpecNode> entries, Map<String, Position> keyPositions) {
      this.origin = origin;
      this.entries = entries;
      this.keyPositions = keyPositions;
    }

    public static MapNode empty(Origin origin) {
      return new MapNode(origin, new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    @Override
    public Origin origin() {
      return origin;
    }

    public Map<String, SpecNode> entries() {
      return Collections.unmodifiableMap(entries);
    }

    public SpecNode get(String key) {
      return entries.get(key);
    }

    public boolean has(String key) {
      return entries.containsKey(key);
    }

    public Position keyPosition(String key) {
      Position p = keyPositions.get(key);
      if (p != null && p.line() > 0) {
        return p;
      }
      // A value from a layer without positions (type defaults) is reported at the map that holds it.
      SpecNode v = entries.get(key);
      return v != null && v.position().line() > 0 ? v.position() : origin.position();
    }

    /** The position the key was written at, or null when its layer has none. */
    public Position writtenKeyPosition(String key) {
      Position p = keyPositions.get(key);
      return p != null && p.line() > 0 ? p : null;
    }

    /** Returns a copy with {@code key} set to {@code value}; the receiver is not changed. */
    public MapNode with(String key, SpecNode value, Position keyPosition) {
      LinkedHashMap<String, SpecNode> e = new LinkedHashMap<>(entries);
      Map<String, Position> k = new LinkedHashMap<>(keyPositions);
      e.put(key, value);
      k.put(key, keyPosition);
      return new MapNode(origin, e, k);
    }

    @Override
    public String typeName() {
      return "map";
    }
  }

  /** A sequence. Lists are replaced, not merged, by a higher layer. */
  record ListNode(Origin origin, List<SpecNode> items) implements SpecNode {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String typeName() {
      return "list";
    }
  }

  /** A scalar with the type YAML resolved for it (an unquoted {@code 8000} is an INT). */
  record Scalar(Origin origin, String value, Kind kind) implements SpecNode {
    public enum Kind {
      STRING,
      INT,
      FLOAT,
      BOOL
    }

    @Override
    public String typeName() {
      return switch (kind) {
        case STRING -> "string";
        case INT -> "integer";
        case FLOAT -> "number";
        case BOOL -> "boolean";
      };
    }
  }

  /** An explicit {@code null} (or {@code ~}); in an override it removes the value below it. */
  record Null(Origin origin) implements SpecNode {
    @Override
    public String typeName() {
      return "null";
    }
  }

  /** Builds a scalar node with no source position (type defaults, derived values). */
  static Scalar scalar(Origin origin, Object value) {
    if (value instanceof Boolean) {
      return new Scalar(origin, value.toString(), Scalar.Kind.BOOL);
    }
    if (value instanceof Integer || value instanceof Long) {
      return new Scalar(origin, value.toString(), Scalar.Kind.INT);
    }
    if (value instanceof Number) {
      return new Scalar(origin, value.toString(), Scalar.Kind.FLOAT);
    }
    return new Scalar(origin, String.valueOf(value), Scalar.Kind.STRING);
  }

  /** A copy of the tree with every node's origin mapped by {@code f}; positions are up to {@code f}. */
  static SpecNode relabel(SpecNode n, java.util.function.UnaryOperator<Origin> f) {
    if (n instanceof MapNode m) {
      LinkedHashMap<String, SpecNode> e = new LinkedHashMap<>();
      Map<String, dev.slipway.model.Position> keys = new LinkedHashMap<>();
      Origin mapped = f.apply(m.origin());
      m.entries().forEach((k, v) -> {
        e.put(k, relabel(v, f));
        // Keys take the mapped origin's file; a node relabelled to "no position" loses its key positions too.
        keys.put(k, mapped.position().line() > 0 ? m.keyPosition(k) : mapped.position());
      });
      return new MapNode(mapped, e, keys);
    }
    if (n instanceof ListNode l) {
      List<SpecNode> items = new ArrayList<>();
      l.items().forEach(i -> items.add(relabel(i, f)));
      return new ListNode(f.apply(l.origin()), items);
    }
    if (n instanceof Scalar s) {
      return new Scalar(f.apply(s.origin()), s.value(), s.kind());
    }
    return new Null(f.apply(n.origin()));
  }
}
