package io.propensity.inference.challenge;

import static io.propensity.inference.challenge.Answers.labeled;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.inference.challenge.DecisionHistory.RecordedDecision;
import io.propensity.inference.challenge.SimulatedWeekPromotionTest.InMemoryAliases;
import io.propensity.inference.challenge.SimulatedWeekPromotionTest.InMemoryOutcomes;
import io.propensity.inference.challenge.jdbc.JdbcDecisionHistory;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import io.propensity.inference.testing.MovableClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The promotion history shared by replicas, on every backend of the served-prediction log: two
 * policies on one database (two replicas, each its own connection pool) decide each run once
 * between them, and read the same history.
 */
public abstract class DecisionHistoryContract {
  static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
  static final Duration INTERVAL = Duration.ofHours(1);

  /** A log store over an empty database. */
  protected abstract JdbcPredictionLogStore openEmpty();

  /** The same database opened again (a second replica). */
  protected abstract JdbcPredictionLogStore openAgain();

  JdbcPredictionLogStore a;
  JdbcPredictionLogStore b;

  @BeforeEach
  void open() {
    a = openEmpty();
    b = openAgain();
  }

  @AfterEach
  void close() {
    b.close();
    a.close();
  }

  static PromotionSettings settings() {
    return new PromotionSettings(
        "production",
        "challenger",
        "previous",
        "rejected",
        Duration.ofDays(30),
        200,
        20,
        ComparisonMetric.ROC_AUC,
        0.0,
        0.05,
        200,
        9);
  }

  /** 600 paired rows; the challenger separates the outcomes much better than production. */
  static InMemoryOutcomes betterChallenger(MovableClock clock) {
    InMemoryOutcomes outcomes = new InMemoryOutcomes(clock);
    Random r = new Random(11);
    for (int i = 0; i < 600; i++) {
      boolean y = r.nextDouble() < 0.25;
      double p = 1 / (1 + Math.exp(-(0.2 * (y ? 1 : 0) + r.nextGaussian())));
      double c = 1 / (1 + Math.exp(-(2.5 * (y ? 1 : 0) + r.nextGaussian())));
      Instant at = T.plusSeconds(60L * i);
      outcomes.add(labeled("q" + i, 0, at, "u" + i, "production", 1, p, 0.5, y));
      outcomes.add(labeled("q" + i, 0, at, "u" + i, "challenger", 2, c, 0.5, y));
    }
    return outcomes;
  }

  PromotionPolicy policy(
      JdbcPredictionLogStore store,
      InMemoryOutcomes outcomes,
      InMemoryAliases aliases,
      MovableClock clock,
      String replica) {
    return new PromotionPolicy(
        outcomes,
        aliases,
        settings(),
        clock,
        new SimpleMeterRegistry(),
        Optional.of(new JdbcDecisionHistory(store.dataSource())),
        replica,
        INTERVAL);
  }

