package io.propensity.inference.outcomes;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outcomes joined to the served-prediction log, in the log's own database (table {@code
 * served_outcomes}, migration V2), with one watermark per model version. Writes are idempotent
 * upserts and watermarks only move forward, so replicas sharing PostgreSQL may join concurrently.
 */
public interface OutcomeStore {

  /** The model versions the log holds predictions of. */
  List<VersionKey> servedVersions();

  /**
   * Log rows of one version served after {@code after} (by served time, then row id: rows commit
   * out of order, but none is still uncommitted long after it was served) and before {@code
   * before}, oldest first.
   */
  List<Served> servedAfter(VersionKey version, Mark after, Instant before, int limit);

  /** Stores (or restores) final outcomes. */
  void upsert(List<Joined> outcomes);

  /** The version's watermark: everything served up to it is joined. */
  Optional<Mark> watermark(VersionKey version);

  /** Moves the version's watermark forward to {@code mark} (never back). */
  void advance(VersionKey version, Mark mark, Instant now);

  /** The final outcomes of one model's predictions served in {@code [from, to)}, by key. */
  Map<ServedKey, Joined> outcomes(String modelName, Instant from, Instant to);

  /**
   * A fingerprint of each UTC day's outcomes of {@code modelName} served in {@code [from, to)}: a
   * day whose fingerprint is unchanged holds the same outcomes, so live metrics need not reload it.
   * Empty when the store cannot tell (then every day is reloaded).
   */
  default Optional<Map<LocalDate, DayFingerprint>> dayFingerprints(
      String modelName, Instant from, Instant to) {
    return Optional.empty();
  }

  /**
   * What changes when a day's outcomes change: an outcome added, or an upsert changing its status
   * or the time it became final.
   *
   * @param rows outcomes
   * @param positives positive ones
   * @param negatives negative ones
   * @param knownAtSeconds sum of the times they became final, seconds since the epoch
   * @param latestKnownAtMicros the latest of those times
   */
  record DayFingerprint(
      long rows, long positives, long negatives, long knownAtSeconds, long latestKnownAtMicros) {}

  /** A model version. */
  record VersionKey(String modelName, long version) {}

  /** A position in the log by served time: micros since the epoch, then row id. */
  record Mark(long servedAtMicros, long rowId) implements Comparable<Mark> {
    /** Before every row. */
    public static final Mark START = new Mark(Long.MIN_VALUE, Long.MIN_VALUE);

    @Override
    public int compareTo(Mark o) {
      int c = Long.compare(servedAtMicros, o.servedAtMicros);
      return c != 0 ? c : Long.compare(rowId, o.rowId);
    }
  }

  /** What identifies a logged answer across replicas. */
  record ServedKey(
      String requestId, int rowIndex, String modelAlias, long modelVersion, long servedAtMicros) {}

  /** A logged answer to be joined. */
  record Served(Mark mark, ServedKey key, Optional<String> userId, Instant servedAt) {}

  /**
   * A final outcome.
   *
   * @param key the answer
   * @param modelName its model
   * @param status positive, negative or not eligible
   * @param knownAt when it became final: served + horizon + lag
   */
  record Joined(ServedKey key, String modelName, OutcomeStatus status, Instant knownAt) {}
}
