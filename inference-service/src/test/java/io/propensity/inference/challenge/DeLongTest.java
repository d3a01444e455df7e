package io.propensity.inference.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DeLongTest {

  @Test
  void matchesAWorkedExampleByHand() {
    // positives first two rows, negatives last two.
    // A: V10 = [1, ½], V01 = [½, 1], AUC ¾.  B: V10 = [1, 1], V01 = [1, 1], AUC 1.
    // S10 of (A−B) = var([0, −½]) = 1/8, S01 = var([−½, 0]) = 1/8;
    // Var = (1/8)/2 + (1/8)/2 = 1/8, se = 0.353553; z = −0.25/0.353553 = −0.707107;
    // p = 2·Φ(−0.707107) = 0.479500.
    double[] a = {0.9, 0.6, 0.7, 0.2};
    double[] b = {0.8, 0.6, 0.3, 0.5};
    boolean[] labels = {true, true, false, false};

    DeLong.Result r = DeLong.test(a, b, labels, 0.95);

    assertThat(r.aucA()).isEqualTo(0.75);
    assertThat(r.aucB()).isEqualTo(1.0);
    assertThat(r.difference()).isEqualTo(-0.25);
    assertThat(r.standardError()).isCloseTo(Math.sqrt(0.125), within(1e-12));
    assertThat(r.pValue()).isCloseTo(0.479500, within(1e-5));
    assertThat(r.lower()).isCloseTo(-0.25 - 1.959964 * Math.sqrt(0.125), within(1e-5));
    assertThat(r.upper()).isCloseTo(-0.25 + 1.959964 * Math.sqrt(0.125), within(1e-5));
  }

  @Test
  void agreesWithTheQuadraticDefinitionOnRandomRowsWithTies() {
    for (long seed = 1; seed <= 20; seed++) {
      Random r = new Random(seed);
      int n = 20 + r.nextInt(200);
      double[] a = new double[n];
      double[] b = new double[n];
      boolean[] labels = new boolean[n];
      for (int i = 0; i < n; i++) {
        labels[i] = i < 3 || (i >= 6 && r.nextDouble() < 0.3);
        double signal = labels[i] ? 0.6 : 0.0;
        // rounded scores: many ties, as served probabilities of small trees have
        a[i] = Math.round((signal + r.nextGaussian()) * 4) / 4.0;
        b[i] = Math.round((0.5 * signal + 0.5 * a[i] + r.nextGaussian()) * 4) / 4.0;
      }

      DeLong.Result fast = DeLong.test(a, b, labels, 0.9);
      double[] slow = slowDeLong(a, b, labels);

      assertThat(fast.aucA()).as("seed %d", seed).isCloseTo(slow[0], within(1e-12));
      assertThat(fast.aucB()).as("seed %d", seed).isCloseTo(slow[1], within(1e-12));
      assertThat(fast.standardError()).as("seed %d", seed).isCloseTo(slow[2], within(1e-12));
    }
  }

  @Test
  void findsARealDifferenceAndNotAnImaginedOne() {
    Random r = new Random(42);
    int n = 4000;
    double[] good = new double[n];
    double[] bad = new double[n];
    double[] goodAgain = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextDouble() < 0.2;
      double y = labels[i] ? 1 : 0;
      good[i] = y + r.nextGaussian();
      bad[i] = 0.3 * y + r.nextGaussian();
      goodAgain[i] = y + r.nextGaussian();
    }
    DeLong.Result real = DeLong.test(good, bad, labels, 0.95);
    assertThat(real.pValue()).isLessThan(1e-6);
    assertThat(real.lower()).isGreaterThan(0);

    DeLong.Result none = DeLong.test(good, goodAgain, labels, 0.95);
    assertThat(none.lower()).isLessThan(0);
    assertThat(none.upper()).isGreaterThan(0);
  }

  @Test
  void refusesRowsOfOneClass() {
    assertThatThrownBy(
            () ->
                DeLong.test(
                    new double[] {1, 2}, new double[] {1, 2}, new boolean[] {true, true}, 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both classes");
  }

  /** DeLong's 1988 definition, pair by pair: {AUC A, AUC B, se of A − B}. */
  private static double[] slowDeLong(double[] a, double[] b, boolean[] labels) {
    int m = 0;
    for (boolean l : labels) {
      m += l ? 1 : 0;
    }
    int n = labels.length - m;
    double[][] scores = {a, b};
    double[][] v10 = new double[2][m];
    double[][] v01 = new double[2][n];
    double[] auc = new double[2];
    for (int k = 0; k < 2; k++) {
      int xi = 0;
      for (int i = 0; i < labels.length; i++) {
        if (!labels[i]) {
          continue;
        }
        int yj = 0;
        for (int j = 0; j < labels.length; j++) {
          if (labels[j]) {
            continue;
          }
          double psi = scores[k][i] > scores[k][j] ? 1 : scores[k][i] == scores[k][j] ? 0.5 : 0;
          v10[k][xi] += psi / n;
          v01[k][yj] += psi / m;
          auc[k] += psi / ((double) m * n);
          yj++;
        }
        xi++;
      }
    }
    double[][] s10 = covariance(v10);
    double[][] s01 = covariance(v01);
    double var =
        (s10[0][0] + s10[1][1] - 2 * s10[0][1]) / m + (s01[0][0] + s01[1][1] - 2 * s01[0][1]) / n;
    return new double[] {auc[0], auc[1], Math.sqrt(var)};
  }

  private static double[][] covariance(double[][] v) {
    int len = v[0].length;
    double[] mean = new double[2];
    for (int k = 0; k < 2; k++) {
      for (double x : v[k]) {
        mean[k] += x / len;
      }
    }
    double[][] s = new double[2][2];
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < len; i++) {
          s[r][c] += (v[r][i] - mean[r]) * (v[c][i] - mean[c]) / (len - 1);
        }
      }
    }
    return s;
  }
}
