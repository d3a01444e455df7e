package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invariants over many generated rows, including extreme, zero, infinite and missing values. */
class ShapInvariantTest {

  private static final double[] SPECIAL = {
    Double.NaN,
    0.0,
    -0.0,
    1e-300,
    -1e6,
    1e6,
    Double.MAX_VALUE,
    Double.NEGATIVE_INFINITY,
    Double.POSITIVE_INFINITY
  };

  private static LightGbmModel model;

  @BeforeAll
  static void load() throws ModelLoadException {
    model = LightGbmModel.fromModelText(TrainedModels.smallBinary());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void shapValuesSumToTheRawScoreForAnyRow() {
    for (double[] row : generatedRows(2_000, 21)) {
      assertThat(model.contributions(row).rawScore())
          .as("row %s", java.util.Arrays.toString(row))
          .isCloseTo(model.predictRaw(row), within(1e-9));
    }
  }

  @Test
  void probabilityIsTheSigmoidOfTheRawScoreForAnyRow() {
    for (double[] row : generatedRows(2_000, 22)) {
      double raw = model.predictRaw(row);
      assertThat(model.predictProbability(row))
          .as("row %s", java.util.Arrays.toString(row))
          .isCloseTo(1 / (1 + Math.exp(-raw)), within(1e-12));
    }
  }

  private static double[][] generatedRows(int count, long seed) {
    Random random = new Random(seed);
    double[][] rows = new double[count][5];
    for (double[] row : rows) {
      for (int f = 0; f < row.length; f++) {
        row[f] =
            random.nextDouble() < 0.2
                ? SPECIAL[random.nextInt(SPECIAL.length)]
                : 3 * random.nextGaussian();
      }
    }
    return rows;
  }
}
