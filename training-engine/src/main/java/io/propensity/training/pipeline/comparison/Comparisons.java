package io.propensity.training.pipeline.comparison;

import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.Bootstrap;
import io.propensity.runtime.metrics.BootstrapResult;
import io.propensity.runtime.metrics.ConfusionMatrix;
import io.propensity.runtime.metrics.Evaluator;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.runtime.metrics.Scorer;
import io.propensity.training.pipeline.data.Dataset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares a trained model with its baseline and the naive rules on the test rows: evaluates the
 * rules, bootstraps every scorer's metrics (by user when the rows carry user ids, since one user's
 * rows at several cutoffs are correlated), and says whether the model beats the baseline.
 */
public final class Comparisons {
  private Comparisons() {}

  /**
   * Compares the scorers on {@code testRows} of {@code data}.
   *
   * @param trainRows the rows the rules' group rates are fitted on (never the test rows)
   * @param modelProbabilities the model's probability per test row, in {@code testRows} order
   * @param modelThreshold the model's decision threshold
   * @param baselineProbabilities the baseline's probability per test row
   * @param baselineThreshold the baseline's decision threshold
   */
  public static ModelComparison compare(
      Dataset data,
      int[] trainRows,
      int[] testRows,
      double[] modelProbabilities,
      double modelThreshold,
      double[] baselineProbabilities,
      double baselineThreshold,
      ComparisonSettings settings) {
    boolean[] labels = data.labels(testRows);
    List<Scorer> scorers = new ArrayList<>();
    scorers.add(Scorer.atThreshold(ModelComparison.MODEL, modelProbabilities, modelThreshold));
    scorers.add(
        Scorer.atThreshold(ModelComparison.BASELINE, baselineProbabilities, baselineThreshold));
    List<RuleResult> rules = new ArrayList<>();
    NaiveRule.BoughtRecently recency =
        settings.recentPurchaseDays() == ComparisonSettings.AUTO_RECENT_PURCHASE_DAYS
            ? NaiveRule.BoughtRecently.forTrainingRows(
                data, trainRows, ComparisonSettings.DEFAULT_RECENT_PURCHASE_DAYS)
            : new NaiveRule.BoughtRecently(settings.recentPurchaseDays());
    for (NaiveRule rule : NaiveRule.defaults(recency)) {
      rules.add(evaluateRule(rule, data, trainRows, testRows, labels, scorers));
    }
    BootstrapResult bootstrap =
        data.hasUserIds()
            ? Bootstrap.byCluster(scorers, labels, users(data, testRows), settings.bootstrap())
            : Bootstrap.byRow(scorers, labels, settings.bootstrap());
    Verdict verdict =
        Verdict.of(
            bootstrap.difference(ModelComparison.BASELINE, IntervalMetric.ROC_AUC),
            bootstrap.difference(ModelComparison.BASELINE, IntervalMetric.PR_AUC),
            settings.bootstrap().levelPercent());
    return new ModelComparison(bootstrap, rules, verdict);
  }

  /** Evaluates one rule; when it can be, adds its scorer to {@code scorers}. */
  private static RuleResult evaluateRule(
      NaiveRule rule,
      Dataset data,
      int[] trainRows,
      int[] testRows,
      boolean[] testLabels,
      List<Scorer> scorers) {
    Optional<String> notApplicable = rule.notApplicable(data.featureNames());
    if (notApplicable.isPresent()) {
      return new RuleResult(
          rule.name(),
          rule.title(),
          RuleResult.Status.NOT_APPLICABLE,
          notApplicable.get(),
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Optional.empty());
    }
    boolean[] trainFires = rule.fires(data, trainRows);
    long firing = 0;
    long firingPositives = 0;
    long otherPositives = 0;
    for (int i = 0; i < trainRows.length; i++) {
      boolean positive = data.label(trainRows[i]);
      if (trainFires[i]) {
        firing++;
        firingPositives += positive ? 1 : 0;
      } else {
        otherPositives += positive ? 1 : 0;
      }
    }
    double trainShare = trainRows.length == 0 ? Double.NaN : (double) firing / trainRows.length;
    if (firing == 0) {
      return new RuleResult(
          rule.name(),
          rule.title(),
          RuleResult.Status.NEVER_FIRES,
          "never fires in these data (e.g. " + rule.neverFiresExample() + ")",
          Double.NaN,
          Double.NaN,
          trainShare,
          Double.NaN,
          Optional.empty());
    }
    long other = trainRows.length - firing;
    double firingRate = (double) firingPositives / firing;
    double otherRate =
        other == 0
            ? (double) (firingPositives + otherPositives) / trainRows.length
            : (double) otherPositives / other;
    boolean[] testFires = rule.fires(data, testRows);
    double[] probabilities = new double[testRows.length];
    long testFiring = 0;
    for (int i = 0; i < testRows.length; i++) {
      probabilities[i] = testFires[i] ? firingRate : otherRate;
      testFiring += testFires[i] ? 1 : 0;
    }
    BinaryEvaluation evaluation =
        withDecisions(
            Evaluator.evaluate(probabilities, testLabels, firingRate), testFires, testLabels);
    scorers.add(new Scorer(rule.name(), probabilities, testFires));
    return new RuleResult(
        rule.name(),
        rule.title(),
        RuleResult.Status.EVALUATED,
        "",
        firingRate,
        otherRate,
        trainShare,
        testRows.length == 0 ? Double.NaN : (double) testFiring / testRows.length,
        Optional.of(evaluation));
  }

  /**
   * {@code e} with its decision metrics those of {@code decisions}: a rule flags the rows where it
   * fires, even when its firing group's probability is the lower one.
   */
  static BinaryEvaluation withDecisions(BinaryEvaluation e, boolean[] decisions, boolean[] labels) {
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int i = 0; i < labels.length; i++) {
      if (decisions[i]) {
        if (labels[i]) {
          tp++;
        } else {
          fp++;
        }
      } else if (labels[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    ConfusionMatrix c = new ConfusionMatrix(tp, fp, tn, fn);
    return new BinaryEvaluation(
        e.rows(),
        e.positives(),
        e.threshold(),
        c,
        c.precision(),
        c.recall(),
        c.f1(),
        e.rocAuc(),
        e.prAuc(),
        e.logLoss(),
        e.brierScore(),
        e.deciles(),
        e.calibration(),
        e.rocCurve(),
        e.prCurve());
  }

  /** A cluster id per test row: its user's; a row without a user is a cluster of its own. */
  private static int[] users(Dataset data, int[] testRows) {
    Map<String, Integer> ids = new HashMap<>();
    int[] out = new int[testRows.length];
    int next = 0;
    for (int i = 0; i < testRows.length; i++) {
      Optional<String> user = data.userId(testRows[i]);
      if (user.isPresent()) {
        Integer id = ids.get(user.get());
        if (id == null) {
          id = next++;
          ids.put(user.get(), id);
        }
        out[i] = id;
      } else {
        out[i] = next++;
      }
    }
    return out;
  }
}
