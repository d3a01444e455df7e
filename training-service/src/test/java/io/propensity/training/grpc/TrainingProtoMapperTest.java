package io.propensity.training.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.training.jobs.JobDefinition;
import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingSource;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.split.SplitConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import propensity.training.v1.DataSource;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.SplitSpec;
import propensity.training.v1.SplitStrategy;
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

  private static JobDefinition<TrainingSpec> define(TrainingSpec spec) {
    return TrainingProtoMapper.toDefinition(
        spec,
        "",
        s -> {
          throw new AssertionError("no feature-service training set asked for");
        },
        Path.of("data"));
  }

  private static TrainingSpec.Builder tabular(TabularFileSource.Builder file) {
    return TrainingSpec.newBuilder()
        .setModelName("split-column")
        .setDataSource(DataSource.newBuilder().setTabularFile(file));
  }

  private static TrainingRequest requestFor(JobDefinition<TrainingSpec> job) {
    Dataset rows =
        Dataset.ofNumeric(List.of("x"), new double[][] {{1}, {2}}, new boolean[] {true, false});
    return job.request().apply(new TrainingSource.InMemory(rows, "rows", "label"));
  }

  @Test
  void aSplitColumnMakesThePredefinedSplitAndReachesTheCsvReader() {
    JobDefinition<TrainingSpec> job =
        define(
            tabular(
                    TabularFileSource.newBuilder()
                        .setPath("/data/rows.csv")
                        .setLabelColumn("bought")
                        .setSplitColumn("part"))
                .build());

    assertThat(requestFor(job).split().mode()).isEqualTo(SplitConfig.SplitMode.PREDEFINED);
    TrainingSource source = job.loader().load(p -> {}, CancellationToken.none());
    assertThat(((TrainingSource.CsvFile) source).options().splitColumn()).contains("part");
  }

  @Test
  void anIdColumnReachesTheCsvReaderAsTheRowsUserIdAndNoneLeavesItUnset() {
    TrainingSource withId =
        define(
                tabular(
                        TabularFileSource.newBuilder()
                            .setPath("/data/rows.csv")
                            .setLabelColumn("bought")
                            .setIdColumn("session_id"))
                    .build())
            .loader()
            .load(p -> {}, CancellationToken.none());
    TrainingSource without =
        define(
                tabular(
                        TabularFileSource.newBuilder()
                            .setPath("/data/rows.csv")
                            .setLabelColumn("bought"))
                    .build())
            .loader()
            .load(p -> {}, CancellationToken.none());

    assertThat(((TrainingSource.CsvFile) withId).options().userIdColumn()).contains("session_id");
    assertThat(((TrainingSource.CsvFile) without).options().userIdColumn()).isEmpty();
  }

  @Test
  void aSplitColumnWithASplitStrategyIsAFieldViolation() {
    TrainingSpec spec =
        tabular(
                TabularFileSource.newBuilder()
                    .setPath("/data/rows.csv")
                    .setLabelColumn("bought")
                    .setSplitColumn("part"))
            .setSplit(SplitSpec.newBuilder().setStrategy(SplitStrategy.SPLIT_STRATEGY_STRATIFIED))
            .build();

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> define(spec));

    assertThat(e.violations()).extracting(FieldError::field).containsExactly("spec.split.strategy");
  }

  @Test
  void theNewRegularisationParametersCanBeFixedWithoutTuningAndTheRestScaleToTheData() {
    TrainingSpec spec =
        tabular(TabularFileSource.newBuilder().setPath("/data/rows.csv").setLabelColumn("bought"))
            .setTuning(TuningSpec.newBuilder().setStrategy(SearchStrategy.SEARCH_STRATEGY_NONE))
            .putFixedParams("max_depth", "3")
            .putFixedParams("min_sum_hessian_in_leaf", "0.5")
            .putFixedParams("num_threads", "1")
            .build();

    TrainingRequest request = requestFor(define(spec));

    assertThat(request.hyperparameters()).isEmpty();
    assertThat(request.fixedParameters())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("max_depth", 3.0, "min_sum_hessian_in_leaf", 0.5));
    assertThat(request.boosting().numThreads()).isEqualTo(1);
    Hyperparameters hp = request.untunedHyperparameters(1000, 50);
    assertThat(hp.maxDepth()).isEqualTo(3);
    assertThat(hp.minDataInLeaf()).isEqualTo(Hyperparameters.forData(1000, 50).minDataInLeaf());

    InvalidInputException e =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                define(
                    spec.toBuilder()
                        .setTuning(TuningSpec.getDefaultInstance())
                        .putFixedParams("min_sum_hessian_in_leaf", "-1")
                        .build()));
    assertThat(e.violations())
        .extracting(FieldError::field)
        .contains("spec.fixed_params[max_depth]", "spec.fixed_params[min_sum_hessian_in_leaf]");
  }
}
