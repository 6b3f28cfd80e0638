package dev.slipway.model.yaml;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode.Scalar.Kind;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML into {@link SpecNode} trees with positions, refusing YAML bombs and huge input.
 * Problems become diagnostics (code {@code yaml.*}), never exceptions.
 */
public final class YamlLoader {

  /** Limits that keep a hostile or broken file from exhausting memory. */
  public record Limits(long maxBytes, int maxAliases, int maxDepth, int maxNodes) {
    /** For specs written by people: a few MiB is far beyond any real platform or app file. */
    public static final Limits SPEC = new Limits(4L << 20, 50, 64, 500_000);
    /** For manifests given to {@code slipway validate}: generated files can be large. */
    public static final Limits MANIFESTS = new Limits(256L << 20, 1_000, 128, 20_000_000);
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
    Yaml yaml = new Yaml(options);
    List<Document> docs = new ArrayList<>();
    Converter converter = new Converter(label, layer, diags);
    String[] lines = null;
    try {
      int index = 0;
      for (Node node : yaml.composeAll(new StringReader(content))) {
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
        List<SpecNode> items = new ArrayList<>(s.getValue().size());
        for (Node n : s.getValue()) {
          items.add(convert(n, depth + 1));
        }
        return new SpecNode.ListNode(origin(s), items);
      }
      ScalarNode s = (ScalarNode) node;
      Tag tag = s.getTag();
      if (tag.equals(Tag.NULL)) {
        return new SpecNode.Null(origin(s));
      }
      Kind kind = tag.equals(Tag.INT) ? Kind.INT
          : tag.equals(Tag.FLOAT) ? Kind.FLOAT
          : tag.equals(Tag.BOOL) ? Kind.BOOL
          : Kind.STRING;
      return new SpecNode.Scalar(origin(s), s.getValue(), kind);
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
