package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import propensity.inference.v1.DriftBin;
import propensity.inference.v1.DriftDistribution;
import propensity.inference.v1.DriftStatus;
import propensity.inference.v1.GetDriftResponse;

class DriftCommandTest {

  @Test
  void tableListsTheScoreThenFeaturesWithTheirVerdicts() {
    GetDriftResponse r =
        GetDriftResponse.newBuilder()
            .setModelName("purchase-7d")
            .setModelVersion(3)
            .setStatus(DriftStatus.DRIFT_STATUS_AVAILABLE)
            .setRowsUsed(12_000)
            .setReferenceRows(50_000)
            .setScore(DriftDistribution.newBuilder().setName("score").setPsi(0.05))
            .addFeatures(
                DriftDistribution.newBuilder()
                    .setName("hours_since_last_event")
                    .setPsi(0.4)
                    .addBins(
                        DriftBin.newBuilder()
                            .setLabel("≤ 3")
                            .setReferenceShare(0.1)
                            .setLiveShare(0.02)))
            .addFeatures(DriftDistribution.newBuilder().setName("cart_adds_7d").setPsi(0.12))
            .addFeatures(DriftDistribution.newBuilder().setName("device").setPsi(0.01))
            .build();
    String text = DriftCommand.render(r, 1);
    assertThat(text)
        .contains("purchase-7d v3")
        .contains("12,000 rows compared")
        .containsPattern("\\(score\\)\\s+0\\.0500  -")
        .containsPattern("hours_since_last_event\\s+0\\.4000  MAJOR")
        .containsPattern("cart_adds_7d\\s+0\\.1200  moderate")
        .containsPattern("≤ 3\\s+10\\.00%\\s+2\\.00%");
    assertThat(text.indexOf("hours_since")).isLessThan(text.indexOf("cart_adds"));
  }

  @Test
  void anUnavailableAnswerSaysWhy() {
    GetDriftResponse r =
        GetDriftResponse.newBuilder()
            .setModelName("old")
            .setModelVersion(1)
            .setStatus(DriftStatus.DRIFT_STATUS_UNAVAILABLE)
            .setReason("version 1 of model 'old' was trained before drift references were recorded")
            .build();
    assertThat(DriftCommand.render(r, 0))
        .contains("drift unavailable: version 1 of model 'old' was trained before");
  }
}
