package io.propensity.inference.scoring;

import java.util.Locale;

/** What to do with a user the feature service knows nothing about. */
public enum ColdStartPolicy {
  /**
   * Score the empty-history vector and flag the prediction as a cold start (the contract's
   * default).
   */
  SCORE,
  /** Refuse with NOT_FOUND. */
  REJECT;

  /** Parses {@code score} or {@code reject}, in any case. */
  public static ColdStartPolicy parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cold-start policy must be 'score' or 'reject', got '" + text + "'", e);
    }
  }
}
