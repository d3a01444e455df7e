package io.propensity.inference.drift;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The drift of one model version over a window: PSI per feature and of the score against the
 * version's training reference.
 *
 * @param modelName model
 * @param modelVersion version
 * @param status whether indices were computed
 * @param reason why the status is not {@link Status#AVAILABLE}; empty when it is
 * @param windowStart start of the window (inclusive)
 * @param windowEnd end of the window (exclusive)
 * @param rowsUsed logged predictions compared
 * @param rowsWithoutValues logged predictions without feature values, skipped
 * @param referenceRows training rows of the reference; 0 without one
 * @param minRows rows needed for {@link Status#AVAILABLE}
 * @param score the score's distribution; empty when unavailable
 * @param features one per feature of the reference, largest PSI first
 */
public record DriftReport(
    String modelName,
    long modelVersion,
    Status status,
    String reason,
    Instant windowStart,
    Instant windowEnd,
    long rowsUsed,
    long rowsWithoutValues,
    long referenceRows,
    long minRows,
    Optional<Distribution> score,
    List<Distribution> features) {

  /** Whether a report holds indices. */
  public enum Status {
    /** Computed on enough rows. */
    AVAILABLE,
    /** No reference (or no log): nothing computed. */
    UNAVAILABLE,
    /** Computed, on fewer rows than {@code min-rows}. */
    TOO_FEW_ROWS
  }

  public DriftReport {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(score, "score");
    features = List.copyOf(features);
  }

  /** A report without indices, saying why. */
  static DriftReport unavailable(
      String name, long version, String reason, Instant from, Instant to, long minRows) {
    return new DriftReport(
        name,
        version,
        Status.UNAVAILABLE,
        reason,
        from,
        to,
        0,
        0,
        0,
        minRows,
        Optional.empty(),
        List.of());
  }

  /** The largest feature PSI; 0 without features. */
  public double maxFeaturePsi() {
    return features.isEmpty() ? 0 : features.get(0).psi();
  }

  /**
   * A reference distribution and its live counterpart.
   *
   * @param name feature name, or {@code score}
   * @param psi population stability index
   * @param labels the bins' names
   * @param referenceShares training share per bin
   * @param liveShares the window's share per bin
   * @param liveCounts the window's rows per bin
   * @param absentLive the live vectors lacked this feature
   */
  public record Distribution(
      String name,
      double psi,
      List<String> labels,
      double[] referenceShares,
      double[] liveShares,
      long[] liveCounts,
      boolean absentLive) {
    public Distribution {
      labels = List.copyOf(labels);
      referenceShares = referenceShares.clone();
      liveShares = liveShares.clone();
      liveCounts = liveCounts.clone();
    }
  }
}
