package io.propensity.engine.labels;

import java.time.Duration;
import java.util.Objects;

/** How a target's label is computed, with its parameters. */
public sealed interface LabelDefinition {

  /** Default activity lookback: the user counts as active at T with an event in (T - 30d, T]. */
  Duration DEFAULT_LOOKBACK = Duration.ofDays(30);

  /** The target this definition labels. */
  Target target();

  /** Purchase in (T, T + horizon], for users with an event in (T - lookback, T]. */
  static Purchase purchase(Duration horizon) {
    return new Purchase(horizon, DEFAULT_LOOKBACK);
  }

  /** No event in (T, T + horizon], for users with an event in (T - lookback, T]. */
  static Churn churn(Duration horizon) {
    return new Churn(horizon, DEFAULT_LOOKBACK);
  }

  /** Session conversion with a row after every in-session event before the first purchase. */
  static SessionConversion sessionConversion() {
    return new SessionConversion(1);
  }

  /**
   * Label = some purchase in (T, T + horizon]; a purchase exactly at T + horizon counts, one at T
   * does not (it is part of the features).
   *
   * @param horizon how far after the cutoff to look, positive
   * @param lookback eligibility: the user needs an event in (T - lookback, T], positive
   */
  record Purchase(Duration horizon, Duration lookback) implements LabelDefinition {
    public Purchase {
      requirePositive(horizon, "horizon");
      requirePositive(lookback, "lookback");
    }

    @Override
    public Target target() {
      return Target.PURCHASE;
    }
  }

  /**
   * Label = no event at all in (T, T + horizon]. Only users active before T (an event in (T -
   * lookback, T]) get a row: a user who was never there cannot churn.
   *
   * @param horizon how far after the cutoff to look, positive
   * @param lookback the activity window before the cutoff, positive
   */
  record Churn(Duration horizon, Duration lookback) implements LabelDefinition {
    public Churn {
      requirePositive(horizon, "horizon");
      requirePositive(lookback, "lookback");
    }

    @Override
    public Target target() {
      return Target.CHURN;
    }
  }

  /**
   * Label = the session contains a purchase after the cutoff. Cutoffs are the times of the
   * session's events before its first purchase: the 1st, (1+k)th, (1+2k)th... event.
   *
   * @param everyKthEvent k, at least 1: 1 gives a row after every event
   */
  record SessionConversion(int everyKthEvent) implements LabelDefinition {
    public SessionConversion {
      if (everyKthEvent < 1) {
        throw new IllegalArgumentException("everyKthEvent must be at least 1: " + everyKthEvent);
      }
    }

    @Override
    public Target target() {
      return Target.SESSION_CONVERSION;
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
