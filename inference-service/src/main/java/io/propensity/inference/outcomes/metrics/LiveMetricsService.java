package io.propensity.inference.outcomes.metrics;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.outcomes.LabeledPredictions;
import io.propensity.inference.outcomes.OutcomeStore;
import io.propensity.inference.predictionlog.ServedPrediction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
  private final Map<String, Map<LocalDate, CachedDay>> cache = new HashMap<>();

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

  /**
   * Whole-range metrics per version and alias over the UTC days {@code [start, end]} (what the
   * Prometheus gauges show), reloading from the log only the days whose joined outcomes changed
   * since the previous call for this model ({@link OutcomeStore#dayFingerprints}); other days come
   * from this service's cache, which keeps per labelled row only what the metrics need. Days
   * leaving the range are dropped from the cache.
   */
  public synchronized Refresh overallRefreshed(String model, LocalDate start, LocalDate end) {
    Instant from = start.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Optional<Map<LocalDate, OutcomeStore.DayFingerprint>> prints =
        outcomes.dayFingerprints(model, from, to);
    Map<LocalDate, CachedDay> days = cache.computeIfAbsent(model, k -> new HashMap<>());
    days.keySet().removeIf(d -> d.isBefore(start) || d.isAfter(end));
    int reloaded = 0;
    int reused = 0;
    if (prints.isEmpty()) {
      days.clear();
      Map<LocalDate, List<LabeledPrediction>> byDay = new HashMap<>();
      for (LabeledPrediction l : labeled.servedBetween(model, from, to)) {
        byDay
            .computeIfAbsent(
                LocalDate.ofInstant(l.served().servedAt(), ZoneOffset.UTC), k -> new ArrayList<>())
            .add(slim(l));
      }
      byDay.forEach((d, rows) -> days.put(d, new CachedDay(Optional.empty(), rows)));
      reloaded = byDay.size();
    } else {
      days.keySet().removeIf(d -> !prints.get().containsKey(d));
      for (Map.Entry<LocalDate, OutcomeStore.DayFingerprint> e : prints.get().entrySet()) {
        CachedDay cached = days.get(e.getKey());
        if (cached != null && cached.fingerprint().equals(Optional.of(e.getValue()))) {
          reused++;
          continue;
        }
        Instant dayStart = e.getKey().atStartOfDay(ZoneOffset.UTC).toInstant();
        List<LabeledPrediction> rows = new ArrayList<>();
        for (LabeledPrediction l :
            labeled.servedBetween(model, dayStart, dayStart.plus(Duration.ofDays(1)))) {
          rows.add(slim(l));
        }
        days.put(e.getKey(), new CachedDay(Optional.of(e.getValue()), rows));
        reloaded++;
      }
    }
    Map<GroupKey, List<LabeledPrediction>> overall = new TreeMap<>();
    List<LocalDate> ordered = new ArrayList<>(days.keySet());
    ordered.sort(Comparator.naturalOrder());
    for (LocalDate d : ordered) {
      for (LabeledPrediction l : days.get(d).rows()) {
        overall
            .computeIfAbsent(
                new GroupKey(LocalDate.MIN, l.served().modelVersion(), l.served().modelAlias()),
                k -> new ArrayList<>())
            .add(l);
      }
    }
    List<LiveMetric> out = new ArrayList<>();
    overall.forEach((k, v) -> out.add(LiveStatistics.of(k.version, k.alias, Optional.empty(), v)));
    return new Refresh(out, reloaded, reused);
  }

  /**
   * What {@link #overallRefreshed} computed.
   *
   * @param overall whole-range metrics per version and alias
   * @param daysReloaded days read again from the log (new, or their outcomes changed)
   * @param daysReused days taken from the cache unchanged
   */
  public record Refresh(List<LiveMetric> overall, int daysReloaded, int daysReused) {}

  private record CachedDay(
      Optional<OutcomeStore.DayFingerprint> fingerprint, List<LabeledPrediction> rows) {}

  private static final double[] NO_VALUES = new double[0];

  /** The row with only what the metrics read: no feature values, factors or request id. */
  private static LabeledPrediction slim(LabeledPrediction l) {
    ServedPrediction p = l.served();
    return new LabeledPrediction(
        new ServedPrediction(
            "",
            0,
            p.servedAt(),
            p.endpoint(),
            Optional.empty(),
            p.modelName(),
            p.modelVersion(),
            p.modelAlias(),
            p.schema(),
            NO_VALUES,
            p.probability(),
            p.decision(),
            p.threshold(),
            p.coldStart(),
            List.of()),
        l.positive(),
        l.knownAt());
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
