package io.propensity.runtime.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibratorTest {

  /** Raw scores ~ N(0, 2²) and labels drawn from {@code sigmoid(a·raw + b)}. */
  private static Sample logistic(int n, double a, double b, long seed) {
    Random r = new Random(seed);
    double[] raw = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      raw[i] = 2 * r.nextGaussian();
      labels[i] = r.nextDouble() < Calibration.sigmoid(a * raw[i] + b);
    }
    return new Sample(raw, labels);
  }

  private record Sample(double[] raw, boolean[] labels) {
    long positives() {
      long p = 0;
      for (boolean l : labels) {
        p += l ? 1 : 0;
      }
      return p;
    }
  }

  @Test
  void plattRecoversTheSlopeAndInterceptOfAKnownLogisticRelation() {
    Sample s = logistic(40_000, 1.7, -0.8, 1);

    Calibration.Platt platt = Calibrator.platt(s.raw(), s.labels());

    assertThat(platt.slope()).isCloseTo(1.7, within(0.06));
    assertThat(platt.intercept()).isCloseTo(-0.8, within(0.06));
  }

  @Test
  void plattOfAlreadyCalibratedScoresIsCloseToTheIdentity() {
    Sample s = logistic(40_000, 1, 0, 2);

    Calibration.Platt platt = Calibrator.platt(s.raw(), s.labels());

    assertThat(platt.slope()).isCloseTo(1, within(0.05));
    assertThat(platt.intercept()).isCloseTo(0, within(0.05));
    assertThat(platt.probability(0.3)).isCloseTo(Calibration.sigmoid(0.3), within(0.02));
  }

  @Test
  void plattRepairsAShiftLikeClassWeightsMake() {
    // a model trained with positives weighted 9× scores about ln 9 too high
    Sample truth = logistic(20_000, 1, -2.5, 3);
    double[] shifted = truth.raw().clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += Math.log(9);
    }

    Calibration.Platt platt = Calibrator.platt(shifted, truth.labels());

    assertThat(platt.slope()).isCloseTo(1, within(0.07));
    assertThat(platt.intercept()).isCloseTo(-2.5 - Math.log(9), within(0.15));
  }

  @Test
  void poolAdjacentViolatorsIsMonotoneAndFitsAKnownStep() {
    Random r = new Random(4);
    int n = 20_000;
    double[] raw = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      raw[i] = -3 + 6 * r.nextDouble();
      labels[i] = r.nextDouble() < (raw[i] < 0 ? 0.2 : 0.7);
    }

    List<Calibrator.IsotonicBlock> blocks = Calibrator.isotonicBlocks(raw, labels);

    for (int i = 1; i < blocks.size(); i++) {
      assertThat(blocks.get(i).rate()).isGreaterThan(blocks.get(i - 1).rate());
      assertThat(blocks.get(i).minRaw()).isGreaterThan(blocks.get(i - 1).maxRaw());
    }
    assertThat(blocks.stream().mapToLong(Calibrator.IsotonicBlock::rows).sum()).isEqualTo(n);
    // rows far from the step sit in blocks whose rate is the true one
    long wrongRows = 0;
    for (Calibrator.IsotonicBlock b : blocks) {
      boolean left = b.maxRaw() < -0.2;
      boolean right = b.minRaw() > 0.2;
      if ((left && Math.abs(b.rate() - 0.2) > 0.05) || (right && Math.abs(b.rate() - 0.7) > 0.05)) {
        wrongRows += b.rows();
      }
    }
    assertThat(wrongRows).as("rows in blocks off the step's level").isLessThan(n / 50);
    // the jump happens at the step: the block holding raw 0 is where rates cross 0.45
    double below = rateAt(blocks, -0.3);
    double above = rateAt(blocks, 0.3);
    assertThat(below).isCloseTo(0.2, within(0.06));
    assertThat(above).isCloseTo(0.7, within(0.06));
  }

  private static double rateAt(List<Calibrator.IsotonicBlock> blocks, double raw) {
    Calibrator.IsotonicBlock last = blocks.get(0);
    for (Calibrator.IsotonicBlock b : blocks) {
      if (b.minRaw() > raw) {
        break;
      }
      last = b;
    }
    return last.rate();
  }

  @Test
  void isotonicCalibrationIsMonotoneAndFollowsASmoothTruth() {
    // true probability 0.05 … 0.95 along the raw score, but not the sigmoid
    Random r = new Random(5);
    int n = 30_000;
    double[] raw = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      raw[i] = -4 + 8 * r.nextDouble();
      labels[i] = r.nextDouble() < truth(raw[i]);
    }

    Calibration.Isotonic iso = Calibrator.isotonic(raw, labels);

    double[] x = iso.rawScores();
    double[] p = iso.probabilities();
    for (int i = 1; i < x.length; i++) {
      assertThat(x[i]).isGreaterThan(x[i - 1]);
      assertThat(p[i]).isGreaterThanOrEqualTo(p[i - 1]);
    }
    double previous = 0;
    for (double v = -3.5; v <= 3.5; v += 0.01) {
      double q = iso.probability(v);
      assertThat(q).isGreaterThanOrEqualTo(previous);
      previous = q;
    }
    for (double v = -3; v <= 3; v += 0.5) {
      assertThat(iso.probability(v)).as("at raw %s", v).isCloseTo(truth(v), within(0.05));
    }
  }

  private static double truth(double raw) {
    return 0.05 + 0.9 * (raw + 4) / 8 * (raw + 4) / 8;
  }

  @Test
  void isotonicInterpolatesBetweenBlockCentresAndIsFlatBeyondThem() {
    double[] raw = {-2, -1, 1, 2};
    boolean[] labels = {false, false, true, true};

    Calibration.Isotonic iso = Calibrator.isotonic(raw, labels);

    assertThat(iso.rawScores()).containsExactly(-1.5, 1.5);
    assertThat(iso.probability(-9)).isEqualTo(Calibration.MIN_PROBABILITY);
    assertThat(iso.probability(9)).isEqualTo(1 - Calibration.MIN_PROBABILITY);
    assertThat(iso.probability(0)).isCloseTo(0.5, within(1e-9));
    assertThat(iso.probability(0.75)).isCloseTo(0.75, within(1e-6));
  }

  @Test
  void rowsWithEqualRawScoresShareABlock() {
    double[] raw = {0, 0, 0, 1, 1};
    boolean[] labels = {true, false, false, true, false};

    List<Calibrator.IsotonicBlock> blocks = Calibrator.isotonicBlocks(raw, labels);

    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).rows()).isEqualTo(3);
    assertThat(blocks.get(0).rate()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(blocks.get(1).rate()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void autoChoosesIsotonicWithAHundredRowsOfEachClassAndPlattBelow() {
    Sample many = logistic(3_000, 1, -1, 6);
    long p = many.positives();
    assertThat(p).isGreaterThanOrEqualTo(100);
    assertThat(many.raw().length - p).isGreaterThanOrEqualTo(100);

    CalibrationFit fit = Calibrator.fit(CalibrationMethod.AUTO, many.raw(), many.labels());

    assertThat(fit.method()).isEqualTo(CalibrationMethod.ISOTONIC);
    assertThat(fit.reason()).startsWith("auto chose isotonic").contains(p + " positives");
    assertThat(fit.rows()).isEqualTo(3_000);
    assertThat(fit.positives()).isEqualTo(p);

    // 99 positives: one short
    double[] raw = new double[1_000];
    boolean[] labels = new boolean[1_000];
    Random r = new Random(7);
    for (int i = 0; i < raw.length; i++) {
      raw[i] = r.nextGaussian() + (i < 99 ? 1.5 : 0);
      labels[i] = i < 99;
    }
    CalibrationFit few = Calibrator.fit(CalibrationMethod.AUTO, raw, labels);

    assertThat(few.method()).isEqualTo(CalibrationMethod.PLATT);
    assertThat(few.reason())
        .startsWith("auto chose Platt scaling")
        .contains("99 positives and 901 negatives")
        .contains("at least 100 of each");
  }

  @Test
  void explicitMethodsAreFittedAsAskedAndNoneIsNone() {
    Sample s = logistic(500, 1, -1, 8);

    assertThat(Calibrator.fit(CalibrationMethod.PLATT, s.raw(), s.labels()).method())
        .isEqualTo(CalibrationMethod.PLATT);
    assertThat(Calibrator.fit(CalibrationMethod.ISOTONIC, s.raw(), s.labels()).method())
        .isEqualTo(CalibrationMethod.ISOTONIC);
    CalibrationFit none = Calibrator.fit(CalibrationMethod.NONE, s.raw(), s.labels());
    assertThat(none.calibration()).isEqualTo(Calibration.none());
    assertThat(none.rows()).isZero();
  }

  @Test
  void aCalibrationThatWouldReverseTheRankingOrFlattenItIsRefused() {
    Sample reversed = logistic(2_000, -1, 0, 9);

    CalibrationFit platt =
        Calibrator.fit(CalibrationMethod.PLATT, reversed.raw(), reversed.labels());
    CalibrationFit iso =
        Calibrator.fit(CalibrationMethod.ISOTONIC, reversed.raw(), reversed.labels());

    assertThat(platt.method()).isEqualTo(CalibrationMethod.NONE);
    assertThat(platt.reason()).contains("does not rise with the raw score");
    assertThat(iso.method()).isEqualTo(CalibrationMethod.NONE);
    assertThat(iso.reason()).contains("one isotonic block");
  }

  @Test
  void validationRowsOfOneClassLeaveTheModelUncalibrated() {
    CalibrationFit fit =
        Calibrator.fit(
            CalibrationMethod.AUTO,
            new double[] {0.1, 0.5, 2},
            new boolean[] {false, false, false});

    assertThat(fit.method()).isEqualTo(CalibrationMethod.NONE);
    assertThat(fit.reason()).contains("no positive");
  }
}
