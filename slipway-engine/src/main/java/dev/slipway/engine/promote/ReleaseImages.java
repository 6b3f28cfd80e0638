package dev.slipway.engine.promote;

import dev.slipway.model.Position;
import dev.slipway.model.load.ReleaseFiles;
import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ReleaseSpec;
import java.util.ArrayList;
import dev.slipway.model.yaml.Origin;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Renders a promoted environment with its release: each component runs the release's image
 * reference instead of app.yaml's, so that a tag moved upstream (or a new tag written in app.yaml)
 * changes only the first environment of the chain until it is promoted.
 */
public final class ReleaseImages {
  private ReleaseImages() {}

  /** {@code app} with the images of {@code release}; {@code app} itself when there is no release. */
  public static ResolvedApplication apply(ResolvedApplication app, ReleaseSpec release) {
    if (release == null || app == null) {
      return app;
    }
    List<ComponentSpec> out = new ArrayList<>();
    SortedMap<String, SpecNode> trees = new TreeMap<>(app.trees());
    String file = ReleaseFiles.releasePath(release.environment(), release.application());
    for (ComponentSpec c : app.components()) {
      ReleaseSpec.ReleaseImage image = release.images().get(c.name());
      if (image == null || c.image() == null) {
        out.add(c);
        continue;
      }
      out.add(c.withImage(image.image()));
      // --explain shows where the image comes from: the release, not app.yaml.
      if (trees.get(c.name()) instanceof MapNode tree) {
        Origin origin = Origin.of(Origin.Layer.RELEASE, release.id() + " in " + file, Position.NONE);
        trees.put(c.name(), tree.with("image", new SpecNode.Scalar(origin, image.image(), SpecNode.Scalar.Kind.STRING), Position.NONE));
      }
    }
    return new ResolvedApplication(app.app(), app.environment(), app.namespace(), List.copyOf(out), trees, app.typed());
  }
}
