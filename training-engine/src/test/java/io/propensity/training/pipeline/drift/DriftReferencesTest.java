package io.propensity.training.pipeline.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.runtime.drift.DriftReference;
import io.propensity.runtime.drift.FeatureReference;
import io.propensity.training.pipeline.data.CategoricalVocabulary;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftReferencesTest {

  @Test
  void referenceHoldsTheBinSharesOfTheTrainingRowsOnly() {
    Dataset.Builder b =
        Dataset.builder(
            List.of("amount", "device"), List.of(FeatureKind.NUMERIC, FeatureKind.CATEGORICAL));
    // rows 0-99: training (amount 0..99, one in ten missing; device 1 for 70 %, 2 for 30 %)
    for (int i = 0; i < 100; i++) {
      b.add(new double[] {i % 10 == 9 ? Double.NaN : i, i < 70 ? 1 : 2}, i % 2 == 0);
    }
    // rows 100-149: not training rows, far away: must not move the reference
    for (int i = 0; i < 50; i++) {
      b.add(new double[] {1_000 + i, 3}, false);
    }
    Dataset data =
        b.build()
            .withVocabularies(
                Map.of(
                    "device",
                    new CategoricalVocabulary(
                        "device",
                        List.of(CategoricalVocabulary.MISSING_LABEL, "web", "app", "tv"))));
    int[] train = new int[100];
    for (int i = 0; i < 100; i++) {
      train[i] = i;
    }
    double[] scores = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    DriftReference r = DriftReferences.of(data, train, scores);

    assertThat(r.rows()).isEqualTo(100);
    assertThat(r.scoreRows()).isEqualTo(10);
    FeatureReference amount = r.feature("amount").orElseThrow();
    assertThat(amount.kind()).isEqualTo(FeatureReference.Kind.NUMERIC);
    assertThat(amount.binCount()).isEqualTo(11);
    for (int i = 0; i < 10; i++) {
      assertThat(amount.shares()[i]).as("bin %d", i).isCloseTo(0.09, within(1e-12));
    }
    assertThat(amount.shares()[amount.missingBin()]).isCloseTo(0.1, within(1e-12));
    assertThat(amount.bin(1_000)).isEqualTo(9); // the last bin is open above

    FeatureReference device = r.feature("device").orElseThrow();
    assertThat(device.kind()).isEqualTo(FeatureReference.Kind.CATEGORICAL);
    assertThat(device.labels()).containsExactly("web", "app");
    assertThat(device.shares()).containsExactly(0.7, 0.3, 0, 0);

    assertThat(r.score().edges()).hasSize(9);
    assertThat(r.score().shares()[0]).isCloseTo(0.1, within(1e-12));
  }
}
