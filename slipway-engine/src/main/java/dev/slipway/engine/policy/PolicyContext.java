package dev.slipway.engine.policy;

import dev.slipway.engine.render.RenderedObject;
import java.util.List;

/**
 * What a rule may look at besides the object: the environment's settings and the other objects
 * rendered with it (a PodDisruptionBudget rule needs to see the budgets).
 *
 * @param production whether the environment is a production one (prod-only rules apply)
 * @param allowMutableTags whether {@code latest} and untagged images are tolerated here
 */
public record PolicyContext(
    String environment, boolean production, boolean allowMutableTags, List<String> allowedRegistries, List<RenderedObject> siblings) {}
