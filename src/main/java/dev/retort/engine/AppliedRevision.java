package dev.retort.engine;

import java.time.Instant;

/** When a revision was last upgraded to, by which database user, how long it took, and its SQL's checksum then. */
public record AppliedRevision(String revision, Instant appliedAt, String dbUser, long durationMs, String checksum) {
}
