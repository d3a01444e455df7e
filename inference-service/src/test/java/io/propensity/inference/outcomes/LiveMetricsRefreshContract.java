package io.propensity.inference.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.inference.outcomes.OutcomeStore.Joined;
import io.propensity.inference.outcomes.OutcomeStore.ServedKey;
import io.propensity.inference.outcomes.jdbc.JdbcOutcomeStore;
import io.propensity.inference.outcomes.metrics.LiveMetricsQuery;
import io.propensity.inference.outcomes.metrics.LiveMetricsService;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gauges' live metrics reload only the days whose joined outcomes changed, and equal the full
 * computation; one subclass per backend. Set {@code -Dlive.refresh.bench.rows=200000} to also time
 * a full reload against an unchanged incremental pass on a planted table.
 */
public abstract class LiveMetricsRefreshContract {
  static final String MODEL = "purchase-7d";
  static final LocalDate TODAY = LocalDate.parse("2026-12-08");
  static final LoggedSchema SCHEMA = new LoggedSchema("h-refresh", List.of());

  protected abstract JdbcPredictionLogStore openEmpty();

  JdbcPredictionLogStore log;
  OutcomeStore store;
  CountingPredictions counting;
  LiveMetricsService service;
  final Random random = new Random(5);
  int next;

  @BeforeEach
  void open() {
    log = openEmpty();
    store = new JdbcOutcomeStore(log.dataSource());
    counting = new CountingPredictions(new JoinedPredictions(log, store));
    service =
        new LiveMetricsService(
            counting,
            store,
            Clock.fixed(TODAY.atTime(12, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    log.close();
  }

  /** Counts and records every read of labelled predictions. */
  static final class CountingPredictions implements LabeledPredictions {
    final LabeledPredictions inner;
    final List<Instant> readFrom = new CopyOnWriteArrayList<>();
    long rowsRead;

    CountingPredictions(LabeledPredictions inner) {
      this.inner = inner;
    }

    @Override
    public List<LabeledPrediction> servedBetween(String modelName, Instant from, Instant to) {
      readFrom.add(from);
      List<LabeledPrediction> out = inner.servedBetween(modelName, from, to);
      rowsRead += out.size();
      return out;
    }
  }

  /** Logs {@code n} production and challenger answers served on {@code day}, with outcomes. */
  List<Joined> plant(LocalDate day, int n) {
    List<ServedPrediction> served = new ArrayList<>();
    List<Joined> joined = new ArrayList<>();
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    for (int i = 0; i < n; i++) {
      boolean y = random.nextDouble() < 0.3;
      Instant at = start.plusMillis(random.nextInt(86_400_000));
      String request = "r" + next++;
      for (String alias : List.of("production", "challenger")) {
        long version = alias.equals("production") ? 1 : 2;
        double p =
            1
                / (1
                    + Math.exp(
                        -((alias.equals("production") ? 0.5 : 2.0) * (y ? 1 : 0)
                            + random.nextGaussian())));
        served.add(
            new ServedPrediction(
                request,
                0,
                at,
                ServedEndpoint.PREDICT,
                Optional.of("u" + i),
                MODEL,
                version,
                alias,
                SCHEMA,
                new double[0],
                p,
                p >= 0.5,
                0.5,
                false,
                List.of()));
        joined.add(
            new Joined(
                new ServedKey(
                    request, 0, alias, version, ChronoUnit.MICROS.between(Instant.EPOCH, at)),
                MODEL,
                y ? OutcomeStatus.POSITIVE : OutcomeStatus.NEGATIVE,
                at.plus(Duration.ofDays(1))));
      }
      if (served.size() >= 2000) {
        log.append(served);
        served.clear();
      }
    }
    log.append(served);
    for (int i = 0; i < joined.size(); i += 2000) {
      store.upsert(joined.subList(i, Math.min(joined.size(), i + 2000)));
    }
    return joined;
  }

  LiveMetricsService.Refresh refresh(LocalDate start, LocalDate end) {
    counting.readFrom.clear();
    return service.overallRefreshed(MODEL, start, end);
  }

  void assertSameAsAFullComputation(LiveMetricsService.Refresh r, LocalDate start, LocalDate end) {
    assertThat(r.overall())
        .isEqualTo(
            service
                .metrics(
                    new LiveMetricsQuery(
                        MODEL,
                        OptionalLong.empty(),
                        Optional.empty(),
                        Optional.of(start),
                        Optional.of(end)))
                .overall());
  }

  @Test
  void onlyDaysWhoseOutcomesChangedAreReloaded() {
    LocalDate start = TODAY.minusDays(6);
    List<List<Joined>> byDay = new ArrayList<>();
    for (int d = 0; d < 7; d++) {
      byDay.add(plant(start.plusDays(d), 60));
    }

    LiveMetricsService.Refresh first = refresh(start, TODAY);
    assertThat(first.daysReloaded()).isEqualTo(7);
    assertThat(counting.readFrom).hasSize(7);
    assertThat(first.overall()).hasSize(2);
    assertSameAsAFullComputation(first, start, TODAY);

    LiveMetricsService.Refresh unchanged = refresh(start, TODAY);
    assertThat(unchanged.daysReloaded()).isZero();
    assertThat(unchanged.daysReused()).isEqualTo(7);
    assertThat(counting.readFrom).as("nothing read from the log").isEmpty();
    assertThat(unchanged.overall()).isEqualTo(first.overall());

    // new answers joined on day 4; one outcome of day 2 changes status
    plant(start.plusDays(4), 10);
    Joined flipped = byDay.get(2).get(0);
    store.upsert(
        List.of(
            new Joined(
                flipped.key(),
                MODEL,
                flipped.status() == OutcomeStatus.POSITIVE
                    ? OutcomeStatus.NEGATIVE
                    : OutcomeStatus.POSITIVE,
                flipped.knownAt())));
    LiveMetricsService.Refresh changed = refresh(start, TODAY);
    assertThat(changed.daysReloaded()).isEqualTo(2);
    assertThat(changed.daysReused()).isEqualTo(5);
    assertThat(counting.readFrom)
        .containsExactlyInAnyOrder(
            start.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant(),
            start.plusDays(4).atStartOfDay(ZoneOffset.UTC).toInstant());
    assertThat(changed.overall()).isNotEqualTo(first.overall());
    assertSameAsAFullComputation(changed, start, TODAY);

    // the range moves on a day: the oldest day leaves, nothing is read again
    LiveMetricsService.Refresh moved = refresh(start.plusDays(1), TODAY.plusDays(1));
    assertThat(moved.daysReloaded()).isZero();
    assertThat(moved.daysReused()).isEqualTo(6);
    assertThat(counting.readFrom).isEmpty();
    assertSameAsAFullComputation(moved, start.plusDays(1), TODAY.plusDays(1));
  }

  @Test
  void benchFullReloadAgainstAnUnchangedIncrementalPass() {
    String rows = System.getProperty("live.refresh.bench.rows", "");
    Assumptions.assumeTrue(!rows.isBlank(), "set -Dlive.refresh.bench.rows=N to run the bench");
    int total = Integer.parseInt(rows);
    LocalDate start = TODAY.minusDays(6);
    long plantStart = System.nanoTime();
    for (int d = 0; d < 7; d++) {
      // total joined rows = requests x 2 aliases
      plant(start.plusDays(d), total / 14);
    }
    double plantSeconds = (System.nanoTime() - plantStart) / 1e9;
    LiveMetricsQuery q =
        new LiveMetricsQuery(
            MODEL, OptionalLong.empty(), Optional.empty(), Optional.of(start), Optional.of(TODAY));
    int reps = 5;
    double[] full = new double[reps];
    double[] unchanged = new double[reps];
    double[] oneDay = new double[reps];
    refresh(start, TODAY); // fills the cache
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      service.metrics(q);
      full[i] = (System.nanoTime() - t0) / 1e6;
      t0 = System.nanoTime();
      LiveMetricsService.Refresh r = refresh(start, TODAY);
      unchanged[i] = (System.nanoTime() - t0) / 1e6;
      assertThat(r.daysReloaded()).isZero();
      plant(TODAY, 50); // today's new outcomes: one day changes
      t0 = System.nanoTime();
      r = refresh(start, TODAY);
      oneDay[i] = (System.nanoTime() - t0) / 1e6;
      assertThat(r.daysReloaded()).isEqualTo(1);
    }
    System.out.printf(
        Locale.ROOT,
        "LIVE-REFRESH-BENCH backend=%s joined_rows=%d planted_in=%.1fs full_ms=%s"
            + " unchanged_ms=%s one_day_changed_ms=%s load=%s%n",
        log.dialect(),
        total,
        plantSeconds,
        java.util.Arrays.toString(round(full)),
        java.util.Arrays.toString(round(unchanged)),
        java.util.Arrays.toString(round(oneDay)),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static long[] round(double[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.round(v[i]);
    }
    return out;
  }
}
