package io.propensity.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ThresholdSelectorTest {

  private static final double[] P = {0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2, 0.1, 0.05};
  private static final boolean[] Y = {
    true, true, false, true, false, true, false, false, false, false
  };

  @Test
  void picksTheThresholdWithTheBestF1() {
    // F1 by candidate: .9→.40 .8→.67 .7→.57 .6→.75 .55→.67 .4→.80 .3→.73 … (lower keeps falling)
    ThresholdChoice choice = ThresholdSelector.bestF1(P, Y);

    assertThat(choice.threshold()).isEqualTo(0.4);
    assertThat(choice.score()).isCloseTo(0.8, within(1e-12));
    assertThat(choice.precision()).isCloseTo(4.0 / 6.0, within(1e-12));
    assertThat(choice.recall()).isEqualTo(1.0);
    assertThat(choice.beta()).isEqualTo(1.0);
  }

  @Test
  void chosenThresholdReproducesItsScoreInTheEvaluator() {
    ThresholdChoice choice = ThresholdSelector.bestF1(P, Y);
    assertThat(Evaluator.evaluate(P, Y, choice.threshold()).f1()).isEqualTo(choice.score());
  }

  @Test
  void fBetaBelowOneFavoursPrecision() {
    // F0.5 by candidate: .9→.625 .8→.833 .7→.625 .6→.75 .4→.714
    ThresholdChoice choice = ThresholdSelector.bestFBeta(P, Y, 0.5);
    assertThat(choice.threshold()).isEqualTo(0.8);
    assertThat(choice.score()).isCloseTo(2.5 / 3.0, within(1e-12));
  }

  @Test
  void fBetaAboveOneFavoursRecall() {
    ThresholdChoice choice = ThresholdSelector.bestFBeta(P, Y, 2.0);
    assertThat(choice.recall()).isEqualTo(1.0);
    assertThat(choice.threshold()).isEqualTo(0.4);
  }

  @Test
  void onATieTheHigherThresholdWins() {
    // F1 at 0.9 (tp1 fn1) = 2/3; at 0.4 (tp2 fp2) = 4/6.
    double[] p = {0.9, 0.6, 0.5, 0.4};
    boolean[] y = {true, false, false, true};
    assertThat(ThresholdSelector.bestF1(p, y).threshold()).isEqualTo(0.9);
  }

  @Test
  void tiedScoresAreOneCandidate() {
    double[] p = {0.7, 0.7, 0.7, 0.1};
    boolean[] y = {true, true, false, false};
    ThresholdChoice choice = ThresholdSelector.bestF1(p, y);
    assertThat(choice.threshold()).isEqualTo(0.7);
    assertThat(choice.precision()).isCloseTo(2.0 / 3.0, within(1e-12));
  }

  @Test
  void refusesLabelsWithoutAPositiveAndANonPositiveBeta() {
    assertThatThrownBy(() -> ThresholdSelector.bestF1(new double[] {0.3}, new boolean[] {false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no positive");
    assertThatThrownBy(() -> ThresholdSelector.bestFBeta(P, Y, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beta");
    assertThatThrownBy(() -> ThresholdSelector.bestF1(new double[0], new boolean[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
