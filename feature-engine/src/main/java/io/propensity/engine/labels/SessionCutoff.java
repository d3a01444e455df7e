package io.propensity.engine.labels;

import java.time.Instant;

/**
 * One in-session scoring point for the session-conversion target.
 *
 * @param sessionKey the session's given id, or {@code ~} and the id of its first event when
 *     inferred
 * @param cutoff the time of the in-session event after which the row is taken
 * @param converts whether the session goes on to a purchase after the cutoff
 */
public record SessionCutoff(String sessionKey, Instant cutoff, boolean converts) {}
