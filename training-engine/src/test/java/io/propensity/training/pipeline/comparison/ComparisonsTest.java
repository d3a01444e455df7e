package io.propensity.training.pipeline.comparison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.runtime.metrics.BootstrapResult;
import io.propensity.runtime.metrics.BootstrapSettings;
import io.propensity.runtime.metrics.Evaluator;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ComparisonsTest {
  private static final double NEVER = NaiveRule.RECENCY_CAP_HOURS;
  private static final ComparisonSettings SETTINGS =
      new ComparisonSettings(new BootstrapSettings(300, 0.95, 5), 30);

  /**
   * Engine-like rows: recent buyers and carters buy more; a user has rows at 4 cutoffs. Columns:
   * hours_since_last_purchase, hours_since_last_cart_add, noise.
   */
  private static Dataset engineRows(int users, boolean carts, boolean withUsers) {
    List<String> names =
        List.of(NaiveRule.HOURS_SINCE_LAST_PURCHASE, NaiveRule.HOURS_SINCE_LAST_CART_ADD, "noise");
    Dataset.Builder b =
        Dataset.builder(names, Collections.nCopies(3, FeatureKind.NUMERIC), users * 4);
    Random random = new Random(3);
    for (int u = 0; u < users; u++) {
      for (int c = 0; c < 4; c++) {
        double purchase = random.nextDouble() < 0.4 ? random.nextDouble() * 1400 : NEVER;
        double cart = carts && random.nextDouble() < 0.4 ? random.nextDouble() * 200 : NEVER;
        double logit = -2 + (purchase <= 720 ? 1.2 : 0) + (carts && cart < purchase ? 1.0 : 0);
        boolean label = random.nextDouble() < 1 / (1 + Math.exp(-logit));
        b.add(
            new double[] {purchase, cart, random.nextGaussian()},
            label,
            withUsers ? Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86400L * c) : null,
            withUsers ? "u" + u : null);
      }
    }
    return b.build();
  }

  private static ModelComparison compare(Dataset data, int[] train, int[] test) {
    double[] model = new double[test.length];
    double[] baseline = new double[test.length];
    Random random = new Random(9);
    for (int i = 0; i < test.length; i++) {
      double signal = data.label(test[i]) ? 1 : 0;
      model[i] = 1 / (1 + Math.exp(-(-1.5 + 1.5 * signal + random.nextGaussian())));
      baseline[i] = 1 / (1 + Math.exp(-(-1.5 + 0.3 * signal + random.nextGaussian())));
    }
    return Comparisons.compare(data, train, test, model, 0.3, baseline, 0.3, SETTINGS);
  }

  private static int[] range(int from, int to) {
    return IntStream.range(from, to).toArray();
  }

  /** An order export: every row bought within the last 30 days (days 1..30 since the latest). */
  private static Dataset ordersOfRecentBuyers(int rows) {
    List<String> names = List.of(NaiveRule.HOURS_SINCE_LAST_PURCHASE, "noise");
    Dataset.Builder b = Dataset.builder(names, Collections.nCopies(2, FeatureKind.NUMERIC), rows);
    Random random = new Random(4);
    for (int i = 0; i < rows; i++) {
      double hours = 24 * (1 + random.nextInt(30)) - random.nextDouble() * 23;
      boolean label = random.nextDouble() < (hours < 24 * 8 ? 0.6 : 0.2);
      b.add(new double[] {hours, random.nextGaussian()}, label, null, null);
    }
    return b.build();
  }

  @Test
  void byDefaultARecencyRuleThatFiresOnEveryTrainingRowTakesTheirMedianRecencyInstead() {
    Dataset data = ordersOfRecentBuyers(1000);
    int[] train = range(0, 700);
    int[] test = range(700, 1000);
    double[] p = new double[test.length];
    java.util.Arrays.fill(p, 0.5);
    ComparisonSettings auto =
        new ComparisonSettings(
            new BootstrapSettings(200, 0.95, 5), ComparisonSettings.AUTO_RECENT_PURCHASE_DAYS);

    RuleResult chosen = Comparisons.compare(data, train, test, p, 0.5, p, 0.5, auto).rules().get(0);
    // 30 days fires on every row; the median recency (about 15 days) splits them in two halves
    assertThat(chosen.name()).matches("bought_in_last_1[4-7]d");
    assertThat(chosen.title())
        .contains("N is the training rows' median purchase recency: 30 days fires on every");
    assertThat(chosen.status()).isEqualTo(RuleResult.Status.EVALUATED);
    assertThat(chosen.trainFiringShare()).isBetween(0.4, 0.6);
    assertThat(chosen.evaluation().orElseThrow().rocAuc()).isGreaterThan(0.6);

    // asked for explicitly, N stays what was asked, however little it tells apart
    RuleResult asked =
        Comparisons.compare(data, train, test, p, 0.5, p, 0.5, SETTINGS).rules().get(0);
    assertThat(asked.name()).isEqualTo("bought_in_last_30d");
    assertThat(asked.trainFiringShare()).isEqualTo(1.0);
    assertThat(asked.evaluation().orElseThrow().rocAuc()).isEqualTo(0.5);
  }

  @Test
  void rulesScoreTheirTrainingGroupsPositiveRateAndDecideByFiring() {
    Dataset data = engineRows(400, true, true);
    int[] train = range(0, 1200);
    int[] test = range(1200, 1600);
    ModelComparison c = compare(data, train, test);

    RuleResult bought = c.rules().get(0);
    assertThat(bought.name()).isEqualTo("bought_in_last_30d");
    assertThat(bought.title()).isEqualTo("bought in the last 30 days");
    assertThat(bought.status()).isEqualTo(RuleResult.Status.EVALUATED);
    long firing = 0;
    long firingPositives = 0;
    for (int i : train) {
      if (data.value(i, 0) <= 720) {
        firing++;
        firingPositives += data.label(i) ? 1 : 0;
      }
    }
    assertThat(bought.firingPositiveRate()).isEqualTo((double) firingPositives / firing);
    assertThat(bought.trainFiringShare()).isEqualTo((double) firing / train.length);
    assertThat(bought.firingPositiveRate()).isGreaterThan(bought.otherPositiveRate());
    var e = bought.evaluation().orElseThrow();
    assertThat(e.rows()).isEqualTo(test.length);
    long testFiring = IntStream.of(test).filter(i -> data.value(i, 0) <= 720).count();
    assertThat(e.confusion().truePositives() + e.confusion().falsePositives())
        .isEqualTo(testFiring);
    assertThat(e.threshold()).isEqualTo(bought.firingPositiveRate());

    RuleResult carted = c.rules().get(1);
    assertThat(carted.name()).isEqualTo("carted_not_bought");
    assertThat(carted.status()).isEqualTo(RuleResult.Status.EVALUATED);
    assertThat(carted.firingPositiveRate()).isGreaterThan(carted.otherPositiveRate());

    // every evaluated rule is a scorer of the bootstrap, with its paired difference from the model
    BootstrapResult b = c.bootstrap();
    assertThat(b.intervals().keySet())
        .containsExactly("lightgbm", "baseline", "bought_in_last_30d", "carted_not_bought");
    assertThat(b.differences().keySet())
        .containsExactly("baseline", "bought_in_last_30d", "carted_not_bought");
    assertThat(b.interval("bought_in_last_30d", IntervalMetric.ROC_AUC).estimate())
        .isCloseTo(e.rocAuc(), within(1e-12));
    assertThat(b.interval("bought_in_last_30d", IntervalMetric.F1).estimate())
        .isCloseTo(e.f1(), within(1e-12));
  }

  @Test
  void aRuleDecidesByFiringEvenWhenItsFiringGroupIsTheLessLikelyOne() {
    // labels opposite to the rule: buyers of the last 30 days never buy again here
    List<String> names = List.of(NaiveRule.HOURS_SINCE_LAST_PURCHASE);
    Dataset.Builder b = Dataset.builder(names, List.of(FeatureKind.NUMERIC));
    for (int i = 0; i < 200; i++) {
      boolean recent = i % 2 == 0;
      b.add(new double[] {recent ? 24 : NEVER}, !recent && i % 4 == 1);
    }
    Dataset data = b.build();
    ModelComparison c = compare(data, range(0, 100), range(100, 200));
    RuleResult bought = c.rules().get(0);
    var e = bought.evaluation().orElseThrow();
    assertThat(bought.firingPositiveRate()).isZero();
    // flagged rows = the 50 test rows where it fires, though their probability is the lower one
    assertThat(e.confusion().truePositives() + e.confusion().falsePositives()).isEqualTo(50);
    assertThat(e.f1()).isZero();
    // while its probabilities rank the rows the right way round
    assertThat(e.rocAuc()).isGreaterThan(0.5);
  }

  @Test
  void theBootstrapDrawsUsersWhenTheRowsHaveUserIdsAndRowsOtherwise() {
    ModelComparison byUser = compare(engineRows(100, true, true), range(0, 300), range(300, 400));
    assertThat(byUser.bootstrap().unit()).isEqualTo(BootstrapResult.Unit.CLUSTERS);
    assertThat(byUser.bootstrap().units()).isEqualTo(25);
    ModelComparison byRow = compare(engineRows(100, true, false), range(0, 300), range(300, 400));
    assertThat(byRow.bootstrap().unit()).isEqualTo(BootstrapResult.Unit.ROWS);
    assertThat(byRow.bootstrap().units()).isEqualTo(100);
  }

  @Test
  void aRuleThatNeverFiresInTheTrainingRowsHasNoMetrics() {
    ModelComparison c = compare(engineRows(100, false, true), range(0, 300), range(300, 400));
    RuleResult carted = c.rules().get(1);
    assertThat(carted.status()).isEqualTo(RuleResult.Status.NEVER_FIRES);
    assertThat(carted.note()).isEqualTo("never fires in these data (e.g. a log without carts)");
    assertThat(carted.evaluation()).isEmpty();
    assertThat(carted.trainFiringShare()).isZero();
    assertThat(c.bootstrap().intervals()).doesNotContainKey("carted_not_bought");
    assertThat(c.rules().get(0).evaluated()).isTrue();
  }

  @Test
  void rulesAreNotApplicableToATableWithoutTheirFeatures() {
    List<String> names = List.of("x1", "x2");
    Dataset.Builder b = Dataset.builder(names, Collections.nCopies(2, FeatureKind.NUMERIC));
    Random random = new Random(1);
    for (int i = 0; i < 200; i++) {
      b.add(new double[] {random.nextDouble(), random.nextDouble()}, random.nextBoolean());
    }
    ModelComparison c = compare(b.build(), range(0, 100), range(100, 200));
    assertThat(c.rules())
        .extracting(RuleResult::status)
        .containsOnly(RuleResult.Status.NOT_APPLICABLE);
    assertThat(c.rules().get(0).note())
        .isEqualTo("not applicable: the data has no hours_since_last_purchase column");
    assertThat(c.rules().get(1).note())
        .isEqualTo("not applicable: the data has no hours_since_last_cart_add column");
    assertThat(c.bootstrap().intervals().keySet()).containsExactly("lightgbm", "baseline");
  }

  @Test
  void cartedNotBoughtReadsTheFlagWhenTheDataHasIt() {
    List<String> names = List.of(NaiveRule.CARTED_SINCE_LAST_PURCHASE);
    Dataset.Builder b = Dataset.builder(names, List.of(FeatureKind.NUMERIC));
    for (int i = 0; i < 10; i++) {
      b.add(new double[] {i < 3 ? 1 : i == 3 ? Double.NaN : 0}, false);
    }
    NaiveRule rule = new NaiveRule.CartedNotBought();
    assertThat(rule.notApplicable(names)).isEmpty();
    boolean[] fires = rule.fires(b.build(), range(0, 10));
    assertThat(fires)
        .containsExactly(true, true, true, false, false, false, false, false, false, false);
  }

  @Test
  void boughtRecentlyStopsAtTheLimitAndNeverCountsTheRecencyCap() {
    List<String> names = List.of(NaiveRule.HOURS_SINCE_LAST_PURCHASE);
    Dataset.Builder b = Dataset.builder(names, List.of(FeatureKind.NUMERIC));
    for (double h : new double[] {0, 720, 720.5, NEVER, Double.NaN}) {
      b.add(new double[] {h}, false);
    }
    assertThat(new NaiveRule.BoughtRecently(30).fires(b.build(), range(0, 5)))
        .containsExactly(true, true, false, false, false);
    assertThatThrownBy(() -> new NaiveRule.BoughtRecently(90))
        .hasMessageContaining("expected 1 to 89");
  }

  @Test
  void cartedNotBoughtComparesTheLatestCartWithTheLatestPurchase() {
    List<String> names =
        List.of(NaiveRule.HOURS_SINCE_LAST_PURCHASE, NaiveRule.HOURS_SINCE_LAST_CART_ADD);
    Dataset.Builder b = Dataset.builder(names, Collections.nCopies(2, FeatureKind.NUMERIC));
    double[][] rows = {
      {100, 5}, // carted after buying
      {5, 100}, // bought after carting
      {NEVER, 30}, // carted, never bought
      {NEVER, NEVER}, // neither
      {Double.NaN, 3}
    };
    for (double[] r : rows) {
      b.add(r, false);
    }
    assertThat(new NaiveRule.CartedNotBought().fires(b.build(), range(0, 5)))
        .containsExactly(true, false, true, false, false);
  }

  @Test
  void theVerdictReadsThePairedLowerBounds() {
    ModelComparison c = compare(engineRows(400, true, true), range(0, 1200), range(1200, 1600));
    Verdict v = c.verdict();
    assertThat(v.rocAuc()).isEqualTo(c.modelMinusBaseline(IntervalMetric.ROC_AUC));
    assertThat(v.beatsOnRocAuc()).isEqualTo(v.rocAuc().lower() > 0);
    assertThat(v.beatsOnPrAuc()).isEqualTo(v.prAuc().lower() > 0);
    // this model sees the label far better than this baseline
    assertThat(v.beatsBaseline()).isTrue();
    assertThat(v.text()).startsWith("LightGBM beats the logistic baseline: ROC-AUC +0.");
  }

  @Test
  void withDecisionsKeepsTheRankingMetrics() {
    double[] p = {0.2, 0.2, 0.1, 0.1};
    boolean[] y = {true, false, true, false};
    var base = Evaluator.evaluate(p, y, 0.2);
    var e = Comparisons.withDecisions(base, new boolean[] {false, false, true, true}, y);
    assertThat(e.rocAuc()).isEqualTo(base.rocAuc());
    assertThat(e.confusion().truePositives()).isEqualTo(1);
    assertThat(e.confusion().falsePositives()).isEqualTo(1);
    assertThat(new ArrayList<>(e.deciles())).isEqualTo(base.deciles());
  }
}
