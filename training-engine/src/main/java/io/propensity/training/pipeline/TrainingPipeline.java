package io.propensity.training.pipeline;

import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ModelLoadException;
import io.propensity.runtime.ScoringModel;
import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.calibration.CalibrationFit;
import io.propensity.runtime.calibration.Calibrator;
import io.propensity.runtime.drift.DriftReferenceText;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.Evaluator;
import io.propensity.runtime.metrics.Reliability;
import io.propensity.runtime.metrics.ThresholdChoice;
import io.propensity.runtime.metrics.ThresholdSelector;
import io.propensity.training.pipeline.comparison.Comparisons;
import io.propensity.training.pipeline.comparison.ModelComparison;
import io.propensity.training.pipeline.data.ConstantFeatures;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.DatasetChecks;
import io.propensity.training.pipeline.drift.DriftReferences;
import io.propensity.training.pipeline.explain.ShapAnalysis;
import io.propensity.training.pipeline.imbalance.FitData;
import io.propensity.training.pipeline.imbalance.ImbalanceHandler;
import io.propensity.training.pipeline.imbalance.PreparedFold;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.model.LightGbmFit;
import io.propensity.training.pipeline.model.LightGbmTrainer;
import io.propensity.training.pipeline.model.LogisticBaseline;
import io.propensity.training.pipeline.report.HtmlReport;
import io.propensity.training.pipeline.split.DataSplit;
import io.propensity.training.pipeline.split.Fold;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.split.Splitter;
import io.propensity.training.pipeline.tuning.HyperparameterTuner;
import io.propensity.training.pipeline.tuning.TuningConfig;
import io.propensity.training.pipeline.tuning.TuningResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One training run, start to finish: load → split → baseline → tune (optional) → final LightGBM fit
 * → calibration and threshold → evaluation on test → SHAP → golden rows → HTML report.
 *
 * <p>The test rows are scored exactly once, by the finished models: tuning sees only train rows
 * (cross-validated), early stopping only validation rows, calibration and threshold choice only
 * held-out scores of train and validation rows, and resampling only the rows being fitted. With
 * tuning, the number of boosting rounds comes from the cross-validation folds, not from the
 * validation rows. When the final model is refitted on train + validation (the default) and the
 * rows are not split by time, it has no unseen rows left, so its calibration is fitted on
 * out-of-fold raw scores of those rows from fold models fitted the same way ({@link
 * CrossFittedScores}); otherwise (no refit, or rows split by time, whose validation rows are the
 * latest period before the test) on the validation rows' raw scores from the model fitted on the
 * training rows. The threshold is chosen on the same rows' calibrated probabilities. The baseline
 * (fitted on the training rows) is calibrated and thresholded on its own validation probabilities.
 * Features constant in the training rows are reported in the notes and left out of the baseline.
 * Predictions, metrics and SHAP come from model-runtime, the same code that serves the model
 * (calibration included), so the numbers in the result are what serving will reproduce.
 *
 * <p>Plain domain code: no gRPC, no framework. Thread-safe (no shared state); a run is
 * single-threaded apart from LightGBM's own threads and concurrent tuning trials.
 */
public final class TrainingPipeline {
  /** Cross-fitting folds when the request does not tune (tuning's folds otherwise). */
  private static final int CROSS_FIT_FOLDS = 3;

  private static final double[][] STAGE_SPAN = {
    {0, 5}, {5, 7}, {7, 12}, {12, 60}, {60, 82}, {82, 86}, {86, 96}, {96, 100}
  };

  /**
   * Runs the whole pipeline.
   *
   * @throws TrainingDataException the data cannot be trained on (message says why and where)
   * @throws CancelledException {@code cancel} was cancelled
   * @throws TrainingFailedException a trainer failed for another reason
   */
  public TrainingResult run(
      TrainingRequest request, ProgressListener listener, CancellationToken cancel) {
    Run run = new Run(request, listener, cancel);
    return run.execute();
  }

