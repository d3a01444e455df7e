package io.propensity.inference.outcomes.metrics;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.outcomes.LabeledPredictions;
import io.propensity.inference.outcomes.OutcomeStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Live metrics per model version, alias and UTC day from the labelled served predictions. */
public final class LiveMetricsService {
  /** Longest day range of one request. */
  public static final int MAX_DAYS = 366;

  private final LabeledPredictions labeled;
  private final OutcomeStore outcomes;
  private final Clock clock;

  public LiveMetricsService(LabeledPredictions labeled, OutcomeStore outcomes, Clock clock) {
    this.labeled = labeled;
    this.outcomes = outcomes;
    this.clock = clock;
  }

  /**
   * The metrics the query asks for.
   *
   * @throws InvalidInputException naming every bad field
   */
  public LiveMetricsReport metrics(LiveMetricsQuery q) {
    List<FieldError> errors = new ArrayList<>();
    if (q.modelName().isBlank()) {
      errors.add(new FieldError("model_name", "is required"));
    }
    if (q.modelVersion().isPresent() && q.modelVersion().getAsLong() < 0) {
      errors.add(
          new FieldError(
              "model_version", q.modelVersion().getAsLong() + " is negative; use 0 (all) or more"));
    }
    LocalDate end = q.endDay().orElse(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    LocalDate start = q.startDay().orElse(end.minusDays(29));
    if (end.isBefore(start)) {
      errors.add(
          new FieldError(
              "end_day", end + " is before start_day " + start + "; give an end at or after it"));
    } else if (ChronoUnit.DAYS.between(start, end) + 1 > MAX_DAYS) {
      errors.add(
          new FieldError(
              "start_day",
              (ChronoUnit.DAYS.between(start, end) + 1)
                  + " days from "
                  + start
                  + " to "
                  + end
                  + ", at most "
                  + MAX_DAYS
                  + "; use a start of "
                  + end.minusDays(MAX_DAYS - 1)
                  + " or later"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException("invalid live metrics request: " + errors.get(0), errors);
    }
    Instant from = start.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<GroupKey, List<LabeledPrediction>> daily = new TreeMap<>();
    Map<GroupKey, List<LabeledPrediction>> overall = new TreeMap<>();
    for (LabeledPrediction l : labeled.servedBetween(q.modelName(), from, to)) {
      long version = l.served().modelVersion();
      String alias = l.served().modelAlias();
      if (q.modelVersion().isPresent()
          && q.modelVersion().getAsLong() != 0
          && q.modelVersion().getAsLong() != version) {
        continue;
      }
      if (q.modelAlias().isPresent() && !q.modelAlias().get().equals(alias)) {
        continue;
      }
      LocalDate day = LocalDate.ofInstant(l.served().servedAt(), ZoneOffset.UTC);
      daily.computeIfAbsent(new GroupKey(day, version, alias), k -> new ArrayList<>()).add(l);
      overall
          .computeIfAbsent(new GroupKey(LocalDate.MIN, version, alias), k -> new ArrayList<>())
          .add(l);
    }
    List<LiveMetric> dailyOut = new ArrayList<>();
    daily.forEach(
        (k, v) -> dailyOut.add(LiveStatistics.of(k.version, k.alias, Optional.of(k.day), v)));
    List<LiveMetric> overallOut = new ArrayList<>();
    overall.forEach(
        (k, v) -> overallOut.add(LiveStatistics.of(k.version, k.alias, Optional.empty(), v)));
    Optional<Instant> joinedUntil =
        outcomes.servedVersions().stream()
            .filter(v -> v.modelName().equals(q.modelName()))
            .map(v -> outcomes.watermark(v))
            .flatMap(Optional::stream)
            .map(m -> Instant.EPOCH.plus(m.servedAtMicros(), ChronoUnit.MICROS))
            .min(Comparator.naturalOrder());
    return new LiveMetricsReport(q.modelName(), start, end, dailyOut, overallOut, joinedUntil);
  }

  private record GroupKey(LocalDate day, long version, String alias)
      implements Comparable<GroupKey> {
    @Override
    public int compareTo(GroupKey o) {
      return Comparator.comparing(GroupKey::day)
          .thenComparingLong(GroupKey::version)
          .thenComparing(GroupKey::alias)
          .compare(this, o);
    }
  }
}
