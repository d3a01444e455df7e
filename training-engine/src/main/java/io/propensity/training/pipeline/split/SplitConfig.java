package io.propensity.training.pipeline.split;

import java.time.Duration;
import java.util.Objects;

/**
 * How to cut a dataset into train, validation and test.
 *
 * @param mode AUTO = as predefined when every row names its part, else by time when every row has a
 *     cutoff, else stratified
 * @param testFraction share of rows for the test set, in (0, 0.9]
 * @param validationFraction share of the remaining (non-test) rows for validation, in (0, 0.9]
 * @param purgeGap time split only: train rows need a cutoff at least this long before the first
 *     test cutoff (set it to the label horizon so no training label window overlaps the test
 *     period)
 * @param seed seed for the stratified shuffles
 */
public record SplitConfig(
    SplitMode mode, double testFraction, double validationFraction, Duration purgeGap, long seed) {

  /** How rows are assigned to the parts. */
  public enum SplitMode {
    AUTO,
    TIME,
    STRATIFIED,
    /** Each row names its part (e.g. a CSV split column); fractions and purge gap do not apply. */
    PREDEFINED
  }

  public SplitConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(purgeGap, "purgeGap");
    if (!(testFraction > 0 && testFraction <= 0.9)) {
      throw new IllegalArgumentException("testFraction must be in (0, 0.9], was " + testFraction);
    }
    if (!(validationFraction > 0 && validationFraction <= 0.9)) {
      throw new IllegalArgumentException(
          "validationFraction must be in (0, 0.9], was " + validationFraction);
    }
    if (purgeGap.isNegative()) {
      throw new IllegalArgumentException("purgeGap must not be negative");
    }
  }

  /**
   * This split with a purge gap of at least {@code gap} (a gap of zero or less changes nothing).
   */
  public SplitConfig withPurgeGapAtLeast(Duration gap) {
    return gap.compareTo(purgeGap) <= 0
        ? this
        : new SplitConfig(mode, testFraction, validationFraction, gap, seed);
  }

  /** 20 % test, 15 % of the rest for validation, by time when possible, no purge gap. */
  public static SplitConfig defaults(long seed) {
    return new SplitConfig(SplitMode.AUTO, 0.2, 0.15, Duration.ZERO, seed);
  }
}