  private static final class Run {
    private final TrainingRequest req;
    private final ProgressListener listener;
    private final CancellationToken cancel;
    private final Map<Stage, Duration> timings = new EnumMap<>(Stage.class);
    private final List<String> notes = new ArrayList<>();
    private final long started = System.nanoTime();
    private Stage stage;
    private long stageStart;

    Run(TrainingRequest req, ProgressListener listener, CancellationToken cancel) {
      this.req = req;
      this.listener = listener;
      this.cancel = cancel;
    }

    TrainingResult execute() {
      // LOADING
      begin(Stage.LOADING, "loading " + req.source().description());
      Dataset data = req.source().load();
      DatasetChecks.requireTrainable(
          data, req.requiredFolds(), req.source().labelName(), req.source().moreRowsAdvice());
      List<String> names = data.featureNames();
      int[] categorical = data.categoricalIndices();

      // SPLITTING
      begin(
          Stage.SPLITTING, "splitting " + data.rowCount() + " rows, resampling the training rows");
      DataSplit split = Splitter.split(data, req.split());
      if (!split.note().isEmpty()) {
        notes.add(split.note());
      }
      int[] train = split.train();
      int[] validationRows = split.validation();
      // constant over train + validation means constant in every fit (folds, train, refit), so
      // LightGBM can never split on it; the vector keeps it, as serving passes the whole vector
      ConstantFeatures constant = ConstantFeatures.find(data, split.trainAndValidation());
      notes.addAll(constant.notes());
      FitData fitTrain = ImbalanceHandler.prepareFit(data, train, req.imbalance(), req.seed());
      FitData validation = FitData.of(data, validationRows);

      // BASELINE
      begin(Stage.BASELINE, "fitting the logistic-regression baseline");
      LogisticBaseline baseline =
          LogisticBaseline.fit(
              fitTrain,
              data.kinds(),
              req.baseline(),
              Set.copyOf(constant.constantIndices()),
              cancel);
      double[] baselineOwn = baseline.predictProbabilities(validation);
      CalibrationFit baselineCalibration =
          Calibrator.fit(req.calibration(), logits(baselineOwn), validation.labels());
      double[] baselineValidation = calibrated(baselineCalibration, baselineOwn);
      ThresholdChoice baselineThreshold =
          ThresholdSelector.bestFBeta(baselineValidation, validation.labels(), req.thresholdBeta());

      // TUNING
      Hyperparameters hp = req.untunedHyperparameters(train.length, positives(data, train));
      Optional<TuningResult> tuning = Optional.empty();
      if (req.tuning().isPresent()) {
        begin(Stage.TUNING, "tuning hyperparameters");
        TuningConfig config = req.tuning().get();
        TuningResult t =
            HyperparameterTuner.tune(
                data,
                train,
                names,
                config,
                req.imbalance(),
                req.boosting(),
                req.split().purgeGap(),
                scaled(Stage.TUNING),
                cancel);
        tuning = Optional.of(t);
        hp = t.bestParams();
        if (t.best().isEmpty()) {
          notes.add(
              "no tuning trial completed; conservative hyperparameters scaled to the training rows"
                  + " were used");
        }
        if (data.hasCutoffs() && config.timeBlockFolds() && t.foldMethod().equals("stratified")) {
          notes.add(
              "the training rows' cutoffs could not form forward-chaining time-block folds with"
                  + " both classes in each (purge gap "
                  + req.split().purgeGap()
                  + "), so tuning used stratified folds");
        }
      }

      // TRAINING
      begin(Stage.TRAINING, "fitting LightGBM");
      ProgressListener training = scaled(Stage.TRAINING);
      boolean refit = req.refitOnTrainAndValidation();
      // with tuning, the number of rounds comes from the cross-validation folds (robust on small
      // data); without, early stopping on the validation rows decides it
      OptionalInt cvIterations = cvRounds(tuning, train.length);
      LightGbmFit fit = null;
      int iterations;
      if (cvIterations.isPresent() && refit) {
        iterations = cvIterations.getAsInt(); // the refit's rounds come from cross-validation too
      } else {
        int maxIt = cvIterations.orElse(req.boosting().maxIterations());
        LightGbmTrainer.IterationListener firstFit =
            (it, metric, value) ->
                training.onProgress(
                    new Progress(
                        Stage.TRAINING,
                        0,
                        0,
                        it,
                        metric,
                        value,
                        (refit ? 30.0 : 100.0) * it / maxIt,
                        "iteration " + it));
        fit =
            cvIterations.isPresent()
                ? LightGbmTrainer.fitFixed(
                    fitTrain,
                    names,
                    categorical,
                    hp,
                    req.boosting(),
                    cvIterations.getAsInt(),
                    firstFit,
                    cancel)
                : LightGbmTrainer.fit(
                    new PreparedFold(fitTrain, validation),
                    names,
                    categorical,
                    hp,
                    req.boosting(),
                    firstFit,
                    cancel);
        iterations = fit.bestIteration();
      }
      int syntheticRows = fitTrain.syntheticRows();
      fitTrain = null; // the resampled matrix can go before the other fits build their own

      // the calibration and the threshold: on out-of-fold scores of the training + validation
      // rows when the served model is refitted on them (it has no unseen rows left, see
      // CrossFittedScores) and the rows are exchangeable; on the validation rows when the served
      // model is the one fitted on the training rows, or when the rows are split by time: there
      // the validation rows are the latest period before the test rows, the nearest thing to what
      // the served model meets next, and older periods scored by models of still older rows
      // calibrate worse (measured: log loss 0.589 -> 0.636 on uci-online-retail, bench/quality)
      double[] heldOutRaw;
      boolean[] heldOutLabels;
      boolean byTime = split.method() == SplitConfig.SplitMode.TIME;
      Optional<CrossFittedScores> crossFitted =
          refit && !byTime
              ? crossFit(data, split, names, hp, tuning, iterations, training)
              : Optional.empty();
      if (refit && byTime) {
        notes.add(
            "calibration and threshold from the validation rows, the latest period before the test"
                + " rows, scored by the model of the earlier training rows (rows split by time are"
                + " not cross-fitted: the most recent period is what the served model meets next)");
      }
      if (crossFitted.isPresent()) {
        heldOutRaw = crossFitted.get().raw();
        heldOutLabels = crossFitted.get().labels();
        notes.add(
            "calibration and threshold from out-of-fold scores of "
                + heldOutRaw.length
                + " training + validation rows ("
                + crossFitted.get().positives()
                + " positive; "
                + crossFitted.get().folds()
                + " fold models fitted like the refit), as the refitted model has no unseen rows"
                + " left");
      } else {
        heldOutLabels = validation.labels();
        heldOutRaw = new double[heldOutLabels.length];
        LightGbmFit first = fit != null ? fit : fitOnTrain(data, train, names, hp, iterations);
        try (LightGbmModel early = load(first.modelText())) {
          for (int i = 0; i < heldOutRaw.length; i++) {
            heldOutRaw[i] = early.predictRaw(validation.row(i));
          }
        }
      }
      CalibrationFit calibration = Calibrator.fit(req.calibration(), heldOutRaw, heldOutLabels);
      ThresholdChoice threshold =
          ThresholdSelector.bestFBeta(
              calibration.calibration().probabilities(heldOutRaw),
              heldOutLabels,
              req.thresholdBeta());
      LightGbmFit finalFit = fit;
      if (refit) {
        int[] trainAndValidation = split.trainAndValidation();
        FitData all =
            ImbalanceHandler.prepareFit(data, trainAndValidation, req.imbalance(), req.seed() + 1);
        syntheticRows = all.syntheticRows();
        int refitRounds = cvRounds(tuning, trainAndValidation.length).orElse(iterations);
        finalFit =
            LightGbmTrainer.fitFixed(
                all,
                names,
                categorical,
                hp,
                req.boosting(),
                refitRounds,
                (it, metric, value) ->
                    training.onProgress(
                        new Progress(
                            Stage.TRAINING,
                            0,
                            0,
                            it,
                            "",
                            Double.NaN,
                            70.0 + 30.0 * it / refitRounds,
                            "refit iteration " + it + "/" + refitRounds)),
                cancel);
      }
      if (cvIterations.isPresent()) {
        notes.add(
            "boosting rounds from cross-validation (median of the folds' best iterations, scaled"
                + " by the square root of the rows): "
                + (fit != null
                    ? fit.bestIteration() + " on the training rows" + (refit ? ", " : "")
                    : "")
                + (refit ? finalFit.bestIteration() + " in the refit" : ""));
      }

      // EVALUATING
      begin(Stage.EVALUATING, "scoring the test rows");
      FitData test = FitData.of(data, split.test());
      double[][] testRows = test.toRows();
      BinaryEvaluation modelEval;
      double[] baselineTest = calibrated(baselineCalibration, baseline.predictProbabilities(test));
      BinaryEvaluation baselineEval =
          Evaluator.evaluate(baselineTest, test.labels(), baselineThreshold.threshold());
      try (LightGbmModel model = load(finalFit.modelText())) {
        ScoringModel served = CalibratedModel.of(model, calibration.calibration());
        double[] p = served.predictProbabilities(testRows);
        modelEval = Evaluator.evaluate(p, test.labels(), threshold.threshold());
        BinaryEvaluation uncalibrated =
            served == model
                ? modelEval
                : Evaluator.evaluate(
                    model.predictProbabilities(testRows), test.labels(), threshold.threshold());
        CalibrationReport calibrationReport =
            new CalibrationReport(
                req.calibration(),
                calibration,
                baselineCalibration,
                Reliability.of(uncalibrated),
                Reliability.of(modelEval));
        listener.onProgress(
            Progress.stage(
                Stage.EVALUATING,
                STAGE_SPAN[Stage.EVALUATING.ordinal()][0],
                "bootstrapping confidence intervals against the baseline and naive rules"));
        ModelComparison comparison =
            Comparisons.compare(
                data,
                train,
                split.test(),
                p,
                threshold.threshold(),
                baselineTest,
                baselineThreshold.threshold(),
                req.comparison());

        // EXPLAINING
        begin(Stage.EXPLAINING, "computing SHAP values on test rows");
        ShapAnalysis.Result shap =
            ShapAnalysis.explain(
                model,
                test,
                names,
                req.shapRows(),
                req.shapPointsPerFeature(),
                req.dependencePlots(),
                req.seed());
        List<GoldenRow> golden = goldenRows(data, split.test(), testRows, served);

        // REPORTING
        begin(Stage.REPORTING, "writing the report");
        Lineage lineage = lineage(data, split, syntheticRows);
        TrainingResult result =
            new TrainingResult(
                req.target(),
                finalFit.modelText(),
                names,
                data.kinds(),
                data.vocabularies(),
                LightGbmTrainer.lightGbmFeatureNames(names),
                threshold.threshold(),
                threshold,
                modelEval,
                baselineEval,
                baseline.description(),
                hp,
                finalFit.params(),
                finalFit.bestIteration(),
                calibrationReport,
                lineage,
                golden,
                shap.importances(),
                shap.summary(),
                tuning,
                "",
                timings,
                elapsedTotal(),
                constant,
                comparison);
        // the reference live traffic is compared with travels in the report (drift monitoring)
        String html =
            DriftReferenceText.embed(HtmlReport.render(result), DriftReferences.of(data, train, p));
        end();
        listener.onProgress(Progress.stage(Stage.REPORTING, 100, "done"));
        return new TrainingResult(
            result.target(),
            result.modelText(),
            result.featureNames(),
            result.featureKinds(),
            result.vocabularies(),
            result.modelFeatureNames(),
            result.threshold(),
            result.thresholdChoice(),
            result.modelEvaluation(),
            result.baselineEvaluation(),
            result.baselineDescription(),
            result.hyperparameters(),
            result.params(),
            result.iterations(),
            result.calibration(),
            result.lineage(),
            result.goldenRows(),
            result.importances(),
            result.shap(),
            result.tuning(),
            html,
            timings,
            elapsedTotal(),
            result.constantFeatures(),
            result.comparison());
      }
    }

