package io.propensity.inference.challenge;

import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.Bootstrap;
import io.propensity.runtime.metrics.BootstrapResult;
import io.propensity.runtime.metrics.BootstrapSettings;
import io.propensity.runtime.metrics.Evaluator;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.runtime.metrics.Scorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs production and challenger answers on (request id, row index) and compares them on the
 * outcomes of those rows. ROC-AUC and PR-AUC come from the runtime's {@link Evaluator} and the
 * PR-AUC interval from its paired {@link Bootstrap}, so live and offline numbers agree.
 */
public final class PairedComparator {
  private PairedComparator() {}

  /** A production answer and the challenger's answer to the same row, with its outcome. */
  public record Pair(ServedPrediction production, ServedPrediction challenger, boolean positive) {}

  /**
   * The pairs among {@code labeled}: rows answered both by {@code production} and by {@code
   * challenger}, in the order production served them (the first answer wins if a row was logged
   * twice).
   */
  public static List<Pair> pair(
      List<LabeledPrediction> labeled, ComparedSide production, ComparedSide challenger) {
    Map<String, LabeledPrediction> prod = new LinkedHashMap<>();
    Map<String, ServedPrediction> chal = new HashMap<>();
    for (LabeledPrediction l : labeled) {
      ServedPrediction s = l.served();
      String key = s.requestId() + '\u0000' + s.rowIndex();
      if (is(s, production)) {
        prod.putIfAbsent(key, l);
      } else if (is(s, challenger)) {
        chal.putIfAbsent(key, s);
      }
    }
    List<Pair> pairs = new ArrayList<>();
    prod.forEach(
        (key, l) -> {
          ServedPrediction c = chal.get(key);
          if (c != null) {
            pairs.add(new Pair(l.served(), c, l.positive()));
          }
        });
    return pairs;
  }

  private static boolean is(ServedPrediction s, ComparedSide side) {
    return s.modelAlias().equals(side.alias()) && s.modelVersion() == side.version();
  }

  /**
   * Compares the two sides on their paired rows.
   *
   * @return empty when the pairs hold only one class (no AUC is defined) or fewer than 2 pairs
   */
  public static Optional<PairedComparison> compare(
      String modelName,
      List<LabeledPrediction> labeled,
      ComparedSide production,
      ComparedSide challenger,
      ComparisonSettings settings) {
    return comparePairs(
        modelName, pair(labeled, production, challenger), production, challenger, settings);
  }

  /**
   * Compares already paired rows; see {@link #compare(String, List, ComparedSide, ComparedSide,
   * ComparisonSettings)}.
   */
  public static Optional<PairedComparison> comparePairs(
      String modelName,
      List<Pair> pairs,
      ComparedSide production,
      ComparedSide challenger,
      ComparisonSettings settings) {
    int n = pairs.size();
    double[] p = new double[n];
    double[] c = new double[n];
    boolean[] labels = new boolean[n];
    int[] cluster = new int[n];
    Map<String, Integer> users = new HashMap<>();
    int positives = 0;
    double diff = 0;
    for (int i = 0; i < n; i++) {
      Pair pair = pairs.get(i);
      p[i] = pair.production().probability();
      c[i] = pair.challenger().probability();
      labels[i] = pair.positive();
      positives += labels[i] ? 1 : 0;
      diff += c[i] - p[i];
      // a user's rows are correlated: the bootstrap draws them together; anonymous rows alone
      String user = pair.production().userId().orElse("\u0000row-" + i);
      cluster[i] = users.computeIfAbsent(user, u -> users.size());
    }
    if (n < 2 || positives == 0 || positives == n) {
      return Optional.empty();
    }
    double productionThreshold = pairs.get(0).production().threshold();
    double challengerThreshold = pairs.get(0).challenger().threshold();
    BinaryEvaluation pe = Evaluator.evaluate(p, labels, productionThreshold);
    BinaryEvaluation ce = Evaluator.evaluate(c, labels, challengerThreshold);
    DeLong.Result delong = DeLong.test(c, p, labels, settings.level());
    BootstrapResult boot =
        Bootstrap.byCluster(
            List.of(
                Scorer.atThreshold("challenger", c, challengerThreshold),
                Scorer.atThreshold("production", p, productionThreshold)),
            labels,
            cluster,
            new BootstrapSettings(settings.resamples(), settings.level(), settings.seed()));
    return Optional.of(
        new PairedComparison(
            modelName,
            n,
            positives,
            side(production, pe, p),
            side(challenger, ce, c),
            delong,
            boot.difference("production", IntervalMetric.PR_AUC),
            boot.describe(),
            diff / n,
            RankCorrelation.spearman(c, p),
            RankCorrelation.kendall(c, p)));
  }

  private static SideMetrics side(ComparedSide side, BinaryEvaluation e, double[] scores) {
    double sum = 0;
    for (double s : scores) {
      sum += s;
    }
    return new SideMetrics(
        side, e.rocAuc(), e.prAuc(), e.threshold(), e.precision(), e.recall(), sum / scores.length);
  }
}
