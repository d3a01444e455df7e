package io.propensity.engine.labels;

import io.propensity.engine.session.Sessionizer;
import java.time.Duration;

/** What a model predicts; each target is a named model in the registry. */
public enum Target {
  /** The user purchases within the horizon after the cutoff. */
  PURCHASE,
  /** The user, active before the cutoff, has no event within the horizon after it. */
  CHURN,
  /** The session going on at the cutoff goes on to a purchase. */
  SESSION_CONVERSION;

  /** The shortest purchase horizon: a minute, for in-session logs of a few hours. */
  public static final Duration MIN_PURCHASE_HORIZON = Duration.ofMinutes(1);

  /**
   * Whether the label window is a horizon after the cutoff (purchase, churn); a session
   * conversion's window is the rest of the session, and a horizon is ignored.
   */
  public boolean usesHorizon() {
    return this != SESSION_CONVERSION;
  }

  /**
   * The shortest horizon that means something: a minute for purchase; for churn the 30-minute
   * session inactivity gap, since a shorter silence is a pause between two clicks, not a churn;
   * zero for session conversion, which has no horizon.
   */
  public Duration minimumHorizon() {
    return switch (this) {
      case PURCHASE -> MIN_PURCHASE_HORIZON;
      case CHURN -> Sessionizer.INACTIVITY_GAP;
      case SESSION_CONVERSION -> Duration.ZERO;
    };
  }

  /**
   * How far past a cutoff the label looks: {@code horizon} for purchase and churn. A session
   * conversion's label is the rest of the session in progress, which is over once 30 minutes (the
   * inactivity gap) pass without an event, so its reach is taken as that gap whatever {@code
   * horizon} says. A cutoff needs this much logged data after it for a complete label, and a time
   * split keeps this gap between training and test rows so no training label sees the test period.
   * (A session still busy 30 minutes after a cutoff reaches further; on shop logs such sessions are
   * few, and only their rows right before a split boundary can see past it.)
   */
  public Duration labelReach(Duration horizon) {
    return usesHorizon() ? horizon : Sessionizer.INACTIVITY_GAP;
  }
}