    /** Test rows with the served (calibrated) probability and the raw score of the model. */
    private List<GoldenRow> goldenRows(
        Dataset data, int[] testIdx, double[][] testRows, ScoringModel model) {
      int[] pick =
          ShapAnalysis.sample(testIdx.length, req.goldenRows(), new Random(req.seed() + 7));
      List<GoldenRow> out = new ArrayList<>();
      for (int i : pick) {
        int row = testIdx[i];
        double[] x = testRows[i];
        out.add(
            new GoldenRow(
                row,
                data.userId(row),
                data.cutoff(row),
                x,
                data.label(row),
                model.predictProbability(x),
                model.predictRaw(x)));
      }
      return out;
    }

    private Lineage lineage(Dataset data, DataSplit split, int syntheticRows) {
      Optional<Instant> first = Optional.empty();
      List<Instant> cutoffs = new ArrayList<>();
      if (data.hasCutoffs()) {
        TreeSet<Long> distinct = new TreeSet<>();
        for (int i = 0; i < data.rowCount(); i++) {
          distinct.add(data.cutoffMillis(i));
        }
        distinct.forEach(ms -> cutoffs.add(Instant.ofEpochMilli(ms)));
        first = Optional.of(cutoffs.get(0));
      }
      int[] test = split.test();
      return new Lineage(
          req.source().description(),
          data.rowCount(),
          split.train().length,
          split.validation().length,
          test.length,
          (double) data.positiveCount() / data.rowCount(),
          rate(data, split.train()),
          rate(data, test),
          split.method(),
          first,
          split.lastTrainCutoff(),
          cutoffs,
          split.testCutoffs(),
          req.imbalance().describe(),
          syntheticRows,
          req.refitOnTrainAndValidation(),
          req.seed(),
          notes,
          Instant.now());
    }

