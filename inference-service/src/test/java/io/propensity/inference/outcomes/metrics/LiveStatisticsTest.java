package io.propensity.inference.outcomes.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Live metrics against values computed by hand. */
class LiveStatisticsTest {
  static final LoggedSchema SCHEMA = new LoggedSchema("h", List.of());

  static LabeledPrediction labeled(double p, boolean positive) {
    return new LabeledPrediction(
        new ServedPrediction(
            "r",
            0,
            Instant.parse("2026-12-01T10:00:00Z"),
            ServedEndpoint.PREDICT,
            Optional.of("u"),
            "m",
            3,
            "production",
            SCHEMA,
            new double[0],
            p,
            p >= 0.5,
            0.5,
            false,
            List.of()),
        positive,
        Instant.parse("2026-12-09T10:00:00Z"));
  }

  @Test
  void sixPredictionsMatchTheHandComputedValues() {
    // scores 0.9 P, 0.8 N, 0.7 P, 0.4 N, 0.3 P, 0.1 N at threshold 0.5
    List<LabeledPrediction> six =
        List.of(
            labeled(0.9, true),
            labeled(0.8, false),
            labeled(0.7, true),
            labeled(0.4, false),
            labeled(0.3, true),
            labeled(0.1, false));
    LiveMetric m = LiveStatistics.of(3, "production", Optional.empty(), six);

    assertThat(m.count()).isEqualTo(6);
    assertThat(m.positives()).isEqualTo(3);
    // TP 2 (0.9, 0.7), FP 1 (0.8), FN 1 (0.3)
    assertThat(m.precision()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.recall()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
    // Wilson 95% for 2 of 3: [0.2077, 0.9385]
    assertThat(m.precisionInterval().low()).isCloseTo(0.2077, within(1e-4));
    assertThat(m.precisionInterval().high()).isCloseTo(0.9385, within(1e-4));
    // 6 of the 9 positive/negative pairs are ordered right
    assertThat(m.rocAuc().getAsDouble()).isCloseTo(6.0 / 9, within(1e-12));
    // DeLong: V10 = (1, 2/3, 1/3), V01 = (1/3, 2/3, 1): variances 1/9 each,
    // var = 1/27 + 1/27 = 2/27, half width 1.96 * 0.27217 = 0.53344; upper clipped to 1
    assertThat(m.rocAucInterval().low()).isCloseTo(2.0 / 3 - 0.533435, within(1e-5));
    assertThat(m.rocAucInterval().high()).isEqualTo(1.0);
    // AP = 1/3 * (1 + 2/3 + 3/5)
    assertThat(m.prAuc().getAsDouble()).isCloseTo((1 + 2.0 / 3 + 3.0 / 5) / 3, within(1e-12));
    assertThat(m.prAucInterval().contains(m.prAuc().getAsDouble())).isTrue();
    assertThat(m.meanPredicted()).isCloseTo(3.2 / 6, within(1e-12));
    assertThat(m.observedRate()).isEqualTo(0.5);
    // (0.01 + 0.64 + 0.09 + 0.16 + 0.49 + 0.01) / 6
    assertThat(m.brier()).isCloseTo(1.4 / 6, within(1e-12));
    // every score alone in its bin: mean |p − y| = 2.4 / 6
    assertThat(m.ece()).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void oneClassOnlyHasNoAuc() {
    LiveMetric m =
        LiveStatistics.of(
            1, "production", Optional.empty(), List.of(labeled(0.2, false), labeled(0.7, false)));
    assertThat(m.rocAuc()).isEmpty();
    assertThat(m.prAuc()).isEmpty();
    assertThat(m.recallInterval()).isEqualTo(new LiveMetric.Interval(0, 1));
  }

  @Test
  void deLongCoversTheTrueAucOfASimulatedModel() {
    // scores: positives ~ N(1, 1), negatives ~ N(0, 1) through a logistic: true AUC = Φ(1/√2) ≈
    // 0.7602
    SplittableRandom rnd = new SplittableRandom(3);
    int covered = 0;
    for (int trial = 0; trial < 40; trial++) {
      List<LabeledPrediction> rows = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean y = rnd.nextDouble() < 0.3;
        double z = gaussian(rnd) + (y ? 1 : 0);
        rows.add(labeled(1 / (1 + Math.exp(-z)), y));
      }
      if (LiveStatistics.of(1, "p", Optional.empty(), rows).rocAucInterval().contains(0.7602)) {
        covered++;
      }
    }
    assertThat(covered).as("about 95% of 40 intervals").isBetween(34, 40);
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
