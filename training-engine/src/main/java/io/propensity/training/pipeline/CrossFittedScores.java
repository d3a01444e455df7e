package io.propensity.training.pipeline;

import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ModelLoadException;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.imbalance.FitData;
import io.propensity.training.pipeline.imbalance.ImbalanceHandler;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.model.LightGbmFit;
import io.propensity.training.pipeline.model.LightGbmTrainer;
import io.propensity.training.pipeline.split.Fold;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;

/**
 * Out-of-fold raw scores for the rows a refitted model is trained on: each fold's model is fitted
 * with the final hyperparameters on the other folds' rows and scores only the rows it never saw.
 *
 * <p>A model refitted on train + validation has no held-out rows left to calibrate it or to choose
 * its threshold on. Fitting the calibration on the validation scores of a <em>different</em> model
 * (the one fitted on the training rows alone, with fewer rows and rounds) transfers badly: the
 * refit scores more confidently, so the calibrated probabilities and the threshold drift.
 * Out-of-fold scores of models fitted the same way as the refit (same parameters, rounds scaled to
 * the fold's rows) stand in for the refit's scores on unseen rows, and cover many more rows than
 * the validation set alone. Used for exchangeable rows (stratified or predefined splits): rows
 * split by time keep the validation rows, the latest period before the test ({@link
 * TrainingPipeline}).
 *
 * @param raw each scored row's out-of-fold raw score (log-odds)
 * @param labels each scored row's label
 * @param folds how many fold models scored them
 */
record CrossFittedScores(double[] raw, boolean[] labels, int folds) {

  /**
   * Fits one model per fold and scores its held-out rows.
   *
   * @param iterationsForRows boosting rounds of a fit on the given number of rows
   * @param onFold called after each fold with its number (1-based)
   */
  static CrossFittedScores compute(
      Dataset data,
      List<Fold> folds,
      List<String> names,
      Hyperparameters hp,
      BoostingSettings boosting,
      ImbalanceStrategy imbalance,
      long seed,
      IntUnaryOperator iterationsForRows,
      IntConsumer onFold,
      CancellationToken cancel) {
    int[] categorical = data.categoricalIndices();
    int total = folds.stream().mapToInt(f -> f.validate().length).sum();
    double[] raw = new double[total];
    boolean[] labels = new boolean[total];
    int at = 0;
    for (Fold f : folds) {
      cancel.throwIfCancelled();
      int[] fitRows = f.fit();
      FitData fit = ImbalanceHandler.prepareFit(data, fitRows, imbalance, seed + 97L * f.index());
      LightGbmFit model =
          LightGbmTrainer.fitFixed(
              fit,
              names,
              categorical,
              hp,
              boosting,
              Math.max(1, iterationsForRows.applyAsInt(fitRows.length)),
              (it, metric, value) -> {},
              cancel);
      FitData held = FitData.of(data, f.validate());
      try (LightGbmModel m =
          LightGbmModel.fromModelText(model.modelText(), LightGbmModel.LoadOptions.defaults())) {
        for (int r = 0; r < held.rows(); r++) {
          raw[at] = m.predictRaw(held.row(r));
          labels[at] = held.label(r);
          at++;
        }
      } catch (ModelLoadException e) {
        throw new TrainingFailedException(
            "a cross-fitting model could not be loaded back: " + e.getMessage(), e);
      }
      onFold.accept(f.index() + 1);
    }
    return new CrossFittedScores(Arrays.copyOf(raw, at), Arrays.copyOf(labels, at), folds.size());
  }

  int positives() {
    int n = 0;
    for (boolean l : labels) {
      n += l ? 1 : 0;
    }
    return n;
  }
}