    /**
     * The log-odds of probabilities, so that a model that only gives probabilities (the baseline)
     * can be calibrated like one with raw scores; 0 and 1 are moved in by 1e-15 first.
     */
    private static double[] logits(double[] probabilities) {
      double[] out = new double[probabilities.length];
      for (int i = 0; i < out.length; i++) {
        double p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]));
        out[i] = Math.log(p / (1 - p));
      }
      return out;
    }

    /** Probabilities through a calibration of their log-odds; unchanged without one. */
    private static double[] calibrated(CalibrationFit fit, double[] probabilities) {
      Calibration c = fit.calibration();
      return c instanceof Calibration.None ? probabilities : c.probabilities(logits(probabilities));
    }

    /**
     * Out-of-fold scores of the training + validation rows from fold models fitted like the refit
     * (stratified, as many folds as tuning used; rounds from cross-validation scaled to each fold's
     * rows, else {@code iterations}); empty, with a note, when the rows cannot form such folds.
     */
    private Optional<CrossFittedScores> crossFit(
        Dataset data,
        DataSplit split,
        List<String> names,
        Hyperparameters hp,
        Optional<TuningResult> tuning,
        int iterations,
        ProgressListener training) {
      int k = req.tuning().map(TuningConfig::folds).orElse(CROSS_FIT_FOLDS);
      List<Fold> folds;
      try {
        // stratified: only rows not split by time are cross-fitted
        folds = Splitter.folds(data, split.trainAndValidation(), k, false, req.seed());
      } catch (TrainingDataException | IllegalArgumentException e) {
        notes.add(
            "calibration and threshold from the validation rows (scored by the model of the"
                + " training rows): the training + validation rows could not form cross-fitting"
                + " folds ("
                + e.getMessage()
                + ")");
        return Optional.empty();
      }
      CrossFittedScores scores =
          CrossFittedScores.compute(
              data,
              folds,
              names,
              hp,
              req.boosting(),
              req.imbalance(),
              req.seed(),
              rows -> cvRounds(tuning, rows).orElse(iterations),
              fold ->
                  training.onProgress(
                      new Progress(
                          Stage.TRAINING,
                          fold,
                          folds.size(),
                          0,
                          "",
                          Double.NaN,
                          30.0 + 40.0 * fold / folds.size(),
                          "cross-fitting for calibration and threshold: fold "
                              + fold
                              + "/"
                              + folds.size())),
              cancel);
      int positives = scores.positives();
      if (positives == 0 || positives == scores.raw().length) {
        notes.add(
            "calibration and threshold from the validation rows: the out-of-fold rows hold only"
                + " one class");
        return Optional.empty();
      }
      return Optional.of(scores);
    }

    /** A fit on the training rows alone with {@code iterations} rounds. */
    private LightGbmFit fitOnTrain(
        Dataset data, int[] train, List<String> names, Hyperparameters hp, int iterations) {
      return LightGbmTrainer.fitFixed(
          ImbalanceHandler.prepareFit(data, train, req.imbalance(), req.seed()),
          names,
          data.categoricalIndices(),
          hp,
          req.boosting(),
          iterations,
          (it, metric, value) -> {},
          cancel);
    }

    /** Boosting rounds for a fit on {@code rows} rows from cross-validation, at most the cap. */
    private OptionalInt cvRounds(Optional<TuningResult> tuning, int rows) {
      if (tuning.isEmpty()) {
        return OptionalInt.empty();
      }
      OptionalInt n = tuning.get().iterationsFor(rows);
      return n.isPresent()
          ? OptionalInt.of(Math.min(n.getAsInt(), req.boosting().maxIterations()))
          : n;
    }

    private static int positives(Dataset data, int[] rows) {
      int p = 0;
      for (int i : rows) {
        if (data.label(i)) {
          p++;
        }
      }
      return p;
    }

    private static double rate(Dataset data, int[] rows) {
      int p = 0;
      for (int i : rows) {
        if (data.label(i)) {
          p++;
        }
      }
      return rows.length == 0 ? Double.NaN : (double) p / rows.length;
    }

    private static LightGbmModel load(String text) {
      try {
        return LightGbmModel.fromModelText(text, LightGbmModel.LoadOptions.defaults());
      } catch (ModelLoadException e) {
        throw new TrainingFailedException(
            "the trained model could not be loaded back: " + e.getMessage(), e);
      }
    }

    private void begin(Stage next, String message) {
      end();
      cancel.throwIfCancelled();
      stage = next;
      stageStart = System.nanoTime();
      listener.onProgress(Progress.stage(next, STAGE_SPAN[next.ordinal()][0], message));
    }

    private void end() {
      if (stage != null) {
        timings.merge(stage, Duration.ofNanos(System.nanoTime() - stageStart), Duration::plus);
        stage = null;
      }
    }

    private Duration elapsedTotal() {
      return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The listener with percent mapped from a stage's own 0–100 into the run's span for it. */
    private ProgressListener scaled(Stage s) {
      double from = STAGE_SPAN[s.ordinal()][0];
      double to = STAGE_SPAN[s.ordinal()][1];
      return p ->
          listener.onProgress(
              new Progress(
                  p.stage(),
                  p.trial(),
                  p.trials(),
                  p.iteration(),
                  p.metricName(),
                  p.metricValue(),
                  from + (to - from) * Math.min(100, Math.max(0, p.percent())) / 100.0,
                  p.message()));
    }
  }
}
