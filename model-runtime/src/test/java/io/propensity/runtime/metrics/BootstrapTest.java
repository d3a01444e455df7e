package io.propensity.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {
  private static final int ROWS = 2000;
  private static final boolean[] LABELS = new boolean[ROWS];
  private static final double[] GOOD = new double[ROWS];
  private static final double[] WEAK = new double[ROWS];

  static {
    Random random = new Random(11);
    for (int i = 0; i < ROWS; i++) {
      LABELS[i] = random.nextDouble() < 0.2;
      double signal = LABELS[i] ? 1 : 0;
      GOOD[i] = sigmoid(-1.5 + 2.0 * signal + random.nextGaussian());
      WEAK[i] = sigmoid(-1.5 + 0.5 * signal + random.nextGaussian());
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static List<Scorer> scorers() {
    return List.of(Scorer.atThreshold("good", GOOD, 0.3), Scorer.atThreshold("weak", WEAK, 0.3));
  }

  @Test
  void intervalsCoverThePointEstimateOfEveryMetricAndDifference() {
    BootstrapResult r = Bootstrap.byRow(scorers(), LABELS, BootstrapSettings.defaults(1));
    assertThat(r.unit()).isEqualTo(BootstrapResult.Unit.ROWS);
    assertThat(r.units()).isEqualTo(ROWS);
    assertThat(r.subject()).isEqualTo("good");
    for (String s : List.of("good", "weak")) {
      for (IntervalMetric m : IntervalMetric.values()) {
        ConfidenceInterval ci = r.interval(s, m);
        assertThat(ci.contains(ci.estimate())).as("%s %s %s", s, m, ci).isTrue();
        assertThat(ci.width()).as("%s %s", s, m).isPositive();
      }
    }
    for (IntervalMetric m : IntervalMetric.values()) {
      ConfidenceInterval d = r.difference("weak", m);
      assertThat(d.contains(d.estimate())).as("%s %s", m, d).isTrue();
    }
    // the good scorer is clearly better: its lead is above zero (and its log loss lower)
    assertThat(r.difference("weak", IntervalMetric.ROC_AUC).lower()).isPositive();
    assertThat(r.difference("weak", IntervalMetric.PR_AUC).lower()).isPositive();
    assertThat(r.difference("weak", IntervalMetric.LOG_LOSS).upper()).isNegative();
  }

  @Test
  void pointEstimatesAgreeWithTheEvaluator() {
    BootstrapResult r = Bootstrap.byRow(scorers(), LABELS, BootstrapSettings.defaults(1));
    BinaryEvaluation good = Evaluator.evaluate(GOOD, LABELS, 0.3);
    BinaryEvaluation weak = Evaluator.evaluate(WEAK, LABELS, 0.3);
    assertThat(r.interval("good", IntervalMetric.ROC_AUC).estimate())
        .isCloseTo(good.rocAuc(), within(1e-12));
    assertThat(r.interval("good", IntervalMetric.PR_AUC).estimate())
        .isCloseTo(good.prAuc(), within(1e-12));
    assertThat(r.interval("good", IntervalMetric.F1).estimate())
        .isCloseTo(good.f1(), within(1e-12));
    assertThat(r.interval("good", IntervalMetric.LOG_LOSS).estimate())
        .isCloseTo(good.logLoss(), within(1e-12));
    assertThat(r.interval("good", IntervalMetric.BRIER).estimate())
        .isCloseTo(good.brierScore(), within(1e-12));
    assertThat(r.difference("weak", IntervalMetric.ROC_AUC).estimate())
        .isCloseTo(good.rocAuc() - weak.rocAuc(), within(1e-12));
  }

  @Test
  void aPerfectScorersAucIntervalIsExactlyOne() {
    double[] perfect = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      perfect[i] = LABELS[i] ? 0.9 : 0.1;
    }
    BootstrapResult r =
        Bootstrap.byRow(
            List.of(Scorer.atThreshold("perfect", perfect, 0.5)),
            LABELS,
            BootstrapSettings.defaults(5));
    assertThat(r.interval("perfect", IntervalMetric.ROC_AUC))
        .isEqualTo(new ConfidenceInterval(1, 1, 1));
    assertThat(r.interval("perfect", IntervalMetric.PR_AUC))
        .isEqualTo(new ConfidenceInterval(1, 1, 1));
    assertThat(r.interval("perfect", IntervalMetric.F1)).isEqualTo(new ConfidenceInterval(1, 1, 1));
  }

  @Test
  void thePairedDifferenceOfAScorerWithItselfIsExactlyZero() {
    BootstrapResult r =
        Bootstrap.byRow(
            List.of(Scorer.atThreshold("a", WEAK, 0.3), Scorer.atThreshold("same", WEAK, 0.3)),
            LABELS,
            BootstrapSettings.defaults(9));
    for (IntervalMetric m : IntervalMetric.values()) {
      assertThat(r.difference("same", m)).as("%s", m).isEqualTo(new ConfidenceInterval(0, 0, 0));
    }
  }

  @Test
  void theClusterBootstrapIsWiderThanTheRowBootstrapWhenAUsersRowsAreAlike() {
    // 200 users with 10 rows each; a user's rows share their score and label (strongly correlated)
    int users = 200;
    int perUser = 10;
    Random random = new Random(17);
    double[] p = new double[users * perUser];
    boolean[] y = new boolean[users * perUser];
    int[] cluster = new int[users * perUser];
    for (int u = 0; u < users; u++) {
      boolean label = random.nextDouble() < 0.3;
      double score = sigmoid(-1 + (label ? 1 : 0) + random.nextGaussian());
      for (int k = 0; k < perUser; k++) {
        int i = u * perUser + k;
        p[i] = score;
        y[i] = label;
        cluster[i] = 1000 + u * 7; // any ids
      }
    }
    List<Scorer> s = List.of(Scorer.atThreshold("m", p, 0.4));
    BootstrapSettings settings = BootstrapSettings.defaults(3);
    BootstrapResult rows = Bootstrap.byRow(s, y, settings);
    BootstrapResult clusters = Bootstrap.byCluster(s, y, cluster, settings);
    assertThat(clusters.unit()).isEqualTo(BootstrapResult.Unit.CLUSTERS);
    assertThat(clusters.units()).isEqualTo(users);
    for (IntervalMetric m : List.of(IntervalMetric.ROC_AUC, IntervalMetric.PR_AUC)) {
      double rowWidth = rows.interval("m", m).width();
      double clusterWidth = clusters.interval("m", m).width();
      // about √10 ≈ 3.2 times wider; at least twice
      assertThat(clusterWidth)
          .as("%s: %s vs %s", m, clusterWidth, rowWidth)
          .isGreaterThan(2 * rowWidth);
      assertThat(clusters.interval("m", m).estimate()).isEqualTo(rows.interval("m", m).estimate());
    }
  }

  @Test
  void clustersOfOneRowEachDrawExactlyAsTheRowBootstrap() {
    int[] own = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      own[i] = -i;
    }
    BootstrapSettings settings = new BootstrapSettings(200, 0.95, 8);
    BootstrapResult rows = Bootstrap.byRow(scorers(), LABELS, settings);
    BootstrapResult clusters = Bootstrap.byCluster(scorers(), LABELS, own, settings);
    assertThat(clusters.intervals()).isEqualTo(rows.intervals());
    assertThat(clusters.differences()).isEqualTo(rows.differences());
  }

  @Test
  void theSameSeedGivesTheSameIntervalsAndAnotherSeedOthers() {
    BootstrapResult a = Bootstrap.byRow(scorers(), LABELS, new BootstrapSettings(300, 0.95, 42));
    BootstrapResult b = Bootstrap.byRow(scorers(), LABELS, new BootstrapSettings(300, 0.95, 42));
    BootstrapResult c = Bootstrap.byRow(scorers(), LABELS, new BootstrapSettings(300, 0.95, 43));
    assertThat(b).isEqualTo(a);
    assertThat(c.intervals()).isNotEqualTo(a.intervals());
  }

  @Test
  void aWiderLevelGivesAWiderInterval() {
    ConfidenceInterval ci95 =
        Bootstrap.byRow(scorers(), LABELS, new BootstrapSettings(500, 0.95, 1))
            .interval("good", IntervalMetric.ROC_AUC);
    ConfidenceInterval ci80 =
        Bootstrap.byRow(scorers(), LABELS, new BootstrapSettings(500, 0.8, 1))
            .interval("good", IntervalMetric.ROC_AUC);
    assertThat(ci95.width()).isGreaterThan(ci80.width());
  }

  @Test
  void aMetricUndefinedOnEveryResampleHasNoBounds() {
    boolean[] negatives = new boolean[50];
    double[] p = new double[50];
    BootstrapResult r =
        Bootstrap.byRow(
            List.of(Scorer.atThreshold("m", p, 0.5)),
            negatives,
            new BootstrapSettings(20, 0.95, 1));
    ConfidenceInterval auc = r.interval("m", IntervalMetric.ROC_AUC);
    assertThat(auc.estimate()).isNaN();
    assertThat(auc.isDefined()).isFalse();
    assertThat(r.interval("m", IntervalMetric.LOG_LOSS).isDefined()).isTrue();
  }

  @Test
  void quantilesInterpolateBetweenOrderStatistics() {
    double[] v = {1, 2, 3, 4, 5};
    assertThat(Bootstrap.quantile(v, 0)).isEqualTo(1);
    assertThat(Bootstrap.quantile(v, 1)).isEqualTo(5);
    assertThat(Bootstrap.quantile(v, 0.5)).isEqualTo(3);
    assertThat(Bootstrap.quantile(v, 0.125)).isEqualTo(1.5);
  }

  @Test
  void refusesBadInputs() {
    assertThatThrownBy(() -> Bootstrap.byRow(List.of(), LABELS, BootstrapSettings.defaults(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Bootstrap.byRow(
                    List.of(Scorer.atThreshold("a", GOOD, 0.5), Scorer.atThreshold("a", WEAK, 0.5)),
                    LABELS,
                    BootstrapSettings.defaults(1)))
        .hasMessageContaining("two scorers are named 'a'");
    assertThatThrownBy(
            () -> Bootstrap.byCluster(scorers(), LABELS, new int[3], BootstrapSettings.defaults(1)))
        .hasMessageContaining("3 cluster ids for 2000 rows");
    assertThatThrownBy(() -> new BootstrapSettings(0, 0.95, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BootstrapSettings(10, 1.0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    BootstrapResult r = Bootstrap.byRow(scorers(), LABELS, new BootstrapSettings(10, 0.95, 1));
    assertThatThrownBy(() -> r.difference("good", IntervalMetric.F1))
        .hasMessageContaining("no reference named 'good'");
  }

  @Test
  void describesItselfInWords() {
    BootstrapResult r = Bootstrap.byRow(scorers(), LABELS, new BootstrapSettings(10, 0.95, 4));
    assertThat(r.describe())
        .isEqualTo("10 resamples of 2000 rows, 95% percentile intervals, seed 4");
  }
}
