package dev.slipway.model.score;

import dev.slipway.model.Position;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the app.yaml tree a Score file stands for. Every value keeps the position of the Score
 * value it came from, so a problem Slipway finds later (a bad image, a name too long) is
 * reported at the line of score.yaml the user wrote, not at a file that does not exist.
 */
final class Tree {
  private final String label;

  Tree(String label) {
    this.label = label;
  }

  Origin origin(Position at) {
    return Origin.of(Layer.APP, label, at);
  }

  Scalar string(String value, Position at) {
    return new Scalar(origin(at), value, Scalar.Kind.STRING);
  }

  Scalar integer(int value, Position at) {
    return new Scalar(origin(at), Integer.toString(value), Scalar.Kind.INT);
  }

  SpecNode.Null nothing(Position at) {
    return new SpecNode.Null(origin(at));
  }

  ListNode strings(List<String> values, Position at) {
    List<SpecNode> items = new ArrayList<>();
    values.forEach(v -> items.add(string(v, at)));
    return new ListNode(origin(at), items);
  }

  Map map(Position at) {
    return new Map(at);
  }

  /** A map being built, keys in the order they are put. */
  final class Map {
    private final Position at;
    private final LinkedHashMap<String, SpecNode> entries = new LinkedHashMap<>();
    private final java.util.Map<String, Position> keys = new LinkedHashMap<>();

    private Map(Position at) {
      this.at = at;
    }

    Map put(String key, SpecNode value, Position keyAt) {
      if (value != null) {
        entries.put(key, value);
        keys.put(key, keyAt);
      }
      return this;
    }

    Map put(String key, SpecNode value) {
      return put(key, value, value == null ? at : value.position());
    }

    boolean isEmpty() {
      return entries.isEmpty();
    }

    MapNode node() {
      return new MapNode(origin(at), entries, keys);
    }

    /** The map, or null when nothing was put: absent fields stay absent in app.yaml. */
    MapNode nodeOrNull() {
      return entries.isEmpty() ? null : node();
    }
  }
}
