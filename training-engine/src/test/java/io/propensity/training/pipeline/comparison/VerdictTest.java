package io.propensity.training.pipeline.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.runtime.metrics.ConfidenceInterval;
import org.junit.jupiter.api.Test;

class VerdictTest {
  private static ConfidenceInterval ci(double e, double lo, double hi) {
    return new ConfidenceInterval(e, lo, hi);
  }

  @Test
  void beatsWhenBothLowerBoundsAreAboveZero() {
    Verdict v = Verdict.of(ci(0.031, 0.012, 0.049), ci(0.040, 0.015, 0.066), "95%");
    assertThat(v.beatsBaseline()).isTrue();
    assertThat(v.text())
        .isEqualTo(
            "LightGBM beats the logistic baseline: ROC-AUC +0.031 [+0.012, +0.049],"
                + " PR-AUC +0.040 [+0.015, +0.066]");
  }

  @Test
  void doesNotBeatWhenTheIntervalsReachZero() {
    Verdict v = Verdict.of(ci(0.004, -0.006, 0.013), ci(0.002, 0.0, 0.01), "95%");
    assertThat(v.beatsOnRocAuc()).isFalse();
    assertThat(v.beatsOnPrAuc()).as("a lower bound of exactly 0 is not a win").isFalse();
    assertThat(v.text())
        .isEqualTo(
            "LightGBM does not beat the logistic baseline by more than the 95% interval:"
                + " ROC-AUC +0.004 [−0.006, +0.013], PR-AUC +0.002 [+0.000, +0.010]");
  }

  @Test
  void saysWhichMetricItBeatsOnWhenOnlyOne() {
    Verdict v = Verdict.of(ci(0.02, 0.01, 0.03), ci(0.01, -0.01, 0.03), "90%");
    assertThat(v.beatsBaseline()).isFalse();
    assertThat(v.text())
        .startsWith(
            "LightGBM beats the logistic baseline on ROC-AUC but not on PR-AUC by more than the"
                + " 90% interval: ROC-AUC +0.020");
  }

  @Test
  void cannotTellWithoutIntervals() {
    Verdict v = Verdict.of(ConfidenceInterval.UNDEFINED, ConfidenceInterval.UNDEFINED, "95%");
    assertThat(v.beatsBaseline()).isFalse();
    assertThat(v.text()).startsWith("cannot tell whether LightGBM beats the logistic baseline");
  }
}
