package io.propensity.runtime.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PsiTest {

  @Test
  void matchesTheHandComputedIndex() {
    // (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5)
    assertThat(Psi.of(new double[] {0.5, 0.5}, new double[] {0.25, 0.75}))
        .isCloseTo(0.2746530721670274, within(1e-12));
  }

  @Test
  void identicalDistributionsHaveZeroIndex() {
    double[] d = {0.1, 0.2, 0.3, 0.4, 0};
    assertThat(Psi.of(d, d)).isZero();
  }

  @Test
  void aBinEmptyInTrainingCountsAsEpsilonInsteadOfDividingByZero() {
    // bin 3: (0.1 − 1e-4)·ln(0.1/1e-4), bin 2: (0.4 − 0.5)·ln(0.4/0.5)
    assertThat(Psi.of(new double[] {0.5, 0.5, 0}, new double[] {0.5, 0.4, 0.1}))
        .isCloseTo(0.7123991075017365, within(1e-12));
  }

  @Test
  void theMissingBinCountsLikeAnyOther() {
    FeatureReference ref =
        ReferenceBuilder.numeric("x", new double[] {1, 1, 2, 2, 3, 3, Double.NaN, Double.NaN});
    assertThat(ref.edges()).containsExactly(1, 2);
    assertThat(ref.shares()).containsExactly(0.25, 0.25, 0.25, 0.25);
    double[] live =
        ReferenceBuilder.withShares(ref, new double[] {0, 1.5, Double.NaN, Double.NaN}).shares();
    assertThat(live).containsExactly(0.25, 0.25, 0, 0.5);
    // bin "> 2" empty live: (1e-4 − 0.25)·ln(1e-4/0.25); missing: 0.25·ln 2
    assertThat(Psi.of(ref.shares(), live)).isCloseTo(2.1285158932529735, within(1e-12));
  }

  @Test
  void categoricalBinsByCodeWithOtherAndMissing() {
    double[] training = new double[100];
    for (int i = 0; i < 100; i++) {
      training[i] = i < 60 ? 1 : i < 90 ? 2 : i < 99.5 ? 3 : 4;
    }
    training[99] = Double.NaN; // 60 × code 1, 30 × code 2, 9 × code 3, 1 missing
    FeatureReference ref =
        ReferenceBuilder.categorical(
            "device", training, code -> List.of("?", "web", "app", "tv").get(code));
    assertThat(ref.codes()).containsExactly(1, 2, 3);
    assertThat(ref.labels()).containsExactly("web", "app", "tv");
    assertThat(ref.binLabels()).containsExactly("web", "app", "tv", "other", "missing");
    assertThat(ref.shares()).containsExactly(0.6, 0.3, 0.09, 0, 0.01);
    assertThat(ref.bin(7)).isEqualTo(3); // a code never seen in training is "other"
    double[] live = {0.3, 0.3, 0.2, 0.2, 0};
    // (0.3−0.6)ln(0.5) + 0 + (0.2−0.09)ln(0.2/0.09) + (0.2−1e-4)ln(0.2/1e-4) +
    // (1e-4−0.01)ln(1e-4/0.01)
    double expected =
        -0.3 * Math.log(0.5)
            + 0.11 * Math.log(0.2 / 0.09)
            + (0.2 - 1e-4) * Math.log(0.2 / 1e-4)
            + (1e-4 - 0.01) * Math.log(1e-4 / 0.01);
    assertThat(Psi.of(ref.shares(), live)).isCloseTo(expected, within(1e-12));
    assertThat(expected).isCloseTo(1.8608, within(1e-4));
  }

  @Test
  void refusesDistributionsOfDifferentBins() {
    assertThatThrownBy(() -> Psi.of(new double[] {1}, new double[] {0.5, 0.5}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
