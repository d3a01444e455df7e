package io.propensity.inference.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RankCorrelationTest {

  @Test
  void oneSwappedPairByHand() {
    double[] x = {1, 2, 3, 4};
    double[] y = {1, 3, 2, 4};
    // 5 concordant, 1 discordant of 6 pairs; Σd² = 2, ρ = 1 − 6·2 / (4·15)
    assertThat(RankCorrelation.kendall(x, y)).isCloseTo(4.0 / 6, within(1e-12));
    assertThat(RankCorrelation.spearman(x, y)).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void reversedOrderIsMinusOneAndConstantIsUndefined() {
    double[] x = {0.1, 0.2, 0.3};
    double[] y = {0.9, 0.5, 0.1};
    assertThat(RankCorrelation.kendall(x, y)).isEqualTo(-1.0);
    assertThat(RankCorrelation.spearman(x, y)).isCloseTo(-1.0, within(1e-12));
    assertThat(RankCorrelation.kendall(x, new double[] {1, 1, 1})).isNaN();
  }

  @Test
  void kendallTauBAgreesWithThePairByPairDefinitionWithTies() {
    for (long seed = 1; seed <= 30; seed++) {
      Random r = new Random(seed);
      int n = 2 + r.nextInt(150);
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = r.nextInt(8);
        y[i] = r.nextInt(3) == 0 ? x[i] : r.nextInt(8);
      }
      assertThat(RankCorrelation.kendall(x, y))
          .as("seed %d", seed)
          .isCloseTo(slowTauB(x, y), within(1e-12));
    }
  }

  private static double slowTauB(double[] x, double[] y) {
    long concordant = 0;
    long discordant = 0;
    long tiedXOnly = 0;
    long tiedYOnly = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = i + 1; j < x.length; j++) {
        double dx = Math.signum(x[i] - x[j]);
        double dy = Math.signum(y[i] - y[j]);
        if (dx == 0 && dy == 0) {
          continue;
        } else if (dx == 0) {
          tiedXOnly++;
        } else if (dy == 0) {
          tiedYOnly++;
        } else if (dx == dy) {
          concordant++;
        } else {
          discordant++;
        }
      }
    }
    double d =
        Math.sqrt(
            (double) (concordant + discordant + tiedYOnly) * (concordant + discordant + tiedXOnly));
    return (concordant - discordant) / d;
  }
}
