package io.propensity.training.pipeline.split;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Row indices (into the dataset, ascending) of the train, validation and test parts. The parts are
 * disjoint; with a purge gap some rows are in none of them.
 *
 * @param method TIME or STRATIFIED, whichever was actually used
 * @param testCutoffs the cutoffs whose rows form the test set (time split only), ascending
 * @param lastTrainCutoff the latest cutoff among train and validation rows (time split only)
 * @param note why a requested method was not used, or empty
 */
public record DataSplit(
    int[] train,
    int[] validation,
    int[] test,
    SplitConfig.SplitMode method,
    List<Instant> testCutoffs,
    Optional<Instant> lastTrainCutoff,
    String note) {

  public DataSplit {
    train = train.clone();
    validation = validation.clone();
    test = test.clone();
    testCutoffs = List.copyOf(testCutoffs);
  }

  @Override
  public int[] train() {
    return train.clone();
  }

  @Override
  public int[] validation() {
    return validation.clone();
  }

  @Override
  public int[] test() {
    return test.clone();
  }

  /** Train and validation rows together, ascending. */
  public int[] trainAndValidation() {
    int[] out = new int[train.length + validation.length];
    System.arraycopy(train, 0, out, 0, train.length);
    System.arraycopy(validation, 0, out, train.length, validation.length);
    java.util.Arrays.sort(out);
    return out;
  }
}
