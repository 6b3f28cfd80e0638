package dev.slipway.model.yaml;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode.Scalar.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML into {@link SpecNode} trees with positions, refusing YAML bombs and huge input.
 * Problems become diagnostics (code {@code yaml.*}), never exceptions.
 */
public final class YamlLoader {

  /**
   * Limits that keep a hostile or broken file from exhausting memory or time: with them, reading
   * an accepted file costs a small multiple of its size.
   *
   * @param maxScalarChars the longest scalar (a string value or key), in characters
   * @param maxEntries the most entries one map or list may have
   */
  public record Limits(long maxBytes, int maxAliases, int maxDepth, int maxNodes, int maxScalarChars, int maxEntries) {
    /** For specs written by people: a few MiB is far beyond any real platform or app file. */
    public static final Limits SPEC = new Limits(4L << 20, 50, 64, 500_000, 64 << 10, 10_000);
    /** For manifests given to {@code slipway validate}: generated files can be large. */
    public static final Limits MANIFESTS = new Limits(256L << 20, 1_000, 128, 20_000_000, 16 << 20, 1_000_000);

    /** Limits with the manifest bounds on one value and one collection. */
    public Limits(long maxBytes, int maxAliases, int maxDepth, int maxNodes) {
      this(maxBytes, maxAliases, maxDepth, maxNodes, 16 << 20, 1_000_000);
    }
  }

  /** One YAML document: its tree (null for an empty document) and the comment lines before it. */
  public record Document(SpecNode root, int index, Position start, List<String> leadingComments) {}

  private final Limits limits;
  private final boolean rejectDuplicateKeys;

  public YamlLoader(Limits limits, boolean rejectDuplicateKeys) {
    this.limits = limits;
    this.rejectDuplicateKeys = rejectDuplicateKeys;
  }

  public static YamlLoader forSpecs() {
    return new YamlLoader(Limits.SPEC, true);
  }

  /** Reads a file; {@code label} is how diagnostics name it (relative to the platform directory). */
  public List<Document> loadFile(Path file, String label, Layer layer, Diagnostics diags) {
    try {
      long size = Files.size(file);
      if (size > limits.maxBytes()) {
        diags.error("yaml.too-large", Position.file(label), "",
            "file is " + size + " bytes; the limit is " + limits.maxBytes() + " bytes");
        return List.of();
      }
      return load(Files.readString(file, StandardCharsets.UTF_8), label, layer, diags);
    } catch (java.nio.charset.MalformedInputException e) {
      diags.error("yaml.encoding", Position.file(label), "", "file is not valid UTF-8");
      return List.of();
    } catch (IOException e) {
      diags.error("io.read", Position.file(label), "", "cannot read file: " + e.getMessage());
      return List.of();
    }
  }

  public List<Document> load(String content, String label, Layer layer, Diagnostics diags) {
    if (content.length() > limits.maxBytes()) {
      diags.error("yaml.too-large", Position.file(label), "",
          "document is " + content.length() + " characters; the limit is " + limits.maxBytes());
      return List.of();
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(limits.maxAliases());
    options.setNestingDepthLimit(limits.maxDepth());
    options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxBytes()));
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    List<Document> docs = new ArrayList<>();
    Converter converter = new Converter(label, layer, diags);
    String[] lines = null;
    try {
      int index = 0;
      // SnakeYAML's own reader is quadratic in the length of one token; see LinearStreamReader.
      Parser parser = new EntryCounter(new ParserImpl(new LinearStreamReader(content), options), converter);
      Composer composer = new Composer(parser, new Resolver(), options);
      while (composer.checkNode()) {
        Node node = composer.getNode();
        Position start = converter.pos(node.getStartMark());
        if (lines == null) {
          lines = content.split("\n", -1);
        }
        docs.add(new Document(converter.convert(node, 0), index++, start, commentsBefore(lines, start.line())));
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      if (e.getContext() != null && !e.getContext().equals(problem)) {
        problem = problem + " (" + e.getContext() + ")";
      }
      diags.error("yaml.syntax", m != null ? converter.pos(m) : Position.file(label), "", "malformed YAML: " + problem);
    } catch (TooManyNodes e) {
      diags.error("yaml.too-many-nodes", Position.file(label), "",
          "document expands to more than " + limits.maxNodes() + " values (alias expansion or a huge file); refused");
    } catch (TooLarge e) {
      diags.error(e.code, e.at, "", e.getMessage());
    } catch (YAMLException e) {
      diags.error("yaml.limit", Position.file(label), "", "refused: " + e.getMessage());
    } catch (StackOverflowError e) {
      diags.error("yaml.limit", Position.file(label), "", "refused: nesting too deep");
    }
    return docs;
  }

  /** Comment lines directly above a document's first line (Helm's {@code # Source:} markers). */
  private static List<String> commentsBefore(String[] lines, int firstLine) {
    List<String> out = new ArrayList<>();
    for (int i = firstLine - 2; i >= 0; i--) {
      String l = lines[i].trim();
      if (l.startsWith("#")) {
        out.add(0, l);
      } else if (!l.isEmpty()) {
        break;
      }
    }
    return out;
  }

