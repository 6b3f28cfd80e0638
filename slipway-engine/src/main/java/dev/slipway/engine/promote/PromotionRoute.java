package dev.slipway.engine.promote;

import dev.slipway.model.Diagnostic;
import dev.slipway.model.Position;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.model.yaml.Suggest;

/**
 * Where a promotion comes from: the target environment's {@code promotion.from}. A promotion to an
 * environment that is not downstream of the named source (or not downstream of anything) is bad
 * input, reported at the slipway.yaml line of the target's {@code promotion.from} (or of the
 * environment, when it has no promotion).
 *
 * @param error null when the route is valid; then {@code source} and {@code target} are set
 */
public record PromotionRoute(EnvironmentSpec source, EnvironmentSpec target, Diagnostic error) {

  /**
   * The route to {@code targetName}; {@code requestedFrom} (from {@code --from}, may be null) must be
   * the target's {@code promotion.from}.
   */
  public static PromotionRoute to(PlatformSpec platform, String targetName, String requestedFrom) {
    EnvironmentSpec target = platform.environments().stream().filter(e -> e.name().equals(targetName)).findFirst().orElse(null);
    if (target == null) {
      return error(Position.NONE, "--to", "no environment '" + targetName + "'" + Suggest.hint(targetName, platform.environmentNames())
          + "; environments: " + String.join(", ", platform.environmentNames()));
    }
    if (target.promotion() == null || target.promotion().from() == null) {
      String downstream = platform.environments().stream()
          .filter(e -> e.promotion() != null && targetName.equals(e.promotion().from())).map(EnvironmentSpec::name).findFirst()
          .map(n -> " (" + n + " is promoted from it: slipway promote APP --to " + n + ")").orElse("");
      return error(at(platform, target.position()), "promotion.from", "environment '" + targetName
          + "' is not downstream of any environment: it has no promotion.from, so it renders app.yaml's images" + downstream);
    }
    String from = target.promotion().from();
    Position at = at(platform, target.promotion().position().line() > 0 ? target.promotion().position() : target.position());
    if (requestedFrom != null && !requestedFrom.equals(from)) {
      return error(at, "promotion.from", "environment '" + targetName + "' is not downstream of '" + requestedFrom
          + "': it is promoted from '" + from + "' (promotion.from)");
    }
    if (from.equals(targetName)) {
      return error(at, "promotion.from", "environment '" + targetName + "' cannot be promoted from itself");
    }
    EnvironmentSpec source = platform.environments().stream().filter(e -> e.name().equals(from)).findFirst().orElse(null);
    if (source == null) {
      return error(at, "promotion.from", "environment '" + targetName + "' is promoted from unknown environment '" + from + "'");
    }
    return new PromotionRoute(source, target, null);
  }

  /** A position inside slipway.yaml (positions written by the loader already name the file). */
  private static Position at(PlatformSpec platform, Position p) {
    return p.file() == null || p.file().isEmpty() ? new Position(platform.file(), p.line(), p.column()) : p;
  }

  private static PromotionRoute error(Position at, String path, String message) {
    return new PromotionRoute(null, null, new Diagnostic(Diagnostic.Severity.ERROR, "promote.not-downstream", at.file(), at.line(),
        at.column(), path, message));
  }

  public boolean valid() {
    return error == null;
  }
}
