package io.propensity.training.pipeline.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.training.pipeline.SyntheticData;
import io.propensity.training.pipeline.TrainingDataException;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitterTest {

  @Test
  void timeSplitNeverPutsALaterCutoffInTrainThanInTest() {
    Dataset d = SyntheticData.dataset(3000, 1, -1.8, 10, true);
    DataSplit s = Splitter.split(d, SplitConfig.defaults(7));
    assertThat(s.method()).isEqualTo(SplitConfig.SplitMode.TIME);
    long latestTrain = maxCutoff(d, s.trainAndValidation());
    long earliestTest = Arrays.stream(s.test()).mapToLong(d::cutoffMillis).min().orElseThrow();
    assertThat(latestTrain).isLessThan(earliestTest);
    // validation is the latest period of what remains
    assertThat(maxCutoff(d, s.train()))
        .isLessThan(Arrays.stream(s.validation()).mapToLong(d::cutoffMillis).min().orElseThrow());
    assertThat(s.test().length).isBetween(550, 950); // ~20 % in whole cutoffs
    assertPartition(d, s);
  }

  @Test
  void aPurgeGapKeepsTrainingCutoffsAwayFromTheTestPeriod() {
    Dataset d = SyntheticData.dataset(3000, 1, -1.8, 10, true);
    SplitConfig config =
        new SplitConfig(SplitConfig.SplitMode.TIME, 0.2, 0.15, Duration.ofDays(40), 7);
    DataSplit s = Splitter.split(d, config);
    long earliestTest = Arrays.stream(s.test()).mapToLong(d::cutoffMillis).min().orElseThrow();
    assertThat(maxCutoff(d, s.trainAndValidation()))
        .isLessThanOrEqualTo(earliestTest - Duration.ofDays(40).toMillis());
  }

  @Test
  void stratifiedSplitKeepsTheClassRatio() {
    Dataset d = SyntheticData.dataset(4000, 2, -4.0, 1, false);
    double overall = (double) d.positiveCount() / d.rowCount();
    DataSplit s = Splitter.split(d, SplitConfig.defaults(11));
    assertThat(s.method()).isEqualTo(SplitConfig.SplitMode.STRATIFIED);
    for (int[] part : List.of(s.train(), s.validation(), s.test())) {
      assertThat(rate(d, part)).isCloseTo(overall, within(0.01));
    }
    assertThat((double) s.test().length / d.rowCount()).isCloseTo(0.2, within(0.01));
    assertPartition(d, s);
  }

  @Test
  void stratifiedSplitIsReproducibleForASeed() {
    Dataset d = SyntheticData.dataset(1000, 3, -1.8, 1, false);
    assertThat(Splitter.split(d, SplitConfig.defaults(5)).test())
        .isEqualTo(Splitter.split(d, SplitConfig.defaults(5)).test());
    assertThat(Splitter.split(d, SplitConfig.defaults(5)).test())
        .isNotEqualTo(Splitter.split(d, SplitConfig.defaults(6)).test());
  }

  @Test
  void timeBlockFoldsAlwaysValidateAfterWhatTheyFitOn() {
    Dataset d = SyntheticData.dataset(3000, 4, -1.8, 12, true);
    int[] rows = IntStream.range(0, d.rowCount()).toArray();
    List<Fold> folds = Splitter.folds(d, rows, 4, true, 1);
    assertThat(folds).hasSize(4);
    for (Fold f : folds) {
      long minValid = Arrays.stream(f.validate()).mapToLong(d::cutoffMillis).min().orElseThrow();
      assertThat(maxCutoff(d, f.fit())).isLessThan(minValid);
    }
  }

  @Test
  void stratifiedFoldsPartitionTheRowsWithTheClassRatio() {
    Dataset d = SyntheticData.dataset(2000, 5, -3.0, 1, false);
    int[] rows = IntStream.range(0, d.rowCount()).toArray();
    List<Fold> folds = Splitter.folds(d, rows, 5, true, 9);
    int[] validated =
        folds.stream().flatMapToInt(f -> Arrays.stream(f.validate())).sorted().toArray();
    assertThat(validated).isEqualTo(rows);
    double overall = (double) d.positiveCount() / d.rowCount();
    for (Fold f : folds) {
      assertThat(f.fit().length + f.validate().length).isEqualTo(d.rowCount());
      assertThat(rate(d, f.validate())).isCloseTo(overall, within(0.01));
    }
  }

  @Test
  void aShortSessionLogWithoutPositivesInItsLastCutoffsMovesTheTestPeriodBack() {
    // a 3-hour log, cutoffs every 10 minutes, purge gap the 30-minute session gap; positives only
    // at cutoffs 2, 3, 6 and 10, none in the latest 20% of the rows that a test period would take
    Dataset d = sessions(15, 30, Map.of(2, 1, 3, 1, 6, 1, 10, 1));
    SplitConfig config =
        new SplitConfig(SplitConfig.SplitMode.TIME, 0.2, 0.15, Duration.ofMinutes(30), 7);

    DataSplit s = Splitter.split(d, config);

    assertThat(s.method()).isEqualTo(SplitConfig.SplitMode.TIME);
    for (int[] part : List.of(s.train(), s.validation(), s.test())) {
      assertThat(Arrays.stream(part).filter(d::label).count()).isPositive();
      assertThat(Arrays.stream(part).filter(i -> !d.label(i)).count()).isPositive();
    }
    long earliestTest = Arrays.stream(s.test()).mapToLong(d::cutoffMillis).min().orElseThrow();
    assertThat(earliestTest).isEqualTo(cutoff(10));
    assertThat(maxCutoff(d, s.trainAndValidation()))
        .isLessThanOrEqualTo(earliestTest - Duration.ofMinutes(30).toMillis());
    assertThat(maxCutoff(d, s.train()))
        .isLessThan(Arrays.stream(s.validation()).mapToLong(d::cutoffMillis).min().orElseThrow());
    assertThat(s.note())
        .contains("the test period starts at " + Instant.ofEpochMilli(cutoff(10)))
        .contains("20% were asked for");
  }

  @Test
  void aValidationPeriodWithoutPositivesMovesToTheNearestThatHasThem() {
    // positives at cutoffs 2, 3 and 13: the asked validation period (cutoffs 8-9) has none
    Dataset d = sessions(15, 30, Map.of(2, 1, 3, 1, 13, 2));
    SplitConfig config =
        new SplitConfig(SplitConfig.SplitMode.TIME, 0.2, 0.15, Duration.ofMinutes(30), 7);

    DataSplit s = Splitter.split(d, config);

    for (int[] part : List.of(s.train(), s.validation(), s.test())) {
      assertThat(Arrays.stream(part).filter(d::label).count()).isPositive();
    }
    assertThat(s.note()).contains("the validation period starts at");
    assertPartitionWithin(d, s);
  }

  @Test
  void aTimeSplitThatCannotHoldBothClassesSaysWhichOptionsWould() {
    // every positive at the earliest cutoff: no later test period can hold one
    Dataset d = sessions(15, 30, Map.of(0, 4));
    SplitConfig config =
        new SplitConfig(SplitConfig.SplitMode.TIME, 0.2, 0.15, Duration.ofMinutes(30), 7);

    assertThatThrownBy(() -> Splitter.split(d, config))
        .isInstanceOf(TrainingDataException.class)
        .hasMessageContaining("no test period after the training rows can hold a positive row")
        .hasMessageContaining("(a later --to)")
        .hasMessageContaining("--split stratified");
  }

  private static void assertPartition(Dataset d, DataSplit s) {
    int[] all =
        IntStream.concat(
                IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())),
                Arrays.stream(s.test()))
            .sorted()
            .toArray();
    assertThat(all).doesNotHaveDuplicates();
    assertThat(all.length).isEqualTo(d.rowCount());
  }

  /** With a purge gap some rows are in no part; the parts never overlap. */
  private static void assertPartitionWithin(Dataset d, DataSplit s) {
    int[] all =
        IntStream.concat(
                IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())),
                Arrays.stream(s.test()))
            .toArray();
    assertThat(all).doesNotHaveDuplicates();
    assertThat(all.length).isLessThanOrEqualTo(d.rowCount());
  }

  private static final Instant LOG_START = Instant.parse("2019-10-01T02:00:00Z");

  private static long cutoff(int k) {
    return LOG_START.plus(Duration.ofMinutes(10L * k)).toEpochMilli();
  }

  /**
   * In-session rows of a short log: {@code rowsPerCutoff} rows at each of {@code cutoffs} cutoffs
   * 10 minutes apart, {@code positives.get(k)} of those at cutoff k positive.
   */
  private static Dataset sessions(int cutoffs, int rowsPerCutoff, Map<Integer, Integer> positives) {
    Dataset.Builder b = Dataset.builder(List.of("depth"), List.of(FeatureKind.NUMERIC));
    for (int k = 0; k < cutoffs; k++) {
      int pos = positives.getOrDefault(k, 0);
      for (int i = 0; i < rowsPerCutoff; i++) {
        b.add(new double[] {i}, i < pos, Instant.ofEpochMilli(cutoff(k)), "s" + k + "-" + i);
      }
    }
    return b.build();
  }

  private static long maxCutoff(Dataset d, int[] rows) {
    return Arrays.stream(rows).mapToLong(d::cutoffMillis).max().orElseThrow();
  }

  private static double rate(Dataset d, int[] rows) {
    return (double) Arrays.stream(rows).filter(d::label).count() / rows.length;
  }
}
