package io.propensity.inference.challenge;

import static io.propensity.inference.challenge.Answers.labeled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.inference.outcomes.LabeledPrediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedComparatorTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final ComparedSide PROD = new ComparedSide("production", 3);
  private static final ComparedSide CHAL = new ComparedSide("challenger", 4);
  private static final ComparisonSettings SETTINGS = new ComparisonSettings(0.95, 200, 7);

  @Test
  void pairsOnlyTheSameRowOfTheSameRequestAnsweredByBothVersions() {
    List<LabeledPrediction> in =
        List.of(
            labeled("r1", 0, T, "u1", "production", 3, 0.2, 0.5, false),
            labeled("r1", 1, T, "u2", "production", 3, 0.7, 0.5, true),
            labeled("r1", 1, T, "u2", "challenger", 4, 0.9, 0.5, true),
            labeled("r1", 0, T, "u1", "challenger", 4, 0.1, 0.5, false),
            // no shadow answer for r2: left out
            labeled("r2", 0, T, "u3", "production", 3, 0.4, 0.5, true),
            // another version under the challenger alias (before it moved): left out
            labeled("r3", 0, T, "u4", "production", 3, 0.4, 0.5, true),
            labeled("r3", 0, T, "u4", "challenger", 2, 0.8, 0.5, true));

    List<PairedComparator.Pair> pairs = PairedComparator.pair(in, PROD, CHAL);

    assertThat(pairs).hasSize(2);
    assertThat(pairs.get(0).production().probability()).isEqualTo(0.2);
    assertThat(pairs.get(0).challenger().probability()).isEqualTo(0.1);
    assertThat(pairs.get(1).production().probability()).isEqualTo(0.7);
    assertThat(pairs.get(1).challenger().probability()).isEqualTo(0.9);
  }

  @Test
  void reportsBothSidesOnTheSameRowsComputedByHand() {
    // outcome, production p, challenger c:
    //  +  0.8 0.9 | +  0.4 0.7 | -  0.6 0.2 | -  0.3 0.6 | -  0.1 0.1
    boolean[] y = {true, true, false, false, false};
    double[] p = {0.8, 0.4, 0.6, 0.3, 0.1};
    double[] c = {0.9, 0.7, 0.2, 0.6, 0.1};
    List<LabeledPrediction> in = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      in.add(labeled("r" + i, 0, T, "u" + i, "production", 3, p[i], 0.5, y[i]));
      in.add(labeled("r" + i, 0, T, "u" + i, "challenger", 4, c[i], 0.65, y[i]));
    }

    PairedComparison r =
        PairedComparator.compare("purchase", in, PROD, CHAL, SETTINGS).orElseThrow();

    assertThat(r.pairs()).isEqualTo(5);
    assertThat(r.positives()).isEqualTo(2);
    // production: 0.8 beats all 3 negatives, 0.4 beats 0.3 and 0.1 → 5/6
    assertThat(r.production().rocAuc()).isCloseTo(5.0 / 6, within(1e-12));
    // challenger: 0.9 beats all, 0.7 beats all → 1
    assertThat(r.challenger().rocAuc()).isEqualTo(1.0);
    assertThat(r.rocAuc().difference()).isCloseTo(1.0 / 6, within(1e-12));
    // production at 0.5 flags 0.8, 0.6: precision ½, recall ½
    assertThat(r.production().precision()).isEqualTo(0.5);
    assertThat(r.production().recall()).isEqualTo(0.5);
    // challenger at its own 0.65 flags 0.9, 0.7: precision 1, recall 1
    assertThat(r.challenger().precision()).isEqualTo(1.0);
    assertThat(r.challenger().recall()).isEqualTo(1.0);
    // production AP: ranks 0.8(+) 0.6(−) 0.4(+) → ½·1 + ½·⅔ = 5/6; challenger AP = 1
    assertThat(r.production().prAuc()).isCloseTo(5.0 / 6, within(1e-12));
    assertThat(r.challenger().prAuc()).isEqualTo(1.0);
    assertThat(r.prAucDifference().estimate()).isCloseTo(1.0 / 6, within(1e-12));
    assertThat(r.meanScoreDifference()).isCloseTo((0.1 + 0.3 - 0.4 + 0.3 + 0) / 5, within(1e-12));
    // ranks p: 5 3 4 2 1, c: 5 4 2 3 1 → Σd² = 0+1+4+1+0 = 6, ρ = 1 − 36/120
    assertThat(r.spearman()).isCloseTo(0.7, within(1e-12));
    // of 10 pairs, discordant: (r1,r2) (r2,r3) → τ = (8 − 2)/10
    assertThat(r.kendall()).isCloseTo(0.6, within(1e-12));
    assertThat(r.difference(ComparisonMetric.ROC_AUC).estimate()).isCloseTo(1.0 / 6, within(1e-12));
  }

  @Test
  void noComparisonWithoutBothOutcomes() {
    List<LabeledPrediction> in =
        List.of(
            labeled("r1", 0, T, "u1", "production", 3, 0.2, 0.5, false),
            labeled("r1", 0, T, "u1", "challenger", 4, 0.1, 0.5, false),
            labeled("r2", 0, T, "u2", "production", 3, 0.3, 0.5, false),
            labeled("r2", 0, T, "u2", "challenger", 4, 0.4, 0.5, false));
    assertThat(PairedComparator.compare("purchase", in, PROD, CHAL, SETTINGS)).isEmpty();
  }
}
