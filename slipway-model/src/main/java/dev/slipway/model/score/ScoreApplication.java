package dev.slipway.model.score;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.Merge;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import dev.slipway.model.yaml.YamlLoader;
import dev.slipway.model.yaml.YamlLoader.Document;
import java.nio.file.Path;
import java.util.List;

/**
 * An application folder holding a {@code score.yaml}: alone, it is the application; beside an
 * {@code app.yaml}, the app.yaml is laid over it (its fields win, key by key, as an environment
 * override wins over app.yaml), so a team keeps its Score file as written and adds what Score
 * has no words for: environment overrides, autoscaling, waivers, strategies.
 */
public final class ScoreApplication {
  public static final String FILE = "score.yaml";

  private ScoreApplication() {}

  /** Reads and converts a Score file with Slipway's built-in types only; null (with diagnostics) when it cannot be. */
  public static MapNode load(Path scoreFile, String label, ScoreFiles files, Diagnostics d) {
    return load(scoreFile, label, files, ScorePlatform.NONE, d);
  }

  /**
   * Reads and converts a Score file; resources of {@code platform}'s own component types become
   * components of those types. Null (with diagnostics) when it cannot be converted.
   */
  public static MapNode load(Path scoreFile, String label, ScoreFiles files, ScorePlatform platform, Diagnostics d) {
    Diagnostics fileDiags = new Diagnostics();
    List<Document> docs = YamlLoader.forSpecs().loadFile(scoreFile, label, Layer.APP, fileDiags);
    d.addAll(fileDiags.list());
    if (docs.size() > 1) {
      d.error("spec.multiple-documents", docs.get(1).start(), "", label + " must hold exactly one document (one Score workload)");
      return null;
    }
    if (docs.isEmpty() || docs.get(0).root() == null || docs.get(0).root() instanceof SpecNode.Null) {
      if (!fileDiags.hasErrors()) {
        d.error("spec.unreadable-application", Position.file(label), "", label + " holds no Score workload (it is empty, only comments or null)");
      }
      return null;
    }
    return ScoreConverter.convert(docs.get(0).root(), label, files, platform, d);
  }

  /**
   * Lays {@code appYaml} over the application converted from Score. Its {@code metadata.name}
   * may be left out; if given it must be the Score workload's name, since Score's placeholders
   * (${metadata.name}) were resolved with that one.
   */
  public static SpecNode combine(MapNode fromScore, SpecNode appYaml, Diagnostics d) {
    if (appYaml instanceof MapNode app && app.get("metadata") instanceof MapNode meta && meta.get("name") instanceof Scalar name) {
      String scoreName = ((Scalar) ((MapNode) fromScore.get("metadata")).get("name")).value();
      if (!name.value().equals(scoreName)) {
        d.error("score.name-mismatch", name.position(), "metadata.name", "application name '" + name.value()
            + "' differs from the Score workload's name '" + scoreName + "' beside it: leave it out or make them the same");
      }
    }
    return Merge.over(fromScore, appYaml);
  }
}
