package io.propensity.training.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One alias of one model as it stands after a change (or, for {@link Kind#INITIAL}, as it stands
 * now).
 *
 * @param changeId position in the registry-wide change feed, increasing with every change; 0 for
 *     initial state
 * @param name model name
 * @param alias alias, e.g. {@code production}
 * @param version version the alias points at after the change
 * @param previousVersion version it pointed at before; empty for a new alias and initial state
 * @param kind why the alias is reported
 * @param changedAt when the alias was set to {@code version}
 * @param actor who made the change: the caller's principal name, {@code anonymous (insecure)}
 *     without authentication, {@link ModelRegistry#POLICY_ACTOR} for a promotion policy; for
 *     initial state, who made the alias's newest change
 */
public record AliasChange(
    long changeId,
    String name,
    String alias,
    long version,
    OptionalLong previousVersion,
    Kind kind,
    Instant changedAt,
    String actor) {

  /** Why an alias is reported. */
  public enum Kind {
    /** Part of a watcher's initial state, not a change. */
    INITIAL,
    /** Set (by hand or by a promotion policy). */
    SET,
    /** Moved back by a rollback. */
    ROLLBACK
  }

  public AliasChange {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(previousVersion, "previousVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(changedAt, "changedAt");
    Objects.requireNonNull(actor, "actor");
  }
}
