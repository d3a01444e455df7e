package io.propensity.inference.challenge;

import java.util.Locale;

/** What a run of the promotion policy decided for one model. */
public enum DecisionKind {
  /** The challenger won on live outcomes: production now points at it. */
  PROMOTE,
  /** Production was significantly worse than the version it replaced: moved back. */
  ROLLBACK,
  /** Compared, and nothing to change (no significant win, or the challenger is production). */
  HOLD,
  /** Too few paired outcomes or positives to decide. */
  NOT_ENOUGH_DATA,
  /** The model has no production or no challenger alias. */
  NO_CHALLENGER,
  /** The alias moved while deciding (another replica or a person): nothing changed here. */
  CONFLICT;

  /** The metric tag and log value, e.g. {@code not_enough_data}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
