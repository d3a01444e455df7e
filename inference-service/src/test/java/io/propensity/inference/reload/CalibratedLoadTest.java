package io.propensity.inference.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.GoldenRow;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.calibration.Calibration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A calibrated version serves its calibrated probabilities, and never the artifact's own. */
class CalibratedLoadTest {
  static final Calibration PLATT = Calibration.platt(0.6, -1.2);

  final ModelLoaderTest.Counting models = new ModelLoaderTest.Counting(ModelLoader.JAVA);
  final ModelLoader loader = ModelLoaderTest.loaderWith(1, models);

  static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  /** The probability the version serves for a row: the artifact's raw score through PLATT. */
  static double calibrated(double[] row) {
    return PLATT.probability(logit(TestModels.reference(ModelLoaderTest.TEXT, row)));
  }

  static ModelDescriptor descriptor(
      List<GoldenRow> golden, Calibration calibration, Optional<String> problem) {
    return new ModelDescriptor(
        "purchase-7d",
        3,
        ModelSchema.ofNames(FeatureCatalog.schema().versionHash(), FeatureCatalog.schema().names()),
        Optional.empty(),
        0.4,
        ArtifactFormat.LIGHTGBM_TEXT,
        ModelLoaderTest.SHA,
        ModelLoaderTest.BYTES.length,
        golden,
        Optional.empty(),
        calibration,
        problem);
  }

  static List<GoldenRow> calibratedGolden() {
    return TestModels.rows(3).stream().map(r -> new GoldenRow(r, calibrated(r))).toList();
  }

  @Test
  void aCalibratedVersionServesTheRawScoreThroughItsCalibration() throws Exception {
    ServedModel m =
        loader.load(
            descriptor(calibratedGolden(), PLATT, Optional.empty()),
            ModelLoaderTest.artifact(ModelLoaderTest.BYTES, ModelLoaderTest.SHA),
            "production");
    ServedModels served = new ServedModels("purchase-7d");
    served.swapIn(m);
    double[] row = TestModels.rows(4).get(3);
    double own = TestModels.reference(ModelLoaderTest.TEXT, row);
    try (var lease = served.lease(Optional.empty())) {
      assertThat(lease.probability(row)).isCloseTo(calibrated(row), within(1e-9));
      assertThat(lease.probability(row)).isNotCloseTo(own, within(1e-3));
      // SHAP stays on the raw score: bias + contributions = logit of the artifact's own probability
      assertThat(lease.contributions(row).rawScore()).isCloseTo(logit(own), within(1e-9));
    }
    served.close();
    assertThat(models.closed.get()).isEqualTo(models.opened.get()).isEqualTo(1);
  }

  @Test
  void aVersionWhoseCalibrationWentMissingIsRefusedByItsGoldenRows() {
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                loader.load(
                    descriptor(calibratedGolden(), Calibration.none(), Optional.empty()),
                    ModelLoaderTest.artifact(ModelLoaderTest.BYTES, ModelLoaderTest.SHA),
                    "production"));
    assertThat(e.reason()).isEqualTo(RefusalReason.GOLDEN_ROWS);
    assertThat(models.closed.get()).isEqualTo(models.opened.get());
  }

  @Test
  void aVersionWithAnUnusableCalibrationIsRefusedBeforeItsDownload() {
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                loader.checkDescriptor(
                    descriptor(
                        calibratedGolden(),
                        Calibration.none(),
                        Optional.of(
                            "point 1: probability 0.2 is below the previous point's 0.4"))));
    assertThat(e.reason()).isEqualTo(RefusalReason.CALIBRATION);
    assertThat(e.getMessage())
        .contains("purchase-7d@3")
        .contains("calibration is unusable")
        .contains("point 1");
    assertThat(models.opened.get()).isZero();
  }
}
