package io.propensity.training.pipeline;

import io.propensity.training.pipeline.data.CsvDatasetLoader;
import io.propensity.training.pipeline.data.CsvOptions;
import io.propensity.training.pipeline.data.Dataset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Where the training rows come from. */
public sealed interface TrainingSource {

  /** Loads the rows (may be slow: reads a file). */
  Dataset load();

  /** For lineage: a human-readable description of the source. */
  String description();

  /** The label's name, for messages. */
  String labelName();

  /**
   * How far past a row's cutoff its label looks (the horizon of a point-in-time training set); zero
   * when labels do not look ahead. A time split keeps at least this gap between training and test
   * rows, so no training label covers the test period.
   */
  default Duration labelHorizon() {
    return Duration.ZERO;
  }

  /**
   * What a user can change to get more rows, or rows of a missing class, for refusals: e.g. for a
   * feature-service training set "widen the cutoffs (an earlier --from or a later --to)".
   */
  default String moreRowsAdvice() {
    return "add rows";
  }

  /** A tabular file a user brings. */
  record CsvFile(Path path, CsvOptions options) implements TrainingSource {
    public CsvFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(options, "options");
    }

    @Override
    public Dataset load() {
      return CsvDatasetLoader.load(path, options);
    }

    @Override
    public String description() {
      return "csv:" + path.toAbsolutePath().normalize() + " (label " + options.labelColumn() + ")";
    }

    @Override
    public String labelName() {
      return options.labelColumn();
    }

    @Override
    public String moreRowsAdvice() {
      return "add rows to the file";
    }
  }

  /**
   * Rows the caller already holds, e.g. a training set streamed from feature-service.
   *
   * @param description what the rows are, for lineage (e.g. {@code feature-service training set
   *     ts-42})
   * @param labelName what the label is called, for messages (e.g. {@code purchase_7d})
   * @param labelHorizon how far past a row's cutoff its label looks
   * @param moreRowsAdvice what to change for more rows, for refusals (see {@link
   *     TrainingSource#moreRowsAdvice})
   */
  record InMemory(
      Dataset dataset,
      String description,
      String labelName,
      Duration labelHorizon,
      String moreRowsAdvice)
      implements TrainingSource {
    public InMemory {
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(labelName, "labelName");
      Objects.requireNonNull(labelHorizon, "labelHorizon");
      Objects.requireNonNull(moreRowsAdvice, "moreRowsAdvice");
    }

    /** Rows whose labels look {@code labelHorizon} past their cutoffs. */
    public InMemory(Dataset dataset, String description, String labelName, Duration labelHorizon) {
      this(dataset, description, labelName, labelHorizon, "add rows");
    }

    /** Rows whose labels do not look past their cutoffs. */
    public InMemory(Dataset dataset, String description, String labelName) {
      this(dataset, description, labelName, Duration.ZERO);
    }

    @Override
    public Dataset load() {
      return dataset;
    }
  }
}
