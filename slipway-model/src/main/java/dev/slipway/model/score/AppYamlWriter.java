package dev.slipway.model.score;

import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.ListNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Writes an application tree as app.yaml text, for {@code slipway convert score}. The output is
 * deterministic (keys in the converter's fixed order, user maps sorted, no timestamps), so
 * converting the same Score file twice gives the same file and a Git diff shows only real
 * changes. Values keep their YAML types: a port stays a number, {@code "16"} stays a string.
 */
public final class AppYamlWriter {
  private AppYamlWriter() {}

  public static String write(MapNode app, String header) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(0);
    options.setWidth(120);
    options.setSplitLines(false);
    Representer representer = new Representer(options) {
      {
        // Multi-line text (config files) as literal blocks, as a person would write them.
        this.representers.put(String.class, data -> {
          String s = (String) data;
          DumperOptions.ScalarStyle style = s.contains("\n") && !s.contains("\r") && !s.matches("(?s).*[ \t]\n.*")
              ? DumperOptions.ScalarStyle.LITERAL : null;
          return style == null ? representScalar(Tag.STR, s) : representScalar(Tag.STR, s, style);
        });
      }
    };
    StringBuilder sb = new StringBuilder();
    for (String line : header.split("\n")) {
      sb.append("# ").append(line).append('\n');
    }
    sb.append(new Yaml(representer, options).dump(plain(app)));
    return sb.toString();
  }

  private static Object plain(SpecNode n) {
    if (n instanceof MapNode m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, plain(v)));
      return out;
    }
    if (n instanceof ListNode l) {
      List<Object> out = new ArrayList<>();
      l.items().forEach(i -> out.add(plain(i)));
      return out;
    }
    if (n instanceof Scalar s) {
      return switch (s.kind()) {
        case INT -> Long.valueOf(s.value());
        case BOOL -> Boolean.valueOf(s.value());
        default -> s.value();
      };
    }
    return null;
  }

}
