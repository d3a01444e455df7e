package io.propensity.inference.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.labels.LabelDefinition;
import io.propensity.engine.labels.Labeler;
import io.propensity.engine.labels.Target;
import io.propensity.inference.outcomes.jdbc.JdbcOutcomeStore;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the outcome join promises on every backend of the served-prediction log; one subclass per
 * backend. Outcomes come from an in-memory event list labelled with feature-engine's {@link
 * Labeler} (what feature-service's GetOutcomes runs), and events can arrive late.
 */
public abstract class OutcomeJoinContract {
  static final Instant T0 = Instant.parse("2026-11-01T10:00:00.123456Z");
  static final Duration HORIZON = Duration.ofDays(1);
  static final Duration LAG = Duration.ofHours(1);
  static final LoggedSchema SCHEMA =
      new LoggedSchema(
          "hash-engine",
          List.of(
              new LoggedSchema.Feature("sessions_7d", Optional.of(FeatureType.COUNT), List.of())));

  /** A log store over an empty database. */
  protected abstract JdbcPredictionLogStore openEmpty();

  /** The same database opened again (a second replica). */
  protected abstract JdbcPredictionLogStore openAgain();

  JdbcPredictionLogStore log;
  OutcomeStore store;
  final List<Event> ingested = new CopyOnWriteArrayList<>();
  final List<Integer> callSizes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    log = openEmpty();
    store = new JdbcOutcomeStore(log.dataSource());
  }

  @AfterEach
  void close() {
    log.close();
  }

  /** Labels as feature-service does, over the events ingested so far. */
  final OutcomeSource source =
      (spec, queries) -> {
        callSizes.add(queries.size());
        Instant newest =
            ingested.stream().map(Event::occurredAt).max(Instant::compareTo).orElse(Instant.MIN);
        LabelDefinition def =
            spec.target() == Target.PURCHASE
                ? LabelDefinition.purchase(spec.horizon())
                : LabelDefinition.churn(spec.horizon());
        List<OutcomeStatus> out = new ArrayList<>();
        for (OutcomeSource.Query q : queries) {
          if (q.servedAt().plus(spec.horizon()).isAfter(newest)) {
            out.add(OutcomeStatus.NOT_FINAL);
            continue;
          }
          List<Event> history =
              ingested.stream().filter(e -> e.userId().equals(q.userId())).toList();
          out.add(
              Labeler.label(def, history, q.servedAt())
                  .map(p -> p ? OutcomeStatus.POSITIVE : OutcomeStatus.NEGATIVE)
                  .orElse(OutcomeStatus.NOT_ELIGIBLE));
        }
        return out;
      };

  final LabelSpecSource specs =
      (model, version) ->
          model.equals("purchase-1d")
              ? new LabelSpecSource.Found(new LabelSpec(Target.PURCHASE, HORIZON))
              : new LabelSpecSource.Missing("its lineage records no target");

  OutcomeJoiner joiner(OutcomeStore s, Instant now, int batch) {
    return new OutcomeJoiner(s, source, specs, LAG, batch, Clock.fixed(now, ZoneOffset.UTC));
  }

  static Event event(String user, Instant at, EventType type) {
    return Event.builder(user + "-" + at.toEpochMilli() + "-" + type, user, at, type).build();
  }

  static ServedPrediction served(
      String requestId, String user, Instant at, String model, String alias, double p) {
    return new ServedPrediction(
        requestId,
        0,
        at,
        ServedEndpoint.PREDICT,
        Optional.ofNullable(user),
        model,
        1,
        alias,
        SCHEMA,
        new double[] {1},
        p,
        p >= 0.5,
        0.5,
        false,
        List.of());
  }

  /** u0..u9 active before T0; the even ones buy 2 h after being served. */
  void plantTraffic() {
    List<ServedPrediction> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String user = "u" + i;
      Instant at = T0.plus(Duration.ofMinutes(i));
      ingested.add(event(user, at.minus(Duration.ofDays(2)), EventType.PAGE_VIEW));
      if (i % 2 == 0) {
        ingested.add(event(user, at.plus(Duration.ofHours(2)), EventType.PURCHASE));
      }
      batch.add(served("r" + i, user, at, "purchase-1d", "production", i % 2 == 0 ? 0.8 : 0.2));
      // the shadow answer: same request and row, another alias
      batch.add(served("r" + i, user, at, "purchase-1d", "challenger", 0.5));
    }
    log.append(batch);
    ingested.add(event("someone", T0.plus(Duration.ofDays(3)), EventType.PAGE_VIEW));
  }

  @Test
  void joinsEveryAnswerWhoseHorizonAndLagAreOverWithTheTrainingLabel() {
    plantTraffic();
    // 25 h after u0..u4 were served (+0..4 min) but not u5..: horizon 24 h + lag 1 h
    Instant now = T0.plus(HORIZON).plus(LAG).plus(Duration.ofMinutes(4).plusSeconds(30));
    OutcomeJoiner.Pass pass = joiner(store, now, 3).runOnce(b -> {});
    assertThat(pass.joined()).as("u0..u4, production and challenger").isEqualTo(10);
    assertThat(pass.positives()).as("u0, u2, u4 twice").isEqualTo(6);

    JoinedPredictions labeled = new JoinedPredictions(log, store);
    List<LabeledPrediction> got =
        labeled.servedBetween("purchase-1d", T0, T0.plus(Duration.ofDays(1)));
    assertThat(got).hasSize(10);
    assertThat(got)
        .allSatisfy(
            l ->
                assertThat(l.positive())
                    .isEqualTo(Integer.parseInt(l.served().userId().get().substring(1)) % 2 == 0));
    assertThat(got)
        .extracting(l -> l.served().modelAlias())
        .containsOnly("production", "challenger");
    assertThat(got.get(0).knownAt()).isEqualTo(T0.plus(HORIZON).plus(LAG));
    assertThat(got)
        .isSortedAccordingTo((a, b) -> a.served().servedAt().compareTo(b.served().servedAt()));

    // later: the rest, and the watermark keeps what was done (no second ask for u0..u4)
    callSizes.clear();
    OutcomeJoiner.Pass later = joiner(store, now.plus(Duration.ofHours(1)), 3).runOnce(b -> {});
    assertThat(later.joined()).isEqualTo(10);
    assertThat(callSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    assertThat(labeled.servedBetween("purchase-1d", T0, T0.plus(Duration.ofDays(1)))).hasSize(20);
  }

  @Test
  void anEventIngestedLateButInsideTheLagCounts() {
    ingested.add(event("late", T0.minus(Duration.ofDays(1)), EventType.PAGE_VIEW));
    log.append(List.of(served("r-late", "late", T0, "purchase-1d", "production", 0.9)));
    // the feature store has seen the horizon end, but not yet the purchase made at T0 + 23 h
    ingested.add(event("other", T0.plus(HORIZON).plusSeconds(60), EventType.PAGE_VIEW));
    OutcomeJoiner.Pass tooEarly =
        joiner(store, T0.plus(HORIZON).plus(Duration.ofMinutes(30)), 100).runOnce(b -> {});
    assertThat(tooEarly.joined()).as("inside the lag nothing is joined").isZero();

    // the purchase arrives 40 minutes after the horizon ended (inside the 1 h lag)
    ingested.add(event("late", T0.plus(Duration.ofHours(23)), EventType.PURCHASE));
    OutcomeJoiner.Pass pass =
        joiner(store, T0.plus(HORIZON).plus(LAG).plusSeconds(1), 100).runOnce(b -> {});
    assertThat(pass.joined()).isEqualTo(1);
    assertThat(pass.positives()).as("the late purchase counts").isEqualTo(1);
  }

  @Test
  void aNotYetFinalOutcomeIsAskedAgainAndRowsCommittedOutOfOrderAreNotSkipped() {
    ingested.add(event("a", T0.minus(Duration.ofDays(1)), EventType.PAGE_VIEW));
    ingested.add(event("b", T0.minus(Duration.ofDays(1)), EventType.PAGE_VIEW));
    // b (served later) commits first: its row id is smaller
    log.append(List.of(served("rb", "b", T0.plusSeconds(10), "purchase-1d", "production", 0.3)));
    log.append(List.of(served("ra", "a", T0, "purchase-1d", "production", 0.3)));
    Instant now = T0.plus(HORIZON).plus(LAG).plus(Duration.ofMinutes(5));
    OutcomeJoiner.Pass notFinal = joiner(store, now, 100).runOnce(b -> {});
    assertThat(notFinal.joined()).as("the store has no event past the horizon yet").isZero();

    ingested.add(event("other", T0.plus(Duration.ofDays(2)), EventType.PAGE_VIEW));
    OutcomeJoiner.Pass pass = joiner(store, now, 1).runOnce(b -> {});
    assertThat(pass.joined()).isEqualTo(2);
    assertThat(new JoinedPredictions(log, store).servedBetween("purchase-1d", T0, now))
        .extracting(l -> l.served().userId().get())
        .containsExactly("a", "b");
  }

  @Test
  void aVersionWithoutTargetOrHorizonIsSkippedAndSaidSo() {
    ingested.add(event("a", T0.minus(Duration.ofDays(1)), EventType.PAGE_VIEW));
    ingested.add(event("other", T0.plus(Duration.ofDays(2)), EventType.PAGE_VIEW));
    log.append(List.of(served("r", "a", T0, "tabular", "production", 0.3)));
    OutcomeJoiner.Pass pass = joiner(store, T0.plus(Duration.ofDays(3)), 100).runOnce(b -> {});
    assertThat(pass.joined()).isZero();
    assertThat(pass.skipped()).containsExactly(new OutcomeStore.VersionKey("tabular", 1));
  }

  @Test
  void twoReplicasJoiningAtOnceStoreEachOutcomeOnce() throws Exception {
    plantTraffic();
    Instant now = T0.plus(Duration.ofDays(2));
    JdbcPredictionLogStore second = openAgain();
    try {
      OutcomeStore other = new JdbcOutcomeStore(second.dataSource());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<OutcomeJoiner.Pass> a = pool.submit(() -> joiner(store, now, 2).runOnce(b -> {}));
        Future<OutcomeJoiner.Pass> b = pool.submit(() -> joiner(other, now, 3).runOnce(x -> {}));
        // each may store some outcomes the other stores too (idempotent); together, all of them
        assertThat(a.get().joined() + b.get().joined()).isBetween(20L, 40L);
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.outcomes("purchase-1d", T0, now)).hasSize(20);
      assertThat(new JoinedPredictions(log, store).servedBetween("purchase-1d", T0, now))
          .hasSize(20);
      OutcomeStore.Mark mark =
          store.watermark(new OutcomeStore.VersionKey("purchase-1d", 1)).orElseThrow();
      assertThat(mark.servedAtMicros())
          .isEqualTo(
              java.time.temporal.ChronoUnit.MICROS.between(
                  Instant.EPOCH, T0.plus(Duration.ofMinutes(9))));
    } finally {
      second.close();
    }
  }
}
