package io.propensity.training.pipeline.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.training.pipeline.model.EarlyStoppingMetric;
import io.propensity.training.pipeline.model.Hyperparameters;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TuningResultTest {
  private static Trial trial(int number, double cv, boolean best, List<Integer> iterations) {
    return new Trial(
        number,
        Hyperparameters.defaults(),
        "random",
        Trial.TrialStatus.COMPLETED,
        cv,
        0,
        List.of(cv),
        0,
        Duration.ZERO,
        best,
        "",
        iterations);
  }

  private static TuningResult result(List<Trial> trials, List<Integer> foldRows) {
    return new TuningResult(
        trials,
        Hyperparameters.defaults(),
        0,
        EarlyStoppingMetric.AUC,
        SearchMethod.TPE,
        "stratified",
        foldRows.size(),
        Duration.ZERO,
        TuningResult.StopReason.TRIAL_BUDGET,
        SearchSpace.forData(1000, 100),
        1,
        foldRows);
  }

  @Test
  void theFinalRoundsAreTheMedianFoldIterationScaledByTheRootOfTheRows() {
    TuningResult r =
        result(
            List.of(
                trial(1, 0.7, false, List.of(500, 500, 500)),
                trial(2, 0.8, true, List.of(40, 100, 1000))),
            List.of(800, 800, 800));

    // the best trial's median (100), not its mean (380) and not another trial's
    assertThat(r.iterationsFor(800)).hasValue(100);
    // four times the rows support twice the rounds
    assertThat(r.iterationsFor(3200)).hasValue(200);
    assertThat(r.iterationsFor(1000)).hasValue(112); // 100 · √1.25
  }

  @Test
  void withNoCompletedTrialThereIsNoRoundCountFromCrossValidation() {
    assertThat(result(List.of(), List.of(800, 800)).iterationsFor(1000))
        .isEqualTo(OptionalInt.empty());
  }
}
