package io.propensity.training.pipeline.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConstantFeaturesTest {

  /** 2,000 rows: a varying column, an all-missing one, an all-zero one, one set in a single row. */
  private static Dataset data() {
    Dataset.Builder b =
        Dataset.builder(
            List.of("x", "price", "dwell", "rare"),
            List.of(
                FeatureKind.NUMERIC,
                FeatureKind.NUMERIC,
                FeatureKind.NUMERIC,
                FeatureKind.BOOLEAN));
    for (int i = 0; i < 2000; i++) {
      b.add(new double[] {i % 7, Double.NaN, 0, i == 3 ? 1 : 0}, i % 3 == 0);
    }
    return b.build();
  }

  @Test
  void findsConstantMissingAndAlmostConstantColumns() {
    ConstantFeatures c = ConstantFeatures.find(data(), IntStream.range(0, 2000).toArray());

    assertThat(c.constant()).containsExactly("price", "dwell");
    assertThat(c.constantIndices()).containsExactly(1, 2);
    assertThat(c.missing()).containsExactly("price");
    assertThat(c.nearlyConstant()).containsExactly("rare");
    assertThat(c.notes())
        .containsExactly(
            "missing in every training row (the data cannot feed them), left out of the baseline"
                + " and ignored by LightGBM: price",
            "constant in the training rows, left out of the baseline and ignored by LightGBM:"
                + " dwell",
            "almost constant in the training rows (one value in more than 99.9% of them): rare");
  }

  @Test
  void aColumnIsConstantOnlyOverTheRowsLookedAt() {
    // rows 0..2 have rare = 0 everywhere: over them, rare is constant
    ConstantFeatures c = ConstantFeatures.find(data(), new int[] {0, 1, 2});

    assertThat(c.constant()).containsExactly("price", "dwell", "rare");
    assertThat(c.nearlyConstant()).isEmpty();
  }

  @Test
  void noRowsNothingToReport() {
    ConstantFeatures c = ConstantFeatures.find(data(), new int[0]);

    assertThat(c.isEmpty()).isTrue();
    assertThat(c.notes()).isEmpty();
  }

  @Test
  void aMissingFeatureMustBeConstant() {
    assertThatThrownBy(
            () -> new ConstantFeatures(List.of("a"), List.of(0), List.of(), List.of("b")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
