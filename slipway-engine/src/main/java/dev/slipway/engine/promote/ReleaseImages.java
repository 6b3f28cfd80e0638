package dev.slipway.engine.promote;

import dev.slipway.model.load.ResolvedApplication;
import dev.slipway.model.spec.ComponentSpec;
import dev.slipway.model.spec.ReleaseSpec;
import java.util.ArrayList;
import java.util.List;

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
    for (ComponentSpec c : app.components()) {
      ReleaseSpec.ReleaseImage image = release.images().get(c.name());
      out.add(image == null || c.image() == null ? c : c.withImage(image.image()));
    }
    return new ResolvedApplication(app.app(), app.environment(), app.namespace(), List.copyOf(out), app.trees());
  }
}
