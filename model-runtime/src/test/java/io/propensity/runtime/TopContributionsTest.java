package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.runtime.explain.Factor;
import io.propensity.runtime.explain.TopFactors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ScoringModel#topContributions}'s default, for models that only give full explanations. */
class TopContributionsTest {

  /** A model whose every row is explained by the same contributions. */
  private static ScoringModel explainedBy(Contributions c) {
    return new ScoringModel() {
      @Override
      public int featureCount() {
        return c.featureCount();
      }

      @Override
      public double predictProbability(double[] row) {
        return 0.5;
      }

      @Override
      public double[] predictProbabilities(double[][] rows) {
        return new double[rows.length];
      }

      @Override
      public double predictRaw(double[] row) {
        return c.rawScore();
      }

      @Override
      public Contributions contributions(double[] row) {
        return c;
      }

      @Override
      public Contributions[] contributions(double[][] rows) {
        return new Contributions[] {c};
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void theDefaultKeepsTopFactorsOrderWithTiesZerosAndSignsOnRandomContributions() {
    Random random = new Random(13);
    double[] pool = {0.0, 0.0, 0.5, -0.5, 1.0, -1.0, 0.25, 2.0, -2.0, 1e-300};
    for (int trial = 0; trial < 5_000; trial++) {
      int count = 1 + random.nextInt(12);
      double[] perFeature = new double[count];
      List<String> names = new ArrayList<>();
      for (int f = 0; f < count; f++) {
        perFeature[f] =
            random.nextBoolean() ? pool[random.nextInt(pool.length)] : random.nextGaussian();
        names.add("f" + f);
      }
      Contributions c = new Contributions(perFeature, 0.3);
      int k = random.nextInt(count + 2);
      List<Factor> expected = TopFactors.top(c, new double[count], names, k);
      int[] features = new int[k];
      double[] values = new double[k];

      int n = explainedBy(c).topContributions(new double[count], k, features, values);

      assertThat(n).isEqualTo(expected.size());
      for (int i = 0; i < n; i++) {
        assertThat(names.get(features[i])).isEqualTo(expected.get(i).feature());
        assertThat(values[i]).isEqualTo(expected.get(i).contribution());
      }
    }
  }
}
