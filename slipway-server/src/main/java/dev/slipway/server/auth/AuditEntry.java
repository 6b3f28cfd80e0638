package dev.slipway.server.auth;

import java.time.Instant;

/**
 * One line of the audit log: who asked for what, where, and what came of it. Never holds a token
 * or a Secret value.
 *
 * @param action {@code sync}, {@code sync-dry-run}, {@code rollback}, {@code refresh}, {@code pin},
 *     {@code unpin}, {@code pause}, {@code resume} or {@code webhook}
 * @param environment null when the action is not tied to one
 * @param revision the commit or history revision concerned, null when none
 * @param result {@code done}, {@code accepted}, {@code not-found}, {@code conflict},
 *     {@code forbidden}, {@code rejected} or {@code error}
 */
public record AuditEntry(Instant time, String who, String action, String environment, String application, String revision, String result, String message) {}
