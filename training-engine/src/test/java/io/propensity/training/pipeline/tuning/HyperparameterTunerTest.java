package io.propensity.training.pipeline.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.CancelledException;
import io.propensity.training.pipeline.Progress;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.Stage;
import io.propensity.training.pipeline.SyntheticData;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.EarlyStoppingMetric;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HyperparameterTunerTest {
  private final Dataset data = SyntheticData.dataset(1000, 41, -1.8, 1, false);
  private final int[] train = IntStream.range(0, data.rowCount()).toArray();
  private final BoostingSettings boosting =
      new BoostingSettings(120, 10, EarlyStoppingMetric.BINARY_LOGLOSS, 1, 3);

  private TuningConfig config(SearchMethod method, int trials, Duration time, int parallelism) {
    return TuningConfig.defaults(17)
        .withMethod(method)
        .withBudget(trials, time)
        .withFolds(3)
        .withParallelism(parallelism)
        .withWarmupTrials(3);
  }

  @Test
  void recordsEveryTrialAndMarksExactlyOneBest() {
    List<Progress> progress = new CopyOnWriteArrayList<>();
    TuningResult r =
        HyperparameterTuner.tune(
            data,
            train,
            data.featureNames(),
            // one k-fold: this test counts folds (repeats are tested apart)
            config(SearchMethod.TPE, 6, Duration.ofMinutes(5), 2).withRepeats(1),
            ImbalanceStrategy.none(),
            boosting,
            progress::add,
            CancellationToken.none());
    assertThat(r.trials()).hasSize(6);
    assertThat(r.trials()).extracting(Trial::number).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(r.trials()).allMatch(t -> t.status() == Trial.TrialStatus.COMPLETED);
    assertThat(r.trials())
        .allMatch(t -> t.foldMetrics().size() == 3 && t.cvStd() >= 0 && !t.duration().isNegative());
    assertThat(r.trials()).filteredOn(Trial::best).hasSize(1);
    Trial best = r.best().orElseThrow();
    assertThat(r.trials()).allMatch(t -> t.cvMean() >= best.cvMean());
    assertThat(r.bestParams()).isEqualTo(best.params());
    assertThat(r.trials().subList(0, 3)).allMatch(t -> t.proposedBy().equals("random"));
    assertThat(r.trials()).anyMatch(t -> t.proposedBy().equals("tpe"));
    assertThat(r.stopReason()).isEqualTo(TuningResult.StopReason.TRIAL_BUDGET);
    assertThat(r.foldMethod()).isEqualTo("stratified");
    assertThat(progress)
        .anyMatch(p -> p.stage() == Stage.TUNING && p.trials() == 6 && p.trial() > 0);
  }

  @Test
  void respectsTheTimeBudget() {
    Duration budget = Duration.ofMillis(1500);
    long t0 = System.nanoTime();
    TuningResult r =
        HyperparameterTuner.tune(
            data,
            train,
            data.featureNames(),
            config(SearchMethod.RANDOM, 10_000, budget, 2),
            ImbalanceStrategy.none(),
            boosting,
            ProgressListener.none(),
            CancellationToken.none());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    // 10,000 trials would take minutes; the slack is for a loaded machine finishing the running
    // trials
    assertThat(took).isLessThan(budget.plusSeconds(10));
    assertThat(r.stopReason()).isEqualTo(TuningResult.StopReason.TIME_BUDGET);
    assertThat(r.trials().size()).isBetween(1, 9_999);
    assertThat(r.trials())
        .allMatch(
            t ->
                t.status() == Trial.TrialStatus.COMPLETED
                    || t.status() == Trial.TrialStatus.TIMED_OUT);
    assertThat(r.trials())
        .extracting(Trial::number)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, r.trials().size()).boxed().toList());
  }

  @Test
  void isReproducibleWithOneTrialAtATime() {
    TuningConfig c = config(SearchMethod.TPE, 5, Duration.ofMinutes(5), 1);
    TuningResult a =
        HyperparameterTuner.tune(
            data,
            train,
            data.featureNames(),
            c,
            ImbalanceStrategy.none(),
            boosting,
            ProgressListener.none(),
            CancellationToken.none());
    TuningResult b =
        HyperparameterTuner.tune(
            data,
            train,
            data.featureNames(),
            c,
            ImbalanceStrategy.none(),
            boosting,
            ProgressListener.none(),
            CancellationToken.none());
    assertThat(a.trials())
        .extracting(Trial::params)
        .isEqualTo(b.trials().stream().map(Trial::params).toList());
    assertThat(a.trials())
        .extracting(Trial::cvMean)
        .isEqualTo(b.trials().stream().map(Trial::cvMean).toList());
  }

  @Test
  void cancellationStopsTuning() {
    CancellationToken cancel = new CancellationToken();
    ProgressListener cancelAfterFirstTrial =
        p -> {
          if (p.trial() >= 1 && p.iteration() == 0) {
            cancel.cancel();
          }
        };
    assertThatThrownBy(
            () ->
                HyperparameterTuner.tune(
                    data,
                    train,
                    data.featureNames(),
                    config(SearchMethod.RANDOM, 50, Duration.ofMinutes(5), 1),
                    ImbalanceStrategy.none(),
                    boosting,
                    cancelAfterFirstTrial,
                    cancel))
        .isInstanceOf(CancelledException.class);
  }

  @Test
  void fewTrainingRowsAreCrossValidatedOnRepeatedStratifiedFoldsAndManyOnOne() {
    TuningResult small =
        HyperparameterTuner.tune(
            data,
            train,
            data.featureNames(),
            config(SearchMethod.RANDOM, 2, Duration.ofMinutes(5), 1),
            ImbalanceStrategy.none(),
            boosting,
            ProgressListener.none(),
            CancellationToken.none());
    assertThat(small.repeats()).isEqualTo(TuningConfig.SMALL_DATA_REPEATS);
    assertThat(small.folds()).isEqualTo(3 * TuningConfig.SMALL_DATA_REPEATS);
    assertThat(small.trials())
        .allMatch(t -> t.foldMetrics().size() == 9 && t.foldIterations().size() == 9);
    assertThat(small.foldFitRows()).hasSize(9).allMatch(r -> r >= 660 && r <= 672);

    Dataset large = SyntheticData.dataset(6000, 42, -1.8, 1, false); // ~30 % positives
    TuningResult many =
        HyperparameterTuner.tune(
            large,
            IntStream.range(0, large.rowCount()).toArray(),
            large.featureNames(),
            config(SearchMethod.RANDOM, 1, Duration.ofMinutes(5), 1),
            ImbalanceStrategy.none(),
            boosting,
            ProgressListener.none(),
            CancellationToken.none());
    assertThat(many.repeats()).isEqualTo(1);
    assertThat(many.folds()).isEqualTo(3);
  }

  @Test
  void rowsWithCutoffsAreCrossValidatedOnTimeBlocksWithThePurgeGap() {
    Dataset timed = SyntheticData.dataset(1200, 43, -1.8, 12, true);
    TuningResult r =
        HyperparameterTuner.tune(
            timed,
            IntStream.range(0, timed.rowCount()).toArray(),
            timed.featureNames(),
            config(SearchMethod.RANDOM, 2, Duration.ofMinutes(5), 1),
            ImbalanceStrategy.none(),
            boosting,
            Duration.ofDays(31),
            ProgressListener.none(),
            CancellationToken.none());
    assertThat(r.foldMethod()).isEqualTo("time-block");
    assertThat(r.repeats()).isEqualTo(1);
    assertThat(r.folds()).isEqualTo(3);
    // forward chaining: later folds fit on more rows
    assertThat(r.foldFitRows()).isSorted();
  }

  @Test
  void theSearchSpaceScalesToTheTrainingRowsUnlessOneIsGiven() {
    TuningResult scaled =
        HyperparameterTuner.tune(
            data,
            train,
            data.featureNames(),
            config(SearchMethod.RANDOM, 3, Duration.ofMinutes(5), 1),
            ImbalanceStrategy.none(),
            boosting,
            ProgressListener.none(),
            CancellationToken.none());
    int positives = data.positiveCount();
    assertThat(scaled.space()).isEqualTo(SearchSpace.forData(data.rowCount(), positives));
    assertThat(scaled.trials())
        .allMatch(t -> t.params().minDataInLeaf() >= 5 && t.params().minDataInLeaf() <= 100);

    SearchSpace fixed = SearchSpace.forData(50_000, 5_000);
    TuningResult given =
        HyperparameterTuner.tune(
            data,
            train,
            data.featureNames(),
            config(SearchMethod.RANDOM, 2, Duration.ofMinutes(5), 1).withSpace(fixed),
            ImbalanceStrategy.none(),
            boosting,
            ProgressListener.none(),
            CancellationToken.none());
    assertThat(given.space()).isEqualTo(fixed);
  }
}
