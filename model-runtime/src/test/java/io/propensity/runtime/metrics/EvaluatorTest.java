package io.propensity.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  // Ten rows, scores already descending; 4 positives (rows 0, 1, 3, 5).
  private static final double[] P = {0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2, 0.1, 0.05};
  private static final boolean[] Y = {
    true, true, false, true, false, true, false, false, false, false
  };
  private static final double EPS = 1e-12;

  private final BinaryEvaluation e = Evaluator.evaluate(P, Y, 0.5);

  @Test
  void countsRowsAndPositives() {
    assertThat(e.rows()).isEqualTo(10);
    assertThat(e.positives()).isEqualTo(4);
    assertThat(e.baseRate()).isEqualTo(0.4);
    assertThat(e.threshold()).isEqualTo(0.5);
  }

  @Test
  void confusionMatrixPredictsPositiveAtOrAboveTheThreshold() {
    assertThat(e.confusion()).isEqualTo(new ConfusionMatrix(3, 2, 4, 1));
    assertThat(Evaluator.evaluate(P, Y, 0.55).confusion())
        .isEqualTo(new ConfusionMatrix(3, 2, 4, 1));
    assertThat(Evaluator.evaluate(P, Y, 0.56).confusion())
        .isEqualTo(new ConfusionMatrix(3, 1, 5, 1));
  }

  @Test
  void precisionRecallAndF1() {
    assertThat(e.precision()).isCloseTo(0.6, within(EPS));
    assertThat(e.recall()).isCloseTo(0.75, within(EPS));
    assertThat(e.f1()).isCloseTo(2.0 / 3.0, within(EPS));
    assertThat(e.accuracy()).isCloseTo(0.7, within(EPS));
  }

  @Test
  void rocAucIsTheShareOfCorrectlyOrderedPositiveNegativePairs() {
    // Positive ranks (ascending) 5, 7, 9, 10: U = 31 − 4·5/2 = 21 of 4·6 pairs.
    assertThat(e.rocAuc()).isCloseTo(21.0 / 24.0, within(EPS));
  }

  @Test
  void tiedPositiveAndNegativeCountHalf() {
    assertThat(
            Evaluator.evaluate(new double[] {0.5, 0.5}, new boolean[] {true, false}, 0.5).rocAuc())
        .isEqualTo(0.5);
    // Pairs: 0.8>0.5, 0.8>0.2, 0.5=0.5 (½), 0.5>0.2 → 3.5 of 4.
    double[] p = {0.8, 0.5, 0.5, 0.2};
    boolean[] y = {true, true, false, false};
    assertThat(Evaluator.evaluate(p, y, 0.5).rocAuc()).isCloseTo(0.875, within(EPS));
  }

  @Test
  void prAucIsAveragePrecisionOverDistinctThresholds() {
    // Recall steps of ¼ at precisions 1, 1, ¾, ⁴⁄₆.
    assertThat(e.prAuc()).isCloseTo(0.25 * (1 + 1 + 0.75 + 4.0 / 6.0), within(EPS));
    // Tied scores form one threshold: recall 1 at precision ½.
    assertThat(
            Evaluator.evaluate(new double[] {0.5, 0.5}, new boolean[] {true, false}, 0.5).prAuc())
        .isEqualTo(0.5);
  }

  @Test
  void logLossAndBrierScore() {
    double expectedLogLoss =
        -(Math.log(0.9)
                + Math.log(0.8)
                + Math.log(0.3)
                + Math.log(0.6)
                + Math.log(0.45)
                + Math.log(0.4)
                + Math.log(0.7)
                + Math.log(0.8)
                + Math.log(0.9)
                + Math.log(0.95))
            / 10;
    assertThat(e.logLoss()).isCloseTo(expectedLogLoss, within(EPS));
    assertThat(e.brierScore()).isCloseTo(1.505 / 10, within(EPS));
  }

  @Test
  void logLossClipsCertainMistakes() {
    BinaryEvaluation certainAndWrong =
        Evaluator.evaluate(new double[] {0.0, 1.0}, new boolean[] {true, false}, 0.5);
    assertThat(certainAndWrong.logLoss()).isCloseTo(-Math.log(1e-15), within(1e-12));
  }

  @Test
  void decileOneIsTheTopTenPercentWithLiftAndCumulativeGain() {
    List<LiftDecile> d = e.deciles();
    assertThat(d).hasSize(10);
    assertThat(d.get(0)).isEqualTo(new LiftDecile(1, 1, 1, 0.9, 0.9, 1.0, 2.5, 0.25, 2.5));
    assertThat(d.get(1).cumulativeGain()).isEqualTo(0.5);
    assertThat(d.get(2).lift()).isEqualTo(0.0);
    assertThat(d.get(2).cumulativeLift()).isCloseTo((2.0 / 3.0) / 0.4, within(EPS));
    assertThat(d.get(9).decile()).isEqualTo(10);
    assertThat(d.get(9).minProbability()).isEqualTo(0.05);
    assertThat(d.get(9).cumulativeGain()).isEqualTo(1.0);
    assertThat(d.get(9).cumulativeLift()).isCloseTo(1.0, within(EPS));
  }

  @Test
  void decilesAddUpToTheTotalsForAnySize() {
    for (int n : new int[] {1, 7, 10, 13, 1000}) {
      Random random = new Random(n);
      double[] p = new double[n];
      boolean[] y = new boolean[n];
      for (int i = 0; i < n; i++) {
        p[i] = Math.round(random.nextDouble() * 20) / 20.0; // plenty of ties
        y[i] = random.nextDouble() < p[i];
      }
      BinaryEvaluation ev = Evaluator.evaluate(p, y, 0.5);
      assertThat(ev.deciles()).hasSize(10);
      assertThat(ev.deciles().stream().mapToLong(LiftDecile::rows).sum()).isEqualTo(n);
      assertThat(ev.deciles().stream().mapToLong(LiftDecile::positives).sum())
          .isEqualTo(ev.positives());
      assertThat(ev.calibration().stream().mapToLong(CalibrationBin::rows).sum()).isEqualTo(n);
      double previousMin = Double.POSITIVE_INFINITY;
      for (LiftDecile decile : ev.deciles()) {
        if (decile.rows() > 0) {
          assertThat(decile.maxProbability()).isLessThanOrEqualTo(previousMin);
          previousMin = decile.minProbability();
        }
      }
    }
  }

  @Test
  void emptyDecilesOfATinySetSayRowsZeroAndRatesNaN() {
    BinaryEvaluation tiny =
        Evaluator.evaluate(new double[] {0.9, 0.1}, new boolean[] {true, false}, 0.5);
    assertThat(tiny.deciles().stream().filter(d -> d.rows() == 0)).hasSize(8);
    assertThat(tiny.deciles().get(0).rows()).isZero();
    assertThat(tiny.deciles().get(0).positiveRate()).isNaN();
    assertThat(tiny.deciles().get(9).cumulativeGain()).isEqualTo(1.0);
  }

  @Test
  void calibrationUsesTenEqualWidthBins() {
    List<CalibrationBin> bins = e.calibration();
    assertThat(bins).hasSize(10);
    assertThat(bins).allSatisfy(b -> assertThat(b.rows()).isEqualTo(1));
    assertThat(bins.get(0)).isEqualTo(new CalibrationBin(0.0, 0.1, 1, 0.05, 0.0));
    assertThat(bins.get(4)).isEqualTo(new CalibrationBin(0.4, 0.5, 1, 0.4, 1.0));
    assertThat(bins.get(9).upper()).isEqualTo(1.0);

    BinaryEvaluation pooled =
        Evaluator.evaluate(
            new double[] {0.21, 0.29, 0.25, 0.95}, new boolean[] {true, false, false, true}, 0.5);
    CalibrationBin third = pooled.calibration().get(2);
    assertThat(third.rows()).isEqualTo(3);
    assertThat(third.meanPredicted()).isCloseTo(0.25, within(EPS));
    assertThat(third.observedRate()).isCloseTo(1.0 / 3.0, within(EPS));
    assertThat(pooled.calibration().get(5).meanPredicted()).isNaN();
  }

  @Test
  void calibrationBinBoundsAreInclusiveBelowAndOneFallsInTheLastBin() {
    assertThat(Evaluator.calibrationBin(0.0)).isZero();
    assertThat(Evaluator.calibrationBin(0.3)).isEqualTo(3);
    assertThat(Evaluator.calibrationBin(0.1 * 3)).isEqualTo(3);
    assertThat(Evaluator.calibrationBin(0.7)).isEqualTo(7);
    assertThat(Evaluator.calibrationBin(Math.nextDown(0.7))).isEqualTo(6);
    assertThat(Evaluator.calibrationBin(1.0)).isEqualTo(9);
    for (int k = 1; k < 10; k++) {
      double bound = k / 10.0;
      assertThat(Evaluator.calibrationBin(bound)).isEqualTo(k);
      assertThat(Evaluator.calibrationBin(Math.nextDown(bound))).isEqualTo(k - 1);
    }
  }

  @Test
  void rocAndPrCurvesRunFromStrictestToLoosestThreshold() {
    assertThat(e.rocCurve()).hasSize(11);
    assertThat(e.rocCurve().get(0)).isEqualTo(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
    assertThat(e.rocCurve().get(1)).isEqualTo(new RocPoint(0.9, 0, 0.25));
    assertThat(e.rocCurve().get(10)).isEqualTo(new RocPoint(0.05, 1, 1));
    assertThat(e.prCurve()).hasSize(10);
    assertThat(e.prCurve().get(0)).isEqualTo(new PrPoint(0.9, 0.25, 1.0));
    assertThat(e.prCurve().get(9)).isEqualTo(new PrPoint(0.05, 1.0, 0.4));
  }

  @Test
  void longCurvesAreThinnedToAtMostTwoHundredPointsKeepingBothEnds() {
    int n = 5_000;
    Random random = new Random(3);
    double[] p = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      p[i] = random.nextDouble();
      y[i] = random.nextDouble() < p[i];
    }
    BinaryEvaluation big = Evaluator.evaluate(p, y, 0.5);
    assertThat(big.rocCurve()).hasSize(Evaluator.MAX_CURVE_POINTS);
    assertThat(big.prCurve()).hasSize(Evaluator.MAX_CURVE_POINTS);
    assertThat(big.rocCurve().get(0).truePositiveRate()).isZero();
    RocPoint last = big.rocCurve().get(big.rocCurve().size() - 1);
    assertThat(last.falsePositiveRate()).isEqualTo(1.0);
    assertThat(last.truePositiveRate()).isEqualTo(1.0);
    for (int i = 1; i < big.rocCurve().size(); i++) {
      assertThat(big.rocCurve().get(i).falsePositiveRate())
          .isGreaterThanOrEqualTo(big.rocCurve().get(i - 1).falsePositiveRate());
    }
    assertThat(big.prCurve().get(big.prCurve().size() - 1).recall()).isEqualTo(1.0);
    assertThat(big.rocAuc()).isBetween(0.7, 0.9);
  }

  @Test
  void onlyNegativesGiveNaNRankingMetricsAndEmptyCurves() {
    BinaryEvaluation none =
        Evaluator.evaluate(new double[] {0.2, 0.7}, new boolean[] {false, false}, 0.5);
    assertThat(none.rocAuc()).isNaN();
    assertThat(none.prAuc()).isNaN();
    assertThat(none.rocCurve()).isEmpty();
    assertThat(none.prCurve()).isEmpty();
    assertThat(none.deciles().get(9).lift()).isNaN();
    assertThat(none.recall()).isZero();
    assertThat(none.precision()).isZero();
    assertThat(none.f1()).isZero();
    assertThat(none.confusion()).isEqualTo(new ConfusionMatrix(0, 1, 1, 0));
  }

  @Test
  void onlyPositivesGiveNaNRocAucButAPerfectAveragePrecision() {
    BinaryEvaluation all =
        Evaluator.evaluate(new double[] {0.2, 0.7}, new boolean[] {true, true}, 0.5);
    assertThat(all.rocAuc()).isNaN();
    assertThat(all.rocCurve()).isEmpty();
    assertThat(all.prAuc()).isEqualTo(1.0);
    assertThat(all.deciles().get(9).cumulativeGain()).isEqualTo(1.0);
  }

  @Test
  void badInputIsRejectedWithAMessageNamingTheProblem() {
    assertThatThrownBy(() -> Evaluator.evaluate(new double[0], new boolean[0], 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no rows");
    assertThatThrownBy(() -> Evaluator.evaluate(new double[2], new boolean[3], 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("2 probabilities but 3 labels");
    assertThatThrownBy(
            () -> Evaluator.evaluate(new double[] {0.1, Double.NaN}, new boolean[2], 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probabilities[1] is NaN; expected a value in [0, 1]");
    assertThatThrownBy(() -> Evaluator.evaluate(new double[] {1.5}, new boolean[1], 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probabilities[0] is 1.5");
    assertThatThrownBy(() -> Evaluator.evaluate(P, Y, -0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> Evaluator.evaluate(null, Y, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