  private static final class TooManyNodes extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyNodes() {
      super(null, null, false, false);
    }
  }

  /** A value past a limit: refused at its position, and the document is dropped. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient String code;
    private final transient Position at;

    TooLarge(String code, Position at, String message) {
      super(message, null, false, false);
      this.code = code;
      this.at = at;
    }
  }

  /**
   * Counts the entries of each open map and list as the parser produces them, so an oversized
   * collection is refused when its entry past the limit is read, before it is built.
   */
  private final class EntryCounter implements Parser {
    private final Parser inner;
    private final Converter converter;
    private final java.util.ArrayDeque<int[]> open = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Event> starts = new java.util.ArrayDeque<>();

    EntryCounter(Parser inner, Converter converter) {
      this.inner = inner;
      this.converter = converter;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
      return inner.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      return inner.peekEvent();
    }

    @Override
    public Event getEvent() {
      Event e = inner.getEvent();
      if (e instanceof ScalarEvent || e instanceof AliasEvent || e instanceof CollectionStartEvent) {
        int[] top = open.peek();
        if (top != null && ++top[0] > (long) limits.maxEntries() * top[1]) {
          throw new TooLarge("yaml.too-many-entries", converter.pos(starts.peek().getStartMark()),
              "a map or list with more than " + limits.maxEntries() + " entries (the limit per map or list); refused");
        }
      }
      if (e instanceof CollectionStartEvent) {
        open.push(new int[] {0, e instanceof MappingStartEvent ? 2 : 1});
        starts.push(e);
      } else if (e instanceof CollectionEndEvent) {
        open.pop();
        starts.pop();
      }
      return e;
    }
  }

  /** Tags of the YAML core schema; others ({@code !!binary}, {@code !!set}, {@code !foo}) are refused. */
  private static final java.util.Set<Tag> SCALAR_TAGS = java.util.Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

  private final class Converter {
    private final String label;
    private final Layer layer;
    private final Diagnostics diags;
    private int count;

    Converter(String label, Layer layer, Diagnostics diags) {
      this.label = label;
      this.layer = layer;
      this.diags = diags;
    }

    Position pos(Mark m) {
      return new Position(label, m.getLine() + 1, m.getColumn() + 1);
    }

    Origin origin(Node n) {
      return Origin.of(layer, label, pos(n.getStartMark()));
    }

    SpecNode convert(Node node, int depth) {
      if (++count > limits.maxNodes()) {
        throw new TooManyNodes();
      }
      if (node instanceof MappingNode m) {
        checkTag(m, Tag.MAP);
        LinkedHashMap<String, SpecNode> entries = new LinkedHashMap<>();
        Map<String, Position> keys = new LinkedHashMap<>();
        List<NodeTuple> tuples = new ArrayList<>(m.getValue());
        for (NodeTuple t : tuples) {
          Node keyNode = t.getKeyNode();
          if (keyNode.getTag().equals(Tag.MERGE)) {
            mergeInto(entries, keys, convert(t.getValueNode(), depth + 1));
            continue;
          }
          String key = keyNode instanceof ScalarNode s ? s.getValue() : null;
          Position kp = pos(keyNode.getStartMark());
          if (key == null) {
            diags.error("yaml.key", kp, "", "mapping keys must be scalars");
            continue;
          }
          checkLength(key, kp);
          if (entries.containsKey(key)) {
            if (rejectDuplicateKeys) {
              diags.error("yaml.duplicate-key", kp, "", "duplicate key '" + key + "' (first at line " + keys.get(key).line() + ")");
            }
            entries.remove(key);
          }
          entries.put(key, convert(t.getValueNode(), depth + 1));
          keys.put(key, kp);
        }
        return new SpecNode.MapNode(origin(m), entries, keys);
      }
      if (node instanceof SequenceNode s) {
        checkTag(s, Tag.SEQ);
        List<SpecNode> items = new ArrayList<>(s.getValue().size());
        for (Node n : s.getValue()) {
          items.add(convert(n, depth + 1));
        }
        return new SpecNode.ListNode(origin(s), items);
      }
      ScalarNode s = (ScalarNode) node;
      Tag tag = s.getTag();
      if (!SCALAR_TAGS.contains(tag)) {
        unsupportedTag(s);
      }
      checkLength(s.getValue(), pos(s.getStartMark()));
      if (tag.equals(Tag.NULL)) {
        return new SpecNode.Null(origin(s));
      }
      Kind kind = tag.equals(Tag.INT) ? Kind.INT
          : tag.equals(Tag.FLOAT) ? Kind.FLOAT
          : tag.equals(Tag.BOOL) ? Kind.BOOL
          : Kind.STRING;
      return new SpecNode.Scalar(origin(s), s.getValue(), kind);
    }

    private void checkTag(Node n, Tag expected) {
      if (!n.getTag().equals(expected)) {
        unsupportedTag(n);
      }
    }

    /** Recorded, not thrown: the rest of the file is still checked. The value reads as plain text. */
    private void unsupportedTag(Node n) {
      diags.error("yaml.unsupported-tag", pos(n.getStartMark()), "",
          "unsupported YAML tag " + n.getTag().getValue().replace(Tag.PREFIX, "!!")
              + "; Slipway reads plain strings, numbers, booleans, lists and maps (remove the tag)");
    }

    private void checkLength(String scalar, Position at) {
      if (scalar.length() > limits.maxScalarChars()) {
        throw new TooLarge("yaml.scalar-too-long", at,
            "a value of " + scalar.length() + " characters; the limit is " + limits.maxScalarChars() + " per value; refused");
      }
    }

    private void mergeInto(LinkedHashMap<String, SpecNode> entries, Map<String, Position> keys, SpecNode merged) {
      List<SpecNode> sources = merged instanceof SpecNode.ListNode l ? l.items() : List.of(merged);
      for (SpecNode src : sources) {
        if (src instanceof SpecNode.MapNode mm) {
          for (Map.Entry<String, SpecNode> e : mm.entries().entrySet()) {
            if (!entries.containsKey(e.getKey())) {
              entries.put(e.getKey(), e.getValue());
              keys.put(e.getKey(), mm.keyPosition(e.getKey()));
            }
          }
        } else {
          diags.error("yaml.merge", src.position(), "", "a merge key (<<) needs a mapping");
        }
      }
    }
  }
}
