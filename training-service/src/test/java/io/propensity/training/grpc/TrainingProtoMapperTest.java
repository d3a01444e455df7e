package io.propensity.training.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.runtime.calibration.CalibrationMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import propensity.training.v1.DataSource;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.TabularFileSource;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;

class TrainingProtoMapperTest {
  @Test
  void aFilePathThatIsNoPathOnTheServerIsAFieldViolationNotAnUntypedError() {
    TrainingSpec spec =
        TrainingSpec.newBuilder()
            .setModelName("bad-path")
            .setDataSource(
                DataSource.newBuilder()
                    .setTabularFile(
                        TabularFileSource.newBuilder()
                            .setPath("nul\0.csv")
                            .setLabelColumn("label")))
            .setTuning(TuningSpec.newBuilder().setStrategy(SearchStrategy.SEARCH_STRATEGY_NONE))
            .build();

    InvalidInputException e =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                TrainingProtoMapper.toDefinition(
                    spec,
                    "",
                    s -> {
                      throw new AssertionError("no feature-service training set asked for");
                    },
                    Path.of("data")));

    assertThat(e.violations())
        .extracting(FieldError::field)
        .containsExactly("spec.data_source.tabular_file.path");
  }

  @Test
  void theSpecsCalibrationReachesTheRequestAutoWhenUnsetAndAnUnknownOneIsAViolation() {
    List<FieldError> errors = new ArrayList<>();

    assertThat(
            TrainingProtoMapper.calibration(
                propensity.training.v1.CalibrationMethod.CALIBRATION_METHOD_UNSPECIFIED, errors))
        .isEqualTo(CalibrationMethod.AUTO);
    assertThat(
            TrainingProtoMapper.calibration(
                propensity.training.v1.CalibrationMethod.CALIBRATION_METHOD_ISOTONIC, errors))
        .isEqualTo(CalibrationMethod.ISOTONIC);
    assertThat(
            TrainingProtoMapper.calibration(
                propensity.training.v1.CalibrationMethod.CALIBRATION_METHOD_NONE, errors))
        .isEqualTo(CalibrationMethod.NONE);
    assertThat(errors).isEmpty();
    TrainingProtoMapper.calibration(propensity.training.v1.CalibrationMethod.UNRECOGNIZED, errors);
    assertThat(errors).extracting(FieldError::field).containsExactly("spec.calibration");
    for (CalibrationMethod m : CalibrationMethod.values()) {
      assertThat(TrainingProtoMapper.calibration(TrainingProtoMapper.toProto(m), errors))
          .isEqualTo(m);
    }
  }
}
