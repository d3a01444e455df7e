package io.propensity.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import propensity.features.v1.Target;

/** Parsing of the argument forms several commands share; bad values are usage errors (exit 2). */
final class Args {
  private Args() {}

  static Target target(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "purchase" -> Target.TARGET_PURCHASE;
      case "churn" -> Target.TARGET_CHURN;
      case "session-conversion", "session_conversion" -> Target.TARGET_SESSION_CONVERSION;
      default ->
          throw new CliException(
              "--target " + name + " is not one of purchase, churn, session-conversion", 2);
    };
  }

  static String targetName(Target t) {
    return switch (t) {
      case TARGET_PURCHASE -> "purchase";
      case TARGET_CHURN -> "churn";
      case TARGET_SESSION_CONVERSION -> "session-conversion";
      default -> "-";
    };
  }

  /** Event types a campaign can count as its goal, as the CLI names them. */
  static final String GOAL_EVENTS =
      "purchase, add-to-cart, begin-checkout, product-view, page-view, search, remove-from-cart";

  /**
   * The event type a campaign counts as a conversion: {@code purchase}, {@code add-to-cart}, ...
   * ({@code _} or {@code -}, any case).
   */
  static propensity.events.v1.EventType goalEvent(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      propensity.events.v1.EventType t = propensity.events.v1.EventType.valueOf("EVENT_TYPE_" + n);
      if (t != propensity.events.v1.EventType.EVENT_TYPE_UNSPECIFIED) {
        return t;
      }
    } catch (IllegalArgumentException unknown) {
      // reported below
    }
    throw new CliException("--goal " + name + " is not one of " + GOAL_EVENTS, 2);
  }

  /**
   * An instant given as ISO-8601 ({@code 2026-11-01T00:00:00Z}) or as an age ({@code 7d} = 7 days
   * ago).
   */
  static Instant instantOrAge(String option, String value, Instant now) {
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.minus(DurationConverter.parse(value));
      } catch (RuntimeException notAnAge) {
        throw new CliException(
            option
                + " "
                + value
                + " is neither an instant (2026-11-01T00:00:00Z) nor an age (7d, 12h)",
            2);
      }
    }
  }

  /** A replay speed: {@code 10x}, {@code 10}, {@code 0.5x}, or {@code max} (no waiting). */
  static double speed(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("max")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      double s = Double.parseDouble(v.endsWith("x") ? v.substring(0, v.length() - 1) : v);
      if (s > 0 && !Double.isInfinite(s)) {
        return s;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new CliException("--speed " + value + " is not a speed-up such as 10x, 0.5x or max", 2);
  }

  /**
   * " (--step)" when a request field a service refused is set by a command-line option, so the user
   * sees what to change; empty otherwise.
   */
  static String optionOf(String field) {
    String option =
        switch (field.replaceFirst("^spec\\.", "")) {
          case "target" -> "--target";
          case "horizon" -> "--horizon";
          case "rolling_cutoffs.start" -> "--from";
          case "rolling_cutoffs.end" -> "--to";
          case "rolling_cutoffs.step" -> "--step";
          case "rolling_cutoffs", "explicit_cutoffs.cutoffs" -> "--from, --to, --step";
          case "sample_limit" -> "--sample";
          case "split.test_fraction" -> "--test-fraction";
          case "split.strategy" -> "--split";
          case "tuning.folds" -> "--folds";
          case "tuning.max_trials" -> "--trials";
          default -> "";
        };
    return option.isEmpty() ? "" : " (" + option + ")";
  }

  static Duration positive(String option, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new CliException(option + " must be positive", 2);
    }
    return d;
  }
}
