package dev.slipway.engine.promote;

import dev.slipway.model.spec.ReleaseSpec;
import dev.slipway.model.spec.ReleaseSpec.ReleaseImage;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Takes a release from what runs upstream: pure, from what the adapters read. */
public final class Candidates {
  private Candidates() {}

  /**
   * The candidate release of {@code application} in {@code source}.
   *
   * @param rendered component → image reference the source renders
   * @param digests component → digest its pods run (absent when unknown)
   * @param commit the platform commit the source was synced from, or null
   * @param configHash the hash of the source's rendered objects
   */
  public static ReleaseSpec take(String application, String source, Map<String, String> rendered, Map<String, String> digests,
      String commit, String configHash, String now, String who) {
    SortedMap<String, ReleaseImage> images = new TreeMap<>();
    rendered.forEach((c, image) -> images.put(c, ReleaseImage.of(image, digests.get(c))));
    String id = ReleaseSpec.idOf(application, source, commit, configHash, images);
    return new ReleaseSpec(id, application, source, source, commit, configHash, now, who, null, null, null, images, null);
  }
}
