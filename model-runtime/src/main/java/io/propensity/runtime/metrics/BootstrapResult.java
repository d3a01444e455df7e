package io.propensity.runtime.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Bootstrap intervals of several scorers on the same rows, and paired intervals of the first
 * scorer's lead over each other one, computed by {@link Bootstrap}.
 *
 * @param settings resamples, level and seed
 * @param unit what was resampled: rows, or clusters of rows (a user's rows at several cutoffs)
 * @param units how many rows or clusters there were to draw from
 * @param subject the first scorer, whose lead the differences measure
 * @param intervals per scorer (in the order given), the interval of each metric
 * @param differences per other scorer (in the order given), the interval of {@code subject − that
 *     scorer} for each metric, on the same resamples (paired); for log loss and Brier a negative
 *     difference means the subject is better
 */
public record BootstrapResult(
    BootstrapSettings settings,
    Unit unit,
    int units,
    String subject,
    Map<String, Map<IntervalMetric, ConfidenceInterval>> intervals,
    Map<String, Map<IntervalMetric, ConfidenceInterval>> differences) {

  /** What a bootstrap resamples. */
  public enum Unit {
    /** Rows, independently. */
    ROWS,
    /** Clusters of rows (all rows of one user), each drawn with all its rows. */
    CLUSTERS
  }

  public BootstrapResult {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(subject, "subject");
    intervals = copy(intervals);
    differences = copy(differences);
  }

  private static Map<String, Map<IntervalMetric, ConfidenceInterval>> copy(
      Map<String, Map<IntervalMetric, ConfidenceInterval>> m) {
    Map<String, Map<IntervalMetric, ConfidenceInterval>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new EnumMap<>(v))));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The interval of {@code metric} for {@code scorer}.
   *
   * @throws IllegalArgumentException when no scorer has that name
   */
  public ConfidenceInterval interval(String scorer, IntervalMetric metric) {
    return find(intervals, scorer, "scorer").get(metric);
  }

  /**
   * The paired interval of {@code subject − reference} on {@code metric}.
   *
   * @throws IllegalArgumentException when {@code reference} is not one of the other scorers
   */
  public ConfidenceInterval difference(String reference, IntervalMetric metric) {
    return find(differences, reference, "reference").get(metric);
  }

  private static Map<IntervalMetric, ConfidenceInterval> find(
      Map<String, Map<IntervalMetric, ConfidenceInterval>> m, String name, String what) {
    Map<IntervalMetric, ConfidenceInterval> v = m.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "no " + what + " named '" + name + "'; have " + m.keySet());
    }
    return v;
  }

  /** How the intervals were made, in words, e.g. "1000 resamples of 412 users, 95% percentile". */
  public String describe() {
    return settings.resamples()
        + " resamples of "
        + units
        + (unit == Unit.CLUSTERS ? " users (all rows of a user drawn together)" : " rows")
        + ", "
        + settings.levelPercent()
        + " percentile intervals, seed "
        + settings.seed();
  }
}
