package io.propensity.runtime.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.runtime.Contributions;
import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ScoringModel;
import io.propensity.runtime.TrainedModelsAccess;
import org.junit.jupiter.api.Test;

class CalibratedModelTest {

  @Test
  void probabilitiesGoThroughTheCalibrationWhileRawScoresAndShapStayTheModels() throws Exception {
    double[][] rows = TrainedModelsAccess.randomRows(300, 5, 3);
    Calibration platt = Calibration.platt(0.7, -1.2);
    try (LightGbmModel model = LightGbmModel.fromModelText(TrainedModelsAccess.smallBinary())) {
      ScoringModel calibrated = CalibratedModel.of(model, platt);

      double[] batch = calibrated.predictProbabilities(rows);
      for (int i = 0; i < rows.length; i++) {
        double raw = model.predictRaw(rows[i]);
        assertThat(calibrated.predictRaw(rows[i])).isEqualTo(raw);
        assertThat(calibrated.predictProbability(rows[i])).isEqualTo(platt.probability(raw));
        assertThat(batch[i]).isEqualTo(platt.probability(raw));
        Contributions c = calibrated.contributions(rows[i]);
        assertThat(c.rawScore()).isCloseTo(raw, within(1e-9));
      }
      assertThat(calibrated.calibration()).isEqualTo(platt);
      assertThat(calibrated.featureCount()).isEqualTo(model.featureCount());
      assertThat(calibrated.contributions(rows)).hasSize(rows.length);
    }
  }

  @Test
  void noCalibrationIsTheModelItself() throws Exception {
    try (LightGbmModel model = LightGbmModel.fromModelText(TrainedModelsAccess.smallBinary())) {
      assertThat(CalibratedModel.of(model, Calibration.none())).isSameAs(model);
      assertThat(model.calibration()).isEqualTo(Calibration.none());
    }
  }

  @Test
  void closingTheCalibratedModelClosesTheModel() throws Exception {
    LightGbmModel model = LightGbmModel.fromModelText(TrainedModelsAccess.smallBinary());
    ScoringModel calibrated = CalibratedModel.of(model, Calibration.platt(1, 0));

    calibrated.close();

    assertThatThrownBy(() -> model.predictRaw(new double[model.featureCount()]))
        .isInstanceOf(IllegalStateException.class);
  }
}
