package dev.slipway.model.yaml;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Null;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.SpecNode.Scalar.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the fields of one mapping into typed values, recording a diagnostic (with the value's
 * file, line, column and field path) for every wrong type and, on {@link #finish()}, for every
 * key it was never asked for. Reading never throws: a bad value reads as absent, so binding goes
 * on and reports every problem at once.
 */
public final class Fields {
  private final MapNode map;
  private final String path;
  private final Diagnostics diags;
  private final Set<String> known = new LinkedHashSet<>();

  private Fields(MapNode map, String path, Diagnostics diags) {
    this.map = map;
    this.path = path;
    this.diags = diags;
  }

  /** A reader over {@code node}, or null (with a diagnostic) when it is present but not a map. */
  public static Fields of(SpecNode node, String path, Diagnostics diags) {
    if (node == null || node instanceof Null) {
      return null;
    }
    if (node instanceof MapNode m) {
      return new Fields(m, path, diags);
    }
    typeError(diags, node, path, "a map");
    return null;
  }

  /** A reader that reads nothing, for absent sections, so callers need no null checks. */
  public static Fields orEmpty(SpecNode node, String path, Diagnostics diags, Origin origin) {
    Fields f = of(node, path, diags);
    return f != null ? f : new Fields(MapNode.empty(origin), path, diags);
  }

  public String path() {
    return path;
  }

  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public Position position() {
    return map.position();
  }

  public Position position(String key) {
    return map.keyPosition(key);
  }

  public Diagnostics diagnostics() {
    return diags;
  }

  public MapNode node() {
    return map;
  }

  /** The raw value, or null when absent or explicitly null. */
  public SpecNode raw(String key) {
    known.add(key);
    SpecNode n = map.get(key);
    return n instanceof Null ? null : n;
  }

  public boolean has(String key) {
    return raw(key) != null;
  }

  public Fields child(String key) {
    return of(raw(key), path(key), diags);
  }

  public Fields childOrEmpty(String key) {
    SpecNode n = raw(key);
    return orEmpty(n, path(key), diags, n != null ? n.origin() : map.origin());
  }

  public String string(String key) {
    SpecNode n = raw(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Scalar s) {
      return s.value();
    }
    typeError(diags, n, path(key), "a string");
    return null;
  }

  public String string(String key, String fallback) {
    String s = string(key);
    return s != null ? s : fallback;
  }

  /** A required string: absent → diagnostic {@code spec.required}. */
  public String required(String key) {
    String s = string(key);
    if (s == null && map.get(key) == null) {
      diags.error("spec.required", map.position(), path(key), "required field '" + key + "' is missing");
    }
    return s;
  }

  public Integer integer(String key, long min, long max) {
    SpecNode n = raw(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Scalar s && s.kind() == Kind.INT) {
      try {
        long v = Long.parseLong(s.value().replace("_", ""));
        if (v < min || v > max) {
          diags.error("spec.out-of-range", n.position(), path(key),
              "value " + v + " is out of range; must be between " + min + " and " + max);
          return null;
        }
        return (int) v;
      } catch (NumberFormatException e) {
        // falls through to the type error
      }
    }
    typeError(diags, n, path(key), "an integer");
    return null;
  }

  public Boolean bool(String key) {
    SpecNode n = raw(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Scalar s && s.kind() == Kind.BOOL) {
      String v = s.value().toLowerCase(java.util.Locale.ROOT);
      return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
    }
    typeError(diags, n, path(key), "true or false");
    return null;
  }

  public boolean bool(String key, boolean fallback) {
    Boolean b = bool(key);
    return b != null ? b : fallback;
  }

  /** One of {@code allowed}; anything else is an error with a suggestion. */
  public String oneOf(String key, Collection<String> allowed, String fallback) {
    String s = string(key);
    if (s == null) {
      return fallback;
    }
    if (!allowed.contains(s)) {
      diags.error("spec.invalid-value", map.get(key).position(), path(key),
          quote(path(key), s) + " is not one of " + String.join(", ", allowed) + Suggest.hint(s, allowed));
      return fallback;
    }
    return s;
  }

  /**
   * A Kubernetes quantity such as {@code 500m} or {@code 2Gi}: greater than zero (every quantity in
   * a spec is a size or an amount) and at most {@code max} base units (cores or bytes).
   *
   * @param maxText {@code max} as the message shows it, e.g. {@code 1024 cores} or {@code 64Ti}
   */
  public String quantity(String key, BigDecimal max, String maxText) {
    return quantity(key, false, max, maxText);
  }

  /** A quantity greater than zero that Kubernetes can represent. */
  public String quantity(String key) {
    return quantity(key, false, Quantities.MAX, "2^63-1");
  }

  /** As {@link #quantity(String, BigDecimal, String)}, but zero is allowed (a daemon that reserves no memory). */
  public String quantityOrZero(String key, BigDecimal max, String maxText) {
    return quantity(key, true, max, maxText);
  }

  private String quantity(String key, boolean zero, BigDecimal max, String maxText) {
    SpecNode n = raw(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Scalar s && s.kind() != Kind.BOOL) {
      if (!Quantities.isValid(s.value())) {
        diags.error("spec.invalid-quantity", n.position(), path(key),
            quote(path(key), s.value()) + " is not a Kubernetes quantity (examples: 250m, 1, 1.5, 512Mi, 2Gi; no spaces)");
        return null;
      }
      BigDecimal v = Quantities.amount(s.value());
      if (v.signum() < 0 || v.signum() == 0 && !zero || v.compareTo(max) > 0) {
        diags.error("spec.out-of-range", n.position(), path(key), quote(path(key), s.value()) + " is out of range: " + key
            + " must be " + (zero ? "at least 0" : "greater than 0") + " and at most " + maxText);
        return null;
      }
      return s.value();
    }
    typeError(diags, n, path(key), "a quantity such as 500m or 2Gi");
    return null;
  }

  public List<String> stringList(String key) {
    SpecNode n = raw(key);
    if (n == null) {
      return null;
    }
    if (!(n instanceof ListNode l)) {
      typeError(diags, n, path(key), "a list of strings");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.items().size(); i++) {
      SpecNode item = l.items().get(i);
      if (item instanceof Scalar s) {
        out.add(s.value());
      } else {
        typeError(diags, item, path(key) + "[" + i + "]", "a string");
      }
    }
    return out;
  }

  /** A map of scalar values (numbers and booleans read as their text), sorted by key. */
  public TreeMap<String, String> stringMap(String key) {
    return map(key, (entry) -> {
      if (entry.node() instanceof Scalar s) {
        return s.value();
      }
      typeError(diags, entry.node(), entry.path(), "a string");
      return null;
    });
  }

  /** One entry of a map being read by {@link #map}. */
  public record Entry(String key, SpecNode node, String path, Position keyPosition) {}

  /** Reads each entry of a map with {@code reader}; entries it returns null for are dropped. */
  public <T> TreeMap<String, T> map(String key, Function<Entry, T> reader) {
    SpecNode n = raw(key);
    if (n == null) {
      return null;
    }
    if (!(n instanceof MapNode m)) {
      typeError(diags, n, path(key), "a map");
      return null;
    }
    TreeMap<String, T> out = new TreeMap<>();
    for (Map.Entry<String, SpecNode> e : m.entries().entrySet()) {
      if (e.getValue() instanceof Null) {
        continue;
      }
      T v = reader.apply(new Entry(e.getKey(), e.getValue(), path(key) + "." + e.getKey(), m.keyPosition(e.getKey())));
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  /** Reports every key that was not read as an unknown field, with a suggestion. */
  public void finish() {
    for (String k : map.entries().keySet()) {
      if (!known.contains(k)) {
        diags.error("spec.unknown-field", map.keyPosition(k), path(k),
            "unknown field '" + k + "'" + Suggest.hint(k, known)
                + (known.isEmpty() ? "" : "; known fields: " + String.join(", ", known)));
      }
    }
  }

  public static void typeError(Diagnostics diags, SpecNode n, String path, String expected) {
    String got = n.typeName();
    if (n instanceof Scalar s) {
      got += " " + quote(path, s.value());
    }
    diags.error("spec.wrong-type", n.position(), path, "expected " + expected + ", got " + got);
  }

  private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*(export\\s+)?[A-Za-z_][A-Za-z0-9_.-]*\\s*(=|:\\s)");
  private static final Pattern SENSITIVE_FIELD = Pattern.compile("(^|\\.)(env|secrets|config)(\\.|\\[|$)");

  /** {@code 'value'} when {@link #mayShow} allows, else a placeholder that says why it is missing. */
  public static String quote(String path, String value) {
    return mayShow(path, value) ? "'" + value + "'" : "(value not shown)";
  }

  /**
   * Whether a message may quote {@code value}. Specs sit next to secrets: a dotenv file saved as
   * {@code app.yaml} is one scalar, its whole text. So a document root (path {@code ""}), any
   * value under {@code env}, {@code secrets} or {@code config}, anything that reads as an
   * assignment ({@code KEY=value}) and anything long or multi-line is never quoted; a short
   * ordinary value ({@code replicas: three}) is, because it makes the message clear.
   */
  public static boolean mayShow(String path, String value) {
    return !path.isEmpty() && !SENSITIVE_FIELD.matcher(path).find() && value.length() <= 40
        && value.chars().noneMatch(c -> c < 0x20) && !ASSIGNMENT.matcher(value).find();
  }
}
