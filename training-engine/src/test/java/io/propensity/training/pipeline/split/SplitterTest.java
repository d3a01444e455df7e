package io.propensity.training.pipeline.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.training.pipeline.SyntheticData;
import io.propensity.training.pipeline.TrainingDataException;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.data.SplitPart;
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

  @Test
  void timeBlockFoldsNeverValidateOnACutoffWithinThePurgeGapOfTheirFitRows() {
    Dataset d = SyntheticData.dataset(3000, 4, -1.8, 12, true); // monthly cutoffs
    int[] rows = IntStream.range(0, d.rowCount()).toArray();
    for (Duration gap : List.of(Duration.ZERO, Duration.ofDays(7), Duration.ofDays(40))) {
      List<Fold> folds = Splitter.folds(d, rows, 4, true, gap, 3, 1);
      assertThat(folds).as("gap " + gap).hasSizeBetween(2, 4); // never repeated
      assertThat(Splitter.isTimeBlocked(d, folds, gap)).isTrue();
      for (Fold f : folds) {
        long minValid = Arrays.stream(f.validate()).mapToLong(d::cutoffMillis).min().orElseThrow();
        assertThat(minValid).as("gap " + gap).isGreaterThan(maxCutoff(d, f.fit()) + gap.toMillis());
        // forward chaining: each fold validates later than the one before
        if (f.index() > 0) {
          Fold previous = folds.get(f.index() - 1);
          assertThat(minValid).isGreaterThan(maxCutoff(d, previous.validate()));
        }
      }
    }
  }

  @Test
  void aGapTooWideForKBlocksGivesFewerTimeBlockFoldsBeforeFallingBackToStratified() {
    Dataset d = SyntheticData.dataset(1600, 4, -1.8, 8, true); // 8 monthly cutoffs
    int[] rows = IntStream.range(0, d.rowCount()).toArray();

    List<Fold> twoMonthGap = Splitter.folds(d, rows, 4, true, Duration.ofDays(62), 1, 1);
    assertThat(Splitter.isTimeBlocked(d, twoMonthGap, Duration.ofDays(62))).isTrue();
    assertThat(twoMonthGap).hasSize(2); // 4 and 3 blocks leave the first fold nothing to fit

    List<Fold> yearGap = Splitter.folds(d, rows, 4, true, Duration.ofDays(365), 1, 1);
    assertThat(Splitter.isTimeBlocked(d, yearGap, Duration.ofDays(365))).isFalse();
    assertThat(yearGap).hasSize(4); // stratified
  }

  @Test
  void repeatedStratifiedFoldsPartitionTheRowsOncePerRepeatWithOtherShuffles() {
    Dataset d = SyntheticData.dataset(900, 5, -1.8, 1, false);
    int[] rows = IntStream.range(0, d.rowCount()).toArray();
    List<Fold> folds = Splitter.folds(d, rows, 3, true, Duration.ZERO, 3, 9);

    assertThat(folds).hasSize(9);
    assertThat(folds).extracting(Fold::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    for (int r = 0; r < 3; r++) {
      int[] validated =
          folds.subList(3 * r, 3 * r + 3).stream()
              .flatMapToInt(f -> Arrays.stream(f.validate()))
              .sorted()
              .toArray();
      assertThat(validated).as("repeat " + r).isEqualTo(rows);
    }
    assertThat(folds.get(0).validate()).isNotEqualTo(folds.get(3).validate());
    assertThat(folds.get(3).validate()).isNotEqualTo(folds.get(6).validate());
    // the first repeat is the plain k-fold
    List<Fold> once = Splitter.folds(d, rows, 3, true, 9);
    for (int f = 0; f < 3; f++) {
      assertThat(folds.get(f).validate()).isEqualTo(once.get(f).validate());
    }
  }

  @Test
  void aPredefinedSplitPutsEveryRowWhereItsPartSays() {
    Dataset base = SyntheticData.dataset(600, 6, -1.8, 1, false);
    Dataset.Builder b = Dataset.builder(base.featureNames(), base.kinds(), base.rowCount());
    SplitPart[] parts = SplitPart.values();
    for (int i = 0; i < base.rowCount(); i++) {
      b.add(base.row(i), base.label(i), null, null, parts[(i * 7) % 3]);
    }
    Dataset d = b.build();

    for (SplitConfig.SplitMode mode :
        List.of(SplitConfig.SplitMode.AUTO, SplitConfig.SplitMode.PREDEFINED)) {
      DataSplit s = Splitter.split(d, new SplitConfig(mode, 0.3, 0.3, Duration.ofDays(3), 1));
      assertThat(s.method()).isEqualTo(SplitConfig.SplitMode.PREDEFINED);
      assertThat(s.train())
          .isEqualTo(IntStream.range(0, 600).filter(i -> (i * 7) % 3 == 0).toArray());
      assertThat(s.validation())
          .isEqualTo(IntStream.range(0, 600).filter(i -> (i * 7) % 3 == 1).toArray());
      assertThat(s.test())
          .isEqualTo(IntStream.range(0, 600).filter(i -> (i * 7) % 3 == 2).toArray());
    }
    // an explicit stratified split ignores the parts
    assertThat(Splitter.split(d, SplitConfig.defaults(1)).method())
        .isEqualTo(SplitConfig.SplitMode.PREDEFINED);
    assertThat(
            Splitter.split(
                    d,
                    new SplitConfig(SplitConfig.SplitMode.STRATIFIED, 0.2, 0.2, Duration.ZERO, 1))
                .method())
        .isEqualTo(SplitConfig.SplitMode.STRATIFIED);
  }

  @Test
  void aPredefinedSplitWithoutPartsOrWithAnEmptyPartIsRefusedWithWhatToChange() {
    Dataset noParts = SyntheticData.dataset(100, 6, -1.8, 1, false);
    SplitConfig predefined =
        new SplitConfig(SplitConfig.SplitMode.PREDEFINED, 0.2, 0.2, Duration.ZERO, 1);
    assertThatThrownBy(() -> Splitter.split(noParts, predefined))
        .isInstanceOf(TrainingDataException.class)
        .hasMessageContaining("give a split column");

    Dataset.Builder b = Dataset.builder(noParts.featureNames(), noParts.kinds());
    for (int i = 0; i < noParts.rowCount(); i++) {
      b.add(
          noParts.row(i),
          noParts.label(i),
          null,
          null,
          i % 2 == 0 ? SplitPart.TRAIN : SplitPart.TEST);
    }
    assertThatThrownBy(() -> Splitter.split(b.build(), predefined))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage(
            "the split column puts no rows in validation; each of train, validation and test needs"
                + " positive and negative rows: mark more rows validation");
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
