package io.propensity.training.pipeline;

import io.propensity.training.pipeline.split.SplitConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a model came from: the data, how it was split, and the seed.
 *
 * @param source description of the training data source
 * @param totalRows rows loaded
 * @param trainRows rows fitted on (before resampling)
 * @param validationRows rows used for early stopping and the threshold
 * @param testRows rows evaluated on, never touched before evaluation
 * @param positiveRate share of positive rows over all rows
 * @param trainPositiveRate share of positive rows in train
 * @param testPositiveRate share of positive rows in test
 * @param splitMethod TIME or STRATIFIED
 * @param firstCutoff earliest cutoff in the data (time-stamped data only)
 * @param lastTrainCutoff latest cutoff among train and validation rows (time split only)
 * @param cutoffs every distinct cutoff of the data, ascending (time-stamped data only)
 * @param testCutoffs cutoffs that form the test set (time split only)
 * @param imbalance the imbalance strategy applied to fitting rows
 * @param syntheticRows synthetic rows added by SMOTE to the final fit
 * @param refitOnValidation whether the final model was refitted on train + validation
 * @param seed the run's seed
 * @param notes what the pipeline decided on its own (fallbacks), human-readable
 * @param trainedAt when training finished
 */
public record Lineage(
    String source,
    int totalRows,
    int trainRows,
    int validationRows,
    int testRows,
    double positiveRate,
    double trainPositiveRate,
    double testPositiveRate,
    SplitConfig.SplitMode splitMethod,
    Optional<Instant> firstCutoff,
    Optional<Instant> lastTrainCutoff,
    List<Instant> cutoffs,
    List<Instant> testCutoffs,
    String imbalance,
    int syntheticRows,
    boolean refitOnValidation,
    long seed,
    List<String> notes,
    Instant trainedAt) {

  public Lineage {
    cutoffs = List.copyOf(cutoffs);
    testCutoffs = List.copyOf(testCutoffs);
    notes = List.copyOf(notes);
  }
}
