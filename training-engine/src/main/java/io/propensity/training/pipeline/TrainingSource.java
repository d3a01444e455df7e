package io.propensity.training.pipeline;

import io.propensity.training.pipeline.data.CsvDatasetLoader;
import io.propensity.training.pipeline.data.CsvOptions;
import io.propensity.training.pipeline.data.Dataset;
import java.nio.file.Path;
import java.util.Objects;

/** Where the training rows come from. */
public sealed interface TrainingSource {

  /** Loads the rows (may be slow: reads a file). */
  Dataset load();

  /** For lineage: a human-readable description of the source. */
  String description();

  /** The label's name, for messages. */
  String labelName();

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
  }

  /**
   * Rows the caller already holds, e.g. a training set streamed from feature-service.
   *
   * @param description what the rows are, for lineage (e.g. {@code feature-service training set
   *     ts-42})
   * @param labelName what the label is called, for messages (e.g. {@code purchase_7d})
   */
  record InMemory(Dataset dataset, String description, String labelName) implements TrainingSource {
    public InMemory {
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(labelName, "labelName");
    }

    @Override
    public Dataset load() {
      return dataset;
    }
  }
}
