package dev.slipway.server.api;

import dev.slipway.model.Diagnostic;

/**
 * A diagnostic of a spec that does not load ({@link SyncState#INVALID_SPEC}), with its file:line.
 *
 * @param severity {@code error}, {@code warning} or {@code info}
 */
public record SpecProblem(String severity, String code, String file, int line, int column, String path, String message) {

  public static SpecProblem of(Diagnostic d) {
    return new SpecProblem(d.severity().label(), d.code(), d.file(), d.line(), d.column(), d.path(), d.message());
  }
}
