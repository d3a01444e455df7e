package io.propensity.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.split.SplitConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingRequestTest {
  private static Dataset rows() {
    Dataset.Builder b = Dataset.builder(List.of("x"), List.of(FeatureKind.NUMERIC));
    for (int i = 0; i < 10; i++) {
      b.add(
          new double[] {i},
          i % 2 == 0,
          Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i),
          "u" + i);
    }
    return b.build();
  }

  private static TrainingSource labelsLookingAhead(Duration horizon) {
    return new TrainingSource.InMemory(rows(), "feature-service training set", "purchase", horizon);
  }

  @Test
  void aRequestBuiltDirectlyKeepsTheLabelHorizonBetweenTrainingAndTestRows() {
    TrainingRequest defaults =
        TrainingRequest.builder(labelsLookingAhead(Duration.ofDays(7))).build();
    TrainingRequest ownSplit =
        TrainingRequest.builder(labelsLookingAhead(Duration.ofDays(7)))
            .split(new SplitConfig(SplitConfig.SplitMode.TIME, 0.2, 0.2, Duration.ZERO, 1))
            .build();

    assertThat(defaults.split().purgeGap()).isEqualTo(Duration.ofDays(7));
    assertThat(ownSplit.split().purgeGap()).isEqualTo(Duration.ofDays(7));
    assertThat(ownSplit.split().mode()).isEqualTo(SplitConfig.SplitMode.TIME);
  }

  @Test
  void aLongerPurgeGapIsKeptAndLabelsThatDoNotLookAheadNeedNone() {
    SplitConfig longer =
        new SplitConfig(SplitConfig.SplitMode.TIME, 0.2, 0.2, Duration.ofDays(30), 1);

    assertThat(
            TrainingRequest.builder(labelsLookingAhead(Duration.ofDays(7)))
                .split(longer)
                .build()
                .split()
                .purgeGap())
        .isEqualTo(Duration.ofDays(30));
    assertThat(
            TrainingRequest.builder(new TrainingSource.InMemory(rows(), "rows", "label"))
                .build()
                .split()
                .purgeGap())
        .isZero();
    assertThat(
            TrainingRequest.builder(labelsLookingAhead(Duration.ofDays(-1)))
                .build()
                .split()
                .purgeGap())
        .isZero();
  }
}
