package io.propensity.training.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import java.nio.file.Path;
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
}
