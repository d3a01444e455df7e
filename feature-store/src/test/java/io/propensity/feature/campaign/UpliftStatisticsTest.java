package io.propensity.feature.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.common.stats.StandardNormal;
import org.junit.jupiter.api.Test;

class UpliftStatisticsTest {

  @Test
  void wilsonIntervalMatchesPublishedValues() {
    // Newcombe (1998a), Table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605.
    UpliftStatistics.Interval a = UpliftStatistics.wilson(81, 263, UpliftStatistics.Z95);
    assertThat(a.low()).isCloseTo(0.2553, within(5e-5));
    assertThat(a.high()).isCloseTo(0.3662, within(5e-5));
    UpliftStatistics.Interval b = UpliftStatistics.wilson(15, 148, UpliftStatistics.Z95);
    assertThat(b.low()).isCloseTo(0.0624, within(5e-5));
    assertThat(b.high()).isCloseTo(0.1605, within(5e-5));
  }

  @Test
  void newcombeHybridScoreIntervalMatchesPublishedValues() {
    // Newcombe (1998b), Table II, method 10: 56/70 - 48/80 -> 0.0524 to 0.3339;
    // 9/10 - 3/10 -> 0.1705 to 0.8090.
    UpliftStatistics.Interval a = UpliftStatistics.newcombe(56, 70, 48, 80, UpliftStatistics.Z95);
    assertThat(a.low()).isCloseTo(0.0524, within(5e-5));
    assertThat(a.high()).isCloseTo(0.3339, within(5e-5));
    UpliftStatistics.Interval b = UpliftStatistics.newcombe(9, 10, 3, 10, UpliftStatistics.Z95);
    assertThat(b.low()).isCloseTo(0.1705, within(5e-5));
    assertThat(b.high()).isCloseTo(0.8090, within(5e-5));
  }

  @Test
  void newcombeIntervalStaysInsideMinusOneToOneAtTheExtremes() {
    UpliftStatistics.Interval all = UpliftStatistics.newcombe(10, 10, 0, 10, UpliftStatistics.Z95);
    assertThat(all.high()).isLessThanOrEqualTo(1.0);
    assertThat(all.low()).isGreaterThan(0.0);
    UpliftStatistics.Interval none = UpliftStatistics.newcombe(0, 50, 0, 50, UpliftStatistics.Z95);
    assertThat(none.contains(0)).isTrue();
  }

  @Test
  void pValueOfTheTwoProportionTestMatchesTheNormalTail() {
    // z = 1.959964 gives p = 0.05: choose counts with a known z. 60/200 vs 40/200: pooled 0.25,
    // se = sqrt(0.25*0.75*0.01) = 0.0433013, z = 0.1/0.0433013 = 2.309401 -> p = 0.020921.
    assertThat(UpliftStatistics.twoProportionPValue(60, 200, 40, 200))
        .isCloseTo(0.020921, within(2e-6));
    assertThat(UpliftStatistics.twoProportionPValue(40, 200, 40, 200)).isCloseTo(1.0, within(1e-6));
    assertThat(StandardNormal.erfc(0)).isCloseTo(1.0, within(1e-7));
    assertThat(StandardNormal.erfc(-1)).isCloseTo(1.8427007929, within(1e-6));
  }

  @Test
  void upliftReportsRelativeLiftWithKatzInterval() {
    UpliftStatistics.Uplift u = UpliftStatistics.uplift(120, 1000, 80, 1000);
    assertThat(u.uplift()).isCloseTo(0.04, within(1e-12));
    assertThat(u.relativeLift())
        .hasValueSatisfying(r -> assertThat(r).isCloseTo(0.5, within(1e-12)));
    // ln(1.5) +- 1.96 * sqrt(1/120 - 1/1000 + 1/80 - 1/1000) = 0.405465 +- 0.268975
    assertThat(u.relativeLiftInterval())
        .hasValueSatisfying(
            i -> {
              assertThat(i.low()).isCloseTo(Math.exp(0.405465 - 0.268975) - 1, within(1e-4));
              assertThat(i.high()).isCloseTo(Math.exp(0.405465 + 0.268975) - 1, within(1e-4));
            });
    assertThat(UpliftStatistics.uplift(5, 100, 0, 100).relativeLift()).isEmpty();
  }
}