  @Test
  void twoReplicasDecideEachRunOnceAndReportTheSameHistory() throws Exception {
    MovableClock clock = new MovableClock(T.plus(Duration.ofDays(8)).plusSeconds(17));
    InMemoryOutcomes outcomes = betterChallenger(clock);
    InMemoryAliases registry = new InMemoryAliases();
    registry.set("production", 1);
    registry.set("challenger", 2);
    PromotionPolicy first = policy(a, outcomes, registry, clock, "replica-a");
    PromotionPolicy second = policy(b, outcomes, registry, clock, "replica-b");

    int runs = 6;
    List<String> deciders = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int run = 0; run < runs; run++) {
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Optional<PromotionDecision>> fa =
            pool.submit(
                () -> {
                  together.await(10, TimeUnit.SECONDS);
                  return first.decideIfClaimed("purchase");
                });
        Future<Optional<PromotionDecision>> fb =
            pool.submit(
                () -> {
                  together.await(10, TimeUnit.SECONDS);
                  return second.decideIfClaimed("purchase");
                });
        Optional<PromotionDecision> da = fa.get(60, TimeUnit.SECONDS);
        Optional<PromotionDecision> db = fb.get(60, TimeUnit.SECONDS);
        assertThat(da.isPresent() ^ db.isPresent())
            .as("exactly one replica decides run %d: a=%s b=%s", run, da, db)
            .isTrue();
        deciders.add(da.isPresent() ? "replica-a" : "replica-b");
        // the next run: one interval later, a few seconds apart on each replica
        clock.set(clock.instant().plus(INTERVAL));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(rows(a, "promotion_decisions")).isEqualTo(runs);
    List<RecordedDecision> seenByA = first.history("purchase", 100);
    List<RecordedDecision> seenByB = second.history("purchase", 100);
    assertThat(seenByA).hasSize(runs).isEqualTo(seenByB);
    // oldest run promoted v2; every later run found production already on v2 and held
    RecordedDecision oldest = seenByA.get(runs - 1);
    assertThat(oldest.decision().kind()).isEqualTo(DecisionKind.PROMOTE);
    assertThat(oldest.decision().resultingProductionVersion()).isEqualTo(2);
    assertThat(oldest.metric()).isEqualTo(ComparisonMetric.ROC_AUC);
    assertThat(oldest.difference().getAsDouble()).isPositive();
    assertThat(oldest.lower().getAsDouble()).isPositive();
    assertThat(seenByA.subList(0, runs - 1))
        .allSatisfy(r -> assertThat(r.decision().kind()).isEqualTo(DecisionKind.HOLD));
    assertThat(registry.get("production")).isEqualTo(2);
    assertThat(registry.get("previous")).isEqualTo(1);
    // who decided is recorded as it happened, newest first
    List<String> recorded = new ArrayList<>();
    for (RecordedDecision r : seenByA) {
      recorded.add(0, r.decidedBy());
    }
    assertThat(recorded).isEqualTo(deciders);
    assertThat(first.latest("purchase")).isEqualTo(second.latest("purchase"));
    assertThat(first.latest("purchase").orElseThrow()).isEqualTo(seenByA.get(0).decision());
  }

  @Test
  void theComparisonsBehindADecisionComeBackAsTheyWereMade() {
    MovableClock clock = new MovableClock(T.plus(Duration.ofDays(8)));
    InMemoryAliases registry = new InMemoryAliases();
    registry.set("production", 1);
    registry.set("challenger", 2);
    PromotionPolicy policy = policy(a, betterChallenger(clock), registry, clock, "replica-a");

    PromotionDecision made = policy.decide("purchase");
    PromotionPolicy other =
        policy(b, new InMemoryOutcomes(clock), new InMemoryAliases(), clock, "replica-b");

    assertThat(made.kind()).isEqualTo(DecisionKind.PROMOTE);
    RecordedDecision read = other.history("purchase", 5).get(0);
    assertThat(read.decision()).isEqualTo(made);
    assertThat(read.decision().promotion()).isPresent();
    assertThat(read.decidedBy()).isEqualTo("replica-a");
    assertThat(other.latest("other-model")).isEmpty();
  }

  @Test
  void aRunClaimedByAReplicaThatDiedIsLostButTheNextRunIsDecided() {
    MovableClock clock = new MovableClock(T.plus(Duration.ofDays(8)));
    JdbcDecisionHistory history = new JdbcDecisionHistory(a.dataSource());
    long slot = Math.floorDiv(clock.instant().toEpochMilli(), INTERVAL.toMillis());
    // replica-a claimed this run, then died before deciding
    assertThat(history.claim("purchase", slot, "replica-a", clock.instant())).isTrue();
    InMemoryAliases registry = new InMemoryAliases();
    registry.set("production", 1);
    registry.set("challenger", 2);
    PromotionPolicy survivor = policy(b, betterChallenger(clock), registry, clock, "replica-b");

    assertThat(survivor.decideIfClaimed("purchase")).isEmpty();
    assertThat(survivor.decideIfClaimed("other-model")).isPresent();
    clock.set(clock.instant().plus(INTERVAL));
    Optional<PromotionDecision> next = survivor.decideIfClaimed("purchase");

    assertThat(next).isPresent();
    assertThat(next.get().kind()).isEqualTo(DecisionKind.PROMOTE);
    assertThat(survivor.history("purchase", 10)).hasSize(1);
    assertThat(survivor.decideIfClaimed("purchase")).as("same run again").isEmpty();
  }

  static long rows(JdbcPredictionLogStore store, String table) throws Exception {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }
}
