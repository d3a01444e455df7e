package io.propensity.inference.challenge;

import static io.propensity.inference.challenge.Answers.labeled;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.inference.challenge.SimulatedWeekPromotionTest.InMemoryAliases;
import io.propensity.inference.challenge.SimulatedWeekPromotionTest.InMemoryOutcomes;
import io.propensity.inference.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PromotionPolicyTest {
  private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  private static PromotionSettings settings(ComparisonMetric metric) {
    return new PromotionSettings(
        "production",
        "challenger",
        "previous",
        "rejected",
        Duration.ofDays(30),
        200,
        20,
        metric,
        0.0,
        0.05,
        200,
        9);
  }

  /** 600 rows; the challenger separates the outcomes much better than production. */
  private static InMemoryOutcomes betterChallenger(MovableClock clock) {
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

  @Test
  void promotesOnThePairedBootstrapOfPrAucToo() {
    MovableClock clock = new MovableClock(T.plus(Duration.ofDays(8)));
    InMemoryAliases aliases = new InMemoryAliases();
    aliases.set("production", 1);
    aliases.set("challenger", 2);
    PromotionPolicy policy =
        new PromotionPolicy(
            betterChallenger(clock),
            aliases,
            settings(ComparisonMetric.PR_AUC),
            clock,
            new SimpleMeterRegistry());

    PromotionDecision d = policy.decide("purchase");

    assertThat(d.kind()).isEqualTo(DecisionKind.PROMOTE);
    assertThat(d.promotion().orElseThrow().prAucDifference().lower()).isGreaterThan(0);
    assertThat(d.reason()).contains("pr_auc");
    assertThat(aliases.get("production")).isEqualTo(2);
    assertThat(aliases.get("previous")).isEqualTo(1);
  }

  @Test
  void aReplicaThatDecidesSecondChangesNothing() {
    MovableClock clock = new MovableClock(T.plus(Duration.ofDays(8)));
    InMemoryAliases registry = new InMemoryAliases();
    registry.set("production", 1);
    registry.set("challenger", 2);
    // this replica read production = v1, but another replica promoted v2 in the meantime
    ModelAliases stale =
        new ModelAliases() {
          @Override
          public OptionalLong version(String model, String alias) {
            return alias.equals("production") ? OptionalLong.of(1) : registry.version(model, alias);
          }

          @Override
          public void move(String model, String alias, long version, long expectedCurrent) {
            registry.move(model, alias, version, expectedCurrent);
          }
        };
    registry.set("production", 2);
    registry.set("previous", 1);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PromotionPolicy policy =
        new PromotionPolicy(
            betterChallenger(clock), stale, settings(ComparisonMetric.ROC_AUC), clock, meters);

    PromotionDecision d = policy.decide("purchase");

    assertThat(d.kind()).isEqualTo(DecisionKind.CONFLICT);
    assertThat(registry.get("production")).isEqualTo(2);
    assertThat(registry.get("previous")).isEqualTo(1);
    assertThat(
            meters
                .get("propensity.promotion.decisions")
                .tag("decision", "conflict")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void noChallengerAliasIsSaidSo() {
    MovableClock clock = new MovableClock(T.plus(Duration.ofDays(8)));
    InMemoryAliases aliases = new InMemoryAliases();
    aliases.set("production", 1);
    PromotionPolicy policy =
        new PromotionPolicy(
            betterChallenger(clock),
            aliases,
            settings(ComparisonMetric.ROC_AUC),
            clock,
            new SimpleMeterRegistry());

    PromotionDecision d = policy.decide("purchase");

    assertThat(d.kind()).isEqualTo(DecisionKind.NO_CHALLENGER);
    assertThat(d.reason()).contains("'challenger'");
  }
}
